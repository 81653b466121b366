import {RecsysError} from '../errors.js'
import {readColumn} from './columns.js'
import type {Db} from './open.js'
import {requireDataset} from './runs.js'

/** The prepared interactions as columns, sorted by time; users and products are dense keys. */
export interface Dataset {
  version: number
  nRows: number
  nUsers: number
  nProducts: number
  userKey: Int32Array
  productKey: Int32Array
  eventKey: Uint16Array
  tsMs: Float64Array
  eventNames: string[]
  firstTsMs: number
  lastTsMs: number
}

export function loadDataset(db: Db): Dataset {
  const version = requireDataset(db)
  const info = db.prepare('SELECT rows, users, products, first_ts_ms, last_ts_ms FROM datasets WHERE version = ?').get(version) as {
    rows: number
    users: number
    products: number
    first_ts_ms: number
    last_ts_ms: number
  }
  const userKey = readColumn<Int32Array>(db, 'interactions.user_key')
  const productKey = readColumn<Int32Array>(db, 'interactions.product_key')
  // Event keys are Uint16 since schema 3; a store written before keeps Int32, converted here.
  const eventColumn = readColumn<Uint16Array | Int32Array>(db, 'interactions.event_key')
  const eventKey = eventColumn instanceof Int32Array ? Uint16Array.from(eventColumn) : eventColumn
  const tsMs = readColumn<Float64Array>(db, 'interactions.ts_ms')
  if (!userKey || !productKey || !eventKey || !tsMs || userKey.length !== info.rows) {
    throw new RecsysError('BAD_DATA', 'the prepared dataset in this store is incomplete', 'Run `recsys prepare FILE` again.')
  }
  const eventNames = (db.prepare('SELECT name FROM event_types ORDER BY event_key').all() as Array<{name: string}>).map((r) => r.name)
  return {
    version,
    nRows: info.rows,
    nUsers: info.users,
    nProducts: info.products,
    userKey,
    productKey,
    eventKey,
    tsMs,
    eventNames,
    firstTsMs: info.first_ts_ms,
    lastTsMs: info.last_ts_ms,
  }
}

export function userIds(db: Db, keys: ArrayLike<number>): string[] {
  const stmt = db.prepare('SELECT user_id FROM users WHERE user_key = ?').pluck()
  const out: string[] = []
  for (let i = 0; i < keys.length; i++) out.push(stmt.get(keys[i]) as string)
  return out
}

/** The latest prepared dataset's record: where it came from and prepare's cleaning report (R). */
export interface DatasetRecord<R> {
  version: number
  source: string
  preparedAt: string
  report: R
}

export function latestDatasetRecord<R>(db: Db): DatasetRecord<R> | undefined {
  const row = db.prepare('SELECT version, source, prepared_at, report FROM datasets ORDER BY version DESC LIMIT 1').get() as
    | {version: number; source: string; prepared_at: string; report: string}
    | undefined
  return row ? {version: row.version, source: row.source, preparedAt: row.prepared_at, report: JSON.parse(row.report) as R} : undefined
}
