import type {AudienceResult} from '../../core/audience/lookup.js'
import {csvField} from '../../core/util/csv.js'
import {int, num, table} from './format.js'
import {paint} from './style.js'

const CSV_COLUMNS = ['rank', 'customer_id', 'score', 'interactions', 'distinct_products', 'last_seen']

/** RFC 4180 CSV (CRLF line ends, a header row); with several products, a product_id column first. */
export function audienceCsv(results: AudienceResult[]): string {
  const batch = results.length > 1
  const header = batch ? ['product_id', ...CSV_COLUMNS] : CSV_COLUMNS
  const lines = [header.join(',')]
  for (const r of results) {
    for (const m of r.members) {
      const row = [m.rank, m.customerId, m.score.toFixed(6), m.interactions, m.distinctProducts, m.lastSeen]
      lines.push((batch ? [r.productId, ...row] : row).map(csvField).join(','))
    }
  }
  return `${lines.join('\r\n')}\r\n`
}

export function audienceJson(results: AudienceResult[]): unknown {
  return results.length === 1 ? results[0] : {audiences: results}
}

export function renderAudience(r: AudienceResult): string {
  const title = `${paint.bold(`Audience for product ${r.productId}`)}${r.productName ? ` (${r.productName})` : ''}: top ${r.members.length}`
  const note = r.note ? `\n${r.coldStart ? paint.yellow(`Note: ${r.note}`) : paint.yellow(r.note)}` : ''
  const rows = r.members.map((m) => [m.rank, m.customerId, num(m.score, 4), int(m.interactions), int(m.distinctProducts), m.lastSeen])
  return `${title}${note}\n${table(['rank', 'customer_id', 'score', 'interactions', 'products', 'last seen'], rows, ['right', 'left', 'right', 'right', 'right', 'left'])}`
}
