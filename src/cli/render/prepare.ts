import type {PrepareReport} from '../../core/ingest/prepare.js'
import {DROP_REASONS} from '../../core/ingest/rows.js'
import {int, keyValues, pct, seconds, table} from './format.js'
import {paint} from './style.js'

export function renderPrepare(report: PrepareReport): string {
  const lineParts = [`${int(report.headerLines)} header`, `${int(report.rowsRead)} rows`, `${int(report.blankLines)} blank`]
  if (report.continuationLines > 0) lineParts.push(`${int(report.continuationLines)} inside quoted fields`)
  const rows: Array<[string, string | number]> = [
    ['lines', `${int(report.lines)} (${lineParts.join(' + ')})`],
    ['rows read', int(report.rowsRead)],
  ]
  for (const [key, label] of DROP_REASONS) {
    const n = report.dropped[key]
    const at = report.droppedLines[key]
    rows.push([`  dropped: ${label}`, n > 0 ? `${paint.yellow(int(n))}${at?.length ? ` (line${at.length > 1 ? 's' : ''} ${at.join(', ')}${n > at.length ? ', …' : ''})` : ''}` : '0'])
  }
  rows.push(
    ['rows kept', paint.green(int(report.rowsKept))],
    ['users', int(report.users)],
    ['products', int(report.products)],
    ['date range', `${report.firstEvent} → ${report.lastEvent}`],
    ['seconds', seconds(report.elapsedMs).replace(' s', '')],
  )
  const events = table(
    ['event', 'rows', 'share'],
    report.events.map((e) => [e.event, int(e.count), pct(e.share, 2)]),
    ['left', 'right', 'right'],
  )
  const bots = report.botUsers.length > 0 ? `\nbot users (> threshold events in a UTC day): ${report.botUsers.slice(0, 10).join(', ')}${report.botUsers.length > 10 ? ' …' : ''}` : ''
  const cols = report.columns
  const mapping = `columns: user=${cols.user}, product=${cols.product}, event=${cols.event ?? '(default)'}, time=${cols.time}, name=${cols.name ?? '(none)'}; ids: user ${report.idKinds.user}, product ${report.idKinds.product}`
  const hints = report.hints.map((h) => `\n${paint.yellow(`Hint: ${h}`)}`).join('')
  const warnings = report.warnings.map((w) => `\n${paint.yellow(`Warning: ${w}`)}`).join('')
  const f = report.format
  const read = f.compression !== 'none' || f.encoding !== 'utf-8' ? ` (read as ${[f.compression !== 'none' ? f.compression : '', f.encoding].filter(Boolean).join(', ')})` : ''
  return `${paint.bold(`Prepared ${report.source}`)}${read} → dataset v${report.datasetVersion}\n${keyValues(rows)}\n${events}\n${mapping}${bots}${warnings}${hints}`
}
