import type {PipelineReport} from '../../core/pipeline.js'
import {seconds, table} from './format.js'
import {paint} from './style.js'

export function renderPipeline(r: PipelineReport): string {
  const rows = r.stages.map((s) => [s.stage, seconds(s.elapsedMs), s.headline])
  rows.push([paint.bold('total'), paint.bold(seconds(r.elapsedMs)), ''])
  // The measured verdict (cf-attempt) has the last word over explore's threshold heuristics.
  const cf = r.cf as {verdict?: {summary: string}} | null
  const verdict = cf?.verdict ? `${cf.verdict.summary} (measured by cf-attempt; explore's thresholds said: ${r.explore.verdict.cfViable ? 'viable' : 'not viable'})` : r.explore.verdict.summary
  return `${paint.bold('Pipeline complete')}\n${table(['stage', 'time', 'result'], rows)}\n${verdict}\nNext: recsys recommend ${r.sampleProductIds[0] ?? 'PRODUCT_ID'} (products with audiences include ${r.sampleProductIds.join(', ')}), or add --out audience.csv for a CSV`
}
