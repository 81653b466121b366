import type {RankerSummary, TrainReport} from '../../core/audience/train.js'
import type {Interval} from '../../core/metrics/bootstrap.js'
import {counted, heading, int, num, pct, seconds, splitShareText, table} from './format.js'
import {paint} from './style.js'

const ci = (i: Interval): string => `${num(i.mean, 4)} [${num(i.low, 4)}, ${num(i.high, 4)}]`

function comparison(rankers: RankerSummary[], k: number, shipped?: string): string {
  const rows = [...rankers]
    .sort((a, b) => b.ndcg.mean - a.ndcg.mean)
    .map((r) => [r.name === shipped ? paint.bold(`${r.name} ✓`) : r.name, ci(r.ndcg), ci(r.precision), ci(r.recall), ci(r.hitRate), Number.isFinite(r.coverage) ? pct(r.coverage, 2) : 'n/a'])
  return table(['ranking', `NDCG@${k}`, `precision@${k}`, `recall@${k}`, `hit rate@${k}`, `coverage@${k}`], rows)
}

export function renderTrain(r: TrainReport): string {
  const out: string[] = []
  const e = r.evaluation
  if (e) {
    const p = e.products
    out.push(heading(`Evaluation: fit before ${e.split.splitTime}, scored after (${splitShareText(e.split.fraction, e.split.trainInteractions, e.split.testInteractions)})`))
    out.push(
      `${int(p.testProducts)} products active after the split: ${int(p.newProducts)} new, ${int(p.onlyNewUsers)} with only new users, ${int(p.onlyRepeatUsers)} with only earlier interactors; ${int(p.evaluated)} evaluated${p.sampled ? ` (a seeded sample of ${int(p.scorable)})` : ''}. Mean [95% bootstrap interval] over products:`,
    )
    out.push(comparison(e.rankers, e.k, r.ranker.shipped))
    if (p.evaluated > 0 && p.evaluated < 30) out.push(paint.yellow(`Note: the choice rests on ${int(p.evaluated)} products, so its intervals are wide${p.sampled ? '; raise --eval-products (0 evaluates all)' : ''}.`))
    if (e.hybridWeights) {
      const w = e.hybridWeights
      out.push(`hybrid blend (tuned on a validation slice of the training period): ${num(w.cooccurrence, 2)}·co-occurrence + ${num(w.content, 2)}·content + ${num(w.prior, 2)}·engagement`)
    }
    if (e.newProducts.products > 0) {
      out.push(heading(`New products: ${int(e.newProducts.products)} products with no interaction before the split`))
      out.push(comparison(e.newProducts.rankers, e.k))
    }
  }
  out.push(`${heading('Shipped')} ${paint.bold(r.ranker.shipped)}${r.ranker.requested === 'auto' ? '' : ' (asked for)'}: ${r.ranker.reason}`)
  out.push(`products without history (${int(r.products.withoutHistory)} catalog-only): ${r.ranker.newProducts.shipped}; ${r.ranker.newProducts.reason}`)
  const reach = r.reach
  out.push(
    `${paint.bold(`Audiences for ${int(r.products.total)} products`)}, top ${r.params.topN} each (stored to ${r.params.maxN}): ${counted(reach.slots, 'slot')} reach ${counted(reach.distinctUsers, 'distinct user')}; the busiest user is in ${counted(reach.maxAudiencesPerUser, 'audience')}; the top 1% of reached users hold ${pct(reach.top1PercentShare)} of the slots`,
  )
  if (r.products.total > 10 && reach.distinctUsers <= 3 * r.params.topN) {
    out.push(
      paint.yellow(
        `Note: nearly every product gets the same ${int(reach.distinctUsers)} users: on this data no per-product ranking measured better than ${r.ranker.shipped}. To spread audiences, cap them (--max-audiences-per-user 3) or ship a per-product ranking by name (--ranker cooccurrence or content) knowing it did not measure better.`,
      ),
    )
  }
  if (r.params.maxAudiencesPerUser !== null) out.push(`frequency cap ${r.params.maxAudiencesPerUser} audiences per user: ${int(reach.distinctUsers)} users reached with the cap, ${int(reach.distinctUsersWithoutCap)} without`)
  if (r.audiences.short > 0) out.push(paint.yellow(`${int(r.audiences.short)} products have fewer than ${r.params.topN} users who have not interacted with them`))
  out.push(`cold-start audience (unknown products): ${r.coldStart.map((c) => c.customerId).join(', ')}`)
  const t = r.timings
  out.push(`time: evaluation ${seconds(t.evaluationMs)}, fit ${seconds(t.fitMs)}, audiences ${seconds(t.audiencesMs)}, write ${seconds(t.writeMs)}, total ${seconds(r.elapsedMs)}`)
  return out.join('\n')
}
