import type {TrainReport} from '../../core/audience/train.js'
import {heading, int, num, pct, seconds, table} from './format.js'
import {paint} from './style.js'

export function renderTrain(r: TrainReport): string {
  const out: string[] = []
  const a = r.audiences
  out.push(
    `${paint.bold(`Audiences for ${int(r.products.trained)} of ${int(r.products.total)} products`)}${r.params.quick ? ' (--quick: a seeded 10% sample)' : ''}: top ${r.params.topN} users each, ${int(a.slots)} slots, ${int(a.distinctUsers)} distinct users reached`,
  )
  if (r.params.maxAudiencesPerUser !== null) {
    out.push(`frequency cap ${r.params.maxAudiencesPerUser} audiences per user: reach ${int(a.distinctUsers)} users with the cap, ${int(a.distinctUsersWithoutCap)} without`)
  }
  if (a.short > 0) out.push(paint.yellow(`${int(a.short)} products have fewer than ${r.params.topN} users who have not interacted with them`))
  out.push(`cold-start audience (unknown products): ${r.coldStart.map((c) => c.customerId).join(', ')}`)
  const e = r.evaluation
  if (e) {
    out.push(heading(`Evaluation: fit before ${e.split.splitTime}, test after (${pct(e.split.fraction, 0)} / ${pct(1 - e.split.fraction, 0)})`))
    const p = e.products
    out.push(
      `${int(p.testProducts)} products active after the split: ${int(p.newProducts)} new, ${int(p.onlyNewUsers)} with only new users, ${int(p.onlyRepeatUsers)} with only earlier interactors; ${int(p.evaluated)} evaluated`,
    )
    const rows = e.rankers.map((rk) => [
      rk.name,
      ...e.ks.flatMap((k) => {
        const m = rk.metrics.find((x) => x.k === k)!
        return [num(m.precision, 5), num(m.recall, 5)]
      }),
      pct(rk.metrics.find((m) => m.k === 10)?.coverage ?? 0, 3),
      `${num(rk.returnLift.lift, 2)}×`,
    ])
    out.push(table(['ranking', ...e.ks.flatMap((k) => [`P@${k}`, `R@${k}`]), 'coverage@10', 'return lift'], rows))
    const lift = e.rankers[0].returnLift
    out.push(
      `return lift: ${pct(lift.audienceShare)} of the ${int(lift.audienceUsers)} users in the engagement audiences were active after the split, against ${pct(lift.baseShare)} of all users seen before it`,
    )
  }
  out.push(`time: audiences ${seconds(r.timings.audiencesMs)}, evaluation ${seconds(r.timings.evaluationMs)}, write ${seconds(r.timings.writeMs)}, total ${seconds(r.elapsedMs)}`)
  return out.join('\n')
}
