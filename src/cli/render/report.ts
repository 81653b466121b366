import type {ReportResult} from '../../core/report/write.js'
import {paint} from './style.js'

const size = (bytes: number): string => (bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`)

/** Where the report went, how big it is, and which sections still wait for a stage. */
export function renderReport(r: ReportResult): string {
  const filled = r.sections.filter((s) => s.available)
  const lines = [`Wrote ${paint.bold(r.out)} (${size(r.bytes)}): ${filled.length} of ${r.sections.length} sections, ${r.charts.length} charts.`]
  const empty = r.sections.filter((s) => !s.available).map((s) => s.id)
  if (empty.length > 0) lines.push(paint.yellow(`Empty sections (the page names the command that fills each): ${empty.join(', ')}.`))
  const stale = r.sections.filter((s) => s.stale).map((s) => s.id)
  if (stale.length > 0) lines.push(paint.yellow(`Possibly out of date: ${stale.join(', ')} (the page says what to run again).`))
  return lines.join('\n')
}
