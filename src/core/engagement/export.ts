import {isoDateTime} from '../ingest/timestamps.js'
import type {Db} from '../store/open.js'
import {csvField, safeCsvText} from '../util/csv.js'
import {COMPONENTS, type UserFeatures} from './score.js'

export const FEATURE_CSV_COLUMNS = ['customer_id', 'engagement', 'interactions', 'distinct_products', 'first_seen', 'last_seen', ...COMPONENTS.map((c) => `${c}_score`)]

/**
 * Every user's features and engagement as RFC 4180 CSV rows, streamed in user-key order (one scan of
 * the users table; no row object held), for pandas or a spreadsheet. Customer ids are neutralised
 * against formula injection unless `raw`.
 */
export function writeFeaturesCsv(db: Db, f: UserFeatures, write: (chunk: string) => void, raw = false): number {
  const text = raw ? csvField : safeCsvText
  write(`${FEATURE_CSV_COLUMNS.join(',')}\r\n`)
  let rows = 0
  for (const [u, id] of db.prepare('SELECT user_key, user_id FROM users ORDER BY user_key').raw().iterate() as IterableIterator<[number, string]>) {
    if (!f.active[u]) continue
    const components = COMPONENTS.map((c) => String(Number(f.normalised(c, u).toFixed(6)))).join(',')
    write(`${text(id)},${Number(f.engagement[u].toFixed(6))},${f.interactions[u]},${f.distinctProducts[u]},${isoDateTime(f.firstTsMs[u])},${isoDateTime(f.lastTsMs[u])},${components}\r\n`)
    rows++
  }
  return rows
}
