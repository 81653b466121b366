import {COMPONENTS} from '../../core/engagement/score.js'
import type {FeaturesReport} from '../../core/engagement/stage.js'
import {logBar} from './charts.js'
import {heading, int, num, table} from './format.js'
import {paint} from './style.js'

export function renderFeatures(r: FeaturesReport): string {
  const d = r.distribution
  const w = r.params.weights
  const out: string[] = []
  out.push(`${paint.bold(`Engagement for ${int(r.users)} users`)} (recency counted to ${r.referenceTime}, decay ${r.params.decayDays} days)`)
  out.push(`engagement = ${COMPONENTS.map((c) => `${num(w[c], 3)}·${c}`).join(' + ')}`)
  if (r.unknownEvents?.length) out.push(paint.yellow(`Note: --event-weights names ${r.unknownEvents.map((e) => `"${e}"`).join(', ')}, which this data does not have (its events are weighed by the defaults and --other-event-weight); check the spelling against \`recsys explore\`'s event mix.`))
  if (r.params.weightsSum !== 1) out.push(paint.yellow(`Note: the weights given summed to ${num(r.params.weightsSum, 3)}; they were scaled to sum to 1, so scores stay between 0 and 1.`))
  out.push(table(['min', 'p25', 'p50', 'p75', 'p90', 'p99', 'max', 'mean'], [[d.min, d.p25, d.p50, d.p75, d.p90, d.p99, d.max, d.mean].map((x) => num(x, 4))]))
  const max = Math.max(...r.histogram.map((h) => h.users))
  out.push(heading('Score distribution (log-scaled bars)'))
  for (const h of r.histogram) out.push(`${num(h.from, 3)}-${num(h.to, 3)} │${paint.cyan(logBar(h.users, max, 36)).padEnd(36)} ${int(h.users)}`)
  out.push(heading('Top users'))
  out.push(
    table(
      ['rank', 'customer_id', 'engagement', ...COMPONENTS, 'interactions', 'products', 'last seen'],
      r.top.map((t) => [t.rank, t.customerId, num(t.engagement, 4), ...COMPONENTS.map((c) => num(t.components[c], 3)), int(t.interactions), int(t.distinctProducts), t.lastSeen.slice(0, 10)]),
    ),
  )
  if (r.exported) out.push(`wrote ${int(r.exported.rows)} users' features to ${r.exported.path}`)
  return out.join('\n')
}
