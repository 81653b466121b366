import type {CfReport} from '../../core/cf/attempt.js'
import type {Interval} from '../../core/metrics/bootstrap.js'
import {heading, int, pct, seconds, table} from './format.js'
import {paint} from './style.js'

const ci = (i: Interval): string => `${i.mean.toFixed(4)} [${i.low.toFixed(4)}, ${i.high.toFixed(4)}]`

export function renderCf(r: CfReport): string {
  const c = r.config
  const e = r.evaluation
  const p = e.products
  const out: string[] = []
  out.push(
    `${paint.bold('Implicit ALS')}: ${c.factors} factors, ${c.iterations} iterations, λ ${c.regularization}, α ${c.alpha}${c.binary ? ' (binary)' : ''}, ${c.solver}${c.solver === 'cg' ? ` (${c.cgSteps} steps)` : ''}, seed ${c.seed}`,
  )
  out.push(
    `data before the split: ${int(r.data.trainInteractions)} interactions, ${int(r.data.users)} users × ${int(r.data.products)} products, ${int(r.data.nonZeros)} non-zeros (density ${pct(r.data.density, 4)})`,
  )
  const losses = r.training.losses
  if (losses.length > 0) out.push(`training loss: ${losses.map((l) => `${l.iteration}: ${l.loss.toExponential(4)}`).join(', ')}`)
  out.push(
    `${int(p.testProducts)} products active after the split: ${int(p.newProducts)} new, ${int(p.onlyNewUsers)} with only new users, ${int(p.onlyRepeatUsers)} with only earlier interactors; ${int(p.scorable)} scorable, ${int(p.evaluated)} evaluated${p.sampled ? ' (a seeded sample: --eval-products)' : ' (all)'}`,
  )
  out.push(heading(`Item-to-user ranking at k = ${e.k} (mean [95% bootstrap interval] over products)`))
  out.push(table(['ranking', `precision@${e.k}`, `recall@${e.k}`, `hit rate@${e.k}`, `NDCG@${e.k}`], e.rankers.map((x) => [x.name, ci(x.precision), ci(x.recall), ci(x.hitRate), ci(x.ndcg)])))
  out.push(`${heading('Verdict')} ${r.verdict.viable ? paint.green('viable') : paint.red('not viable')}; of ALS and the global rankings use: ${paint.bold(r.verdict.useRanking)}`)
  for (const reason of r.verdict.reasons) out.push(`  - ${reason}`)
  out.push(r.verdict.summary)
  out.push(`time: training ${seconds(r.training.elapsedMs)} (median ${seconds(r.training.medianIterationMs)} per iteration, ${r.training.threads} thread${r.training.threads > 1 ? 's' : ''}), evaluation ${seconds(e.elapsedMs)}, total ${seconds(r.elapsedMs)}`)
  return out.join('\n')
}
