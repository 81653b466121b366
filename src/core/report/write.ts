import type {Db} from '../store/open.js'
import {writeFileAtomically} from '../util/atomic-file.js'
import {renderReportHtml, type RenderedReport} from './html.js'
import {buildReportModel, type ReportModelOptions} from './model.js'

export const DEFAULT_REPORT_PATH = 'report.html'

export interface ReportResult {
  out: string
  bytes: number
  sections: RenderedReport['sections']
  charts: RenderedReport['charts']
  elapsedMs: number
}

/** Reads the store, renders the report page and writes it to `out` in one atomic step. */
export function writeReport(db: Db, out: string, options: ReportModelOptions = {}): ReportResult {
  const started = Date.now()
  const rendered = renderReportHtml(buildReportModel(db, options))
  writeFileAtomically(out, (write) => write(rendered.html))
  return {out, bytes: Buffer.byteLength(rendered.html, 'utf8'), sections: rendered.sections, charts: rendered.charts, elapsedMs: Date.now() - started}
}
