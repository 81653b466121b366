/**
 * `node dist/core/bench/duckdb-child.js CSV DB`: the DuckDB side of `recsys bench --compare
 * duckdb`, in a process of its own so that its peak memory is DuckDB's alone. Its one line of
 * stdout is the JSON protocol the parent reads (DuckdbChildResult), not output for a person.
 */
import {isRecsysError} from '../errors.js'
import {loadDuckdb, runDuckdbPrepare} from './duckdb-prepare.js'

export type DuckdbChildResult =
  | {ok: true; rows: number; wallMs: number; queryMs: number; maxRssKb: number; version: string; threads: number}
  | {ok: false; error: {code: string; message: string; hint: string}}

async function main(): Promise<DuckdbChildResult> {
  const [csv, db] = process.argv.slice(2)
  if (!csv || !db) return {ok: false, error: {code: 'USAGE', message: 'duckdb-child: expected CSV and DB paths', hint: 'It is started by `recsys bench --compare duckdb`.'}}
  try {
    const result = await runDuckdbPrepare(await loadDuckdb(), csv, db)
    // performance.now() counts from the process's start: the wall time includes Node and loading DuckDB.
    return {ok: true, ...result, wallMs: performance.now(), maxRssKb: process.resourceUsage().maxRSS}
  } catch (error) {
    if (isRecsysError(error)) return {ok: false, error: {code: error.code, message: error.message, hint: error.hint}}
    return {ok: false, error: {code: 'UNEXPECTED', message: `DuckDB failed: ${String((error as Error).message ?? error).split('\n')[0]}`, hint: 'Run the SQL in src/core/bench/duckdb-prepare.ts by hand to see the error.'}}
  }
}

const result = await main()
process.stdout.write(`${JSON.stringify(result)}\n`)
process.exitCode = result.ok ? 0 : 1
