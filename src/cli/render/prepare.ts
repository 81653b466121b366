import type {PrepareProgress, PrepareReport} from '../../core/ingest/prepare.js'
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
  const mapping = `columns: user=${cols.user}, product=${cols.product}, event=${cols.event ?? '(default)'}, time=${cols.time}, name=${cols.name ?? '(none)'}, category=${cols.category ?? '(none)'}, brand=${cols.brand ?? '(none)'}; ids: user ${report.idKinds.user}, product ${report.idKinds.product}`
  const hints = report.hints.map((h) => `\n${paint.yellow(`Hint: ${h}`)}`).join('')
  const warnings = report.warnings.map((w) => `\n${paint.yellow(`Warning: ${w}`)}`).join('')
  const f = report.format
  const read = f.compression !== 'none' || f.encoding !== 'utf-8' ? ` (read as ${[f.compression !== 'none' ? f.compression : '', f.encoding].filter(Boolean).join(', ')})` : ''
  return `${paint.bold(`Prepared ${report.source}`)}${read} → dataset v${report.datasetVersion}\n${keyValues(rows)}\n${events}\n${mapping}${bots}${warnings}${hints}`
}

const bytes = (n: number): string => (n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${Math.round(n / 1e3)} kB`)

function duration(ms: number): string {
  const s = Math.round(ms / 1000)
  return s < 90 ? `${s} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`
}

/**
 * One progress line: how far through the file (bytes of its size, compressed bytes for gzip), rows
 * per second, and the time left at the rate so far (only once there is a rate to trust).
 */
export function prepareProgressText(p: PrepareProgress): string {
  if (p.phase === 'clean') return `prepare: cleaning ${int(p.rowsRead)} rows`
  if (p.phase === 'write') return 'prepare: writing the store'
  const rate = p.elapsedMs > 0 ? Math.round((p.rowsRead / p.elapsedMs) * 1000) : 0
  if (!p.totalBytes) return `prepare: read ${int(p.rowsRead)} rows (${bytes(p.bytesRead)}), ${int(rate)} rows/s`
  const share = Math.min(1, p.bytesRead / p.totalBytes)
  const width = 20
  const filled = Math.round(share * width)
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`
  const left = share > 0.02 && p.elapsedMs > 2000 ? `, about ${duration((p.elapsedMs / share) * (1 - share))} left` : ''
  return `prepare: ${bar} ${pct(share, 0)} of ${bytes(p.totalBytes)}, ${int(p.rowsRead)} rows, ${int(rate)} rows/s${left}`
}
