import type {PipelineReport} from '../../core/pipeline.js'
import {seconds, shellWord, table} from './format.js'
import {paint} from './style.js'

/**
 * Which verdict decides when explore's thresholds and cf-attempt's measurement disagree: the
 * measurement, because it scores the very question (does ALS find the users who come to a
 * product?) on this data, while the thresholds are rules of thumb about its shape.
 */
export function pipelineVerdict(r: PipelineReport): string {
  const cf = r.cf as {verdict?: {viable: boolean; summary: string}} | null
  const thresholds = r.explore.verdict.cfViable
  if (!cf?.verdict) return `${r.explore.verdict.summary} (explore's thresholds; run without --skip-cf to measure it)`
  if (cf.verdict.viable === thresholds) return `${cf.verdict.summary} Explore's thresholds agree.`
  return `${cf.verdict.summary} Explore's thresholds said ${thresholds ? 'viable' : 'not viable'}; the measurement decides, because it scores ALS on this very data rather than judging its shape.`
}

/**
 * The recommend command for a product, ready to paste into a shell: the id quoted when the shell
 * would change it, and after `--` when it starts with a dash (else it would read as a flag).
 */
export function recommendCommand(invoke: {bin: string; db: string}, productId: string | undefined): string {
  const db = invoke.db ? ` --db ${shellWord(invoke.db)}` : ''
  if (productId === undefined) return `${invoke.bin} recommend${db} PRODUCT_ID`
  return `${invoke.bin} recommend${db} ${productId.startsWith('-') ? '-- ' : ''}${shellWord(productId)}`
}

/** `invoke`: how to run the next command as this one was run (e.g. ./bin/run.js … --db x.db). */
export function renderPipeline(r: PipelineReport, invoke = {bin: 'recsys', db: ''}): string {
  const rows = r.stages.map((s) => [s.stage, seconds(s.elapsedMs), s.headline])
  rows.push([paint.bold('total'), paint.bold(seconds(r.elapsedMs)), ''])
  return `${paint.bold('Pipeline complete')}\n${table(['stage', 'time', 'result'], rows)}\n${pipelineVerdict(r)}\nShipped by train, which measured every ranking: ${r.train.ranker.shipped} (${r.train.ranker.reason}).\nNext: ${recommendCommand(invoke, r.sampleProductIds[0])} (products include ${r.sampleProductIds.join(', ')}), or add --out audience.csv for a CSV`
}
