import type {PipelineReport} from '../../core/pipeline.js'
import {seconds, table} from './format.js'
import {paint} from './style.js'

export function renderPipeline(r: PipelineReport): string {
  const rows = r.stages.map((s) => [s.stage, seconds(s.elapsedMs), s.headline])
  rows.push([paint.bold('total'), paint.bold(seconds(r.elapsedMs)), ''])
  return `${paint.bold('Pipeline complete')}\n${table(['stage', 'time', 'result'], rows)}\n${r.explore.verdict.summary}\nNext: recsys recommend ${r.sampleProductIds[0] ?? 'PRODUCT_ID'} (products with audiences include ${r.sampleProductIds.join(', ')}), or add --out audience.csv for a CSV`
}
