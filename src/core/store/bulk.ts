import type {Db} from './open.js'

const ROWS_PER_STATEMENT = 500

/**
 * Inserts n rows through one multi-row prepared statement (plus one for the tail): far fewer
 * statement executions than a row at a time. `fill(i, params, at)` writes row i's values into
 * the reused parameter array from index `at`; no object is allocated per row. `values` may give a
 * column's SQL instead of `?` (e.g. `CAST(? AS INTEGER)`).
 */
export function bulkInsert(
  db: Db,
  table: string,
  columns: readonly string[],
  n: number,
  fill: (i: number, params: unknown[], at: number) => void,
  values: readonly string[] = columns.map(() => '?'),
): void {
  const width = columns.length
  const rowSql = `(${values.join(', ')})`
  const head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `
  const full = db.prepare(head + Array.from({length: ROWS_PER_STATEMENT}, () => rowSql).join(', '))
  const params: unknown[] = Array.from({length: ROWS_PER_STATEMENT * width})
  let i = 0
  for (; i + ROWS_PER_STATEMENT <= n; i += ROWS_PER_STATEMENT) {
    for (let r = 0; r < ROWS_PER_STATEMENT; r++) fill(i + r, params, r * width)
    full.run(params)
  }
  const rest = n - i
  if (rest > 0) {
    const tail = db.prepare(head + Array.from({length: rest}, () => rowSql).join(', '))
    const tailParams: unknown[] = Array.from({length: rest * width})
    for (let r = 0; r < rest; r++) fill(i + r, tailParams, r * width)
    tail.run(tailParams)
  }
}
