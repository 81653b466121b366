import {RecsysError} from '../errors.js'

/**
 * What a data scientist would write instead of `recsys prepare`, for `recsys bench --compare
 * duckdb`. It is the equivalent of prepare's cleaning, not a copy of it, so the kept counts differ:
 * - the same: rows with an empty or null-token user or product id are dropped (the token list is
 *   the one in ingest/ids.ts), unreadable timestamps become NULL through TRY_CAST and are dropped,
 *   as are empty events; exact (user, product, event, time) repeats are kept once; the result is
 *   sorted by time; lines the CSV reader cannot split are skipped (ignore_errors);
 * - recsys only: bot users (over 1,000 events on a UTC day) are dropped; in an integer id column,
 *   non-integer ids are dropped and "42.0" joins "42"; slash dates (M/D/YYYY, or D/M/YYYY with
 *   --day-first), epoch numbers and the plausible-date window [1980, 2100) are read by recsys's own
 *   parser, where TRY_CAST reads ISO 8601 only.
 * `{{csv}}` stands for the input path as a SQL string literal.
 */
export const DUCKDB_PREPARE_SQL = `
CREATE TABLE interactions AS
WITH raw AS (
  SELECT
    trim(customer_id) AS user_id,
    trim(product_id) AS product_id,
    lower(trim(event)) AS event,
    TRY_CAST(trim(event_date) AS TIMESTAMPTZ) AS ts,
    nullif(trim(product_name), '') AS product_name
  FROM read_csv({{csv}}, header = true, all_varchar = true, ignore_errors = true)
)
SELECT user_id, product_id, event, ts, any_value(product_name) AS product_name
FROM raw
WHERE lower(user_id) NOT IN ('', 'null', 'none', 'nan', 'na', 'n/a', '#n/a', 'nil', 'undefined', '\\n', '<na>', 'nat')
  AND lower(product_id) NOT IN ('', 'null', 'none', 'nan', 'na', 'n/a', '#n/a', 'nil', 'undefined', '\\n', '<na>', 'nat')
  AND event <> ''
  AND ts IS NOT NULL
GROUP BY user_id, product_id, event, ts
ORDER BY ts
`

/** The script for one input file: the path becomes a quoted SQL literal. */
export function duckdbPrepareSql(csvPath: string): string {
  return DUCKDB_PREPARE_SQL.replace('{{csv}}', `'${csvPath.replaceAll("'", "''")}'`)
}

export type DuckdbModule = typeof import('@duckdb/node-api')

/**
 * Loads DuckDB's Node client. It is a dev dependency (used only to benchmark against), so an
 * install without dev dependencies lacks it: that is a usage error with a fix, not a crash.
 */
export async function loadDuckdb(importer: () => Promise<DuckdbModule> = () => import('@duckdb/node-api')): Promise<DuckdbModule> {
  try {
    return await importer()
  } catch (error) {
    const missing = (error as {code?: string}).code === 'ERR_MODULE_NOT_FOUND'
    const why = missing ? 'is not installed' : `cannot be loaded (${String((error as Error).message ?? error).split('\n')[0]})`
    throw new RecsysError('USAGE', `bench --compare duckdb needs @duckdb/node-api, which ${why}`, 'It is a dev dependency: run `npm ci` (with dev dependencies) in the recsys checkout.')
  }
}

export interface DuckdbPrepareResult {
  rows: number
  /** Opening the database, running the script and closing it (checkpointed to the file). */
  queryMs: number
  version: string
  threads: number
}

/** Runs the script on `csvPath` into a new DuckDB database file at `dbPath`, closing it after. */
export async function runDuckdbPrepare(duckdb: DuckdbModule, csvPath: string, dbPath: string): Promise<DuckdbPrepareResult> {
  const started = performance.now()
  const instance = await duckdb.DuckDBInstance.create(dbPath)
  const connection = await instance.connect()
  let counts: [bigint, string, bigint]
  try {
    await connection.run(duckdbPrepareSql(csvPath))
    const reader = await connection.runAndReadAll("SELECT (SELECT count(*) FROM interactions)::BIGINT, version(), current_setting('threads')::BIGINT")
    counts = reader.getRows()[0] as [bigint, string, bigint]
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
  const [rows, version, threads] = counts
  return {rows: Number(rows), queryMs: performance.now() - started, version, threads: Number(threads)}
}
