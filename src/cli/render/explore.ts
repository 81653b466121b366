import type {ExploreReport} from '../../core/stats/explore.js'
import {logBar, sparkline} from './charts.js'
import {heading, int, keyValues, num, pct, splitShareText, table} from './format.js'
import {paint} from './style.js'

export function renderExplore(r: ExploreReport): string {
  const s = r.split
  const out: string[] = []
  out.push(
    keyValues(
      [
        ['interactions', int(r.totals.interactions)],
        ['users', int(r.totals.users)],
        ['products', int(r.totals.products)],
        ['date range', `${r.dateRange.first} → ${r.dateRange.last} (${spanText(r.dateRange.hours, r.dateRange.days)})`],
        ['sparsity', pct(r.totals.sparsity, 4)],
      ],
      'Totals',
    ),
  )
  out.push(
    keyValues(
      [
        ['split time', `${s.splitTime} (${splitShareText(s.fraction, s.trainInteractions, s.testInteractions)})`],
        ['users before / after', `${int(s.earlyUsers)} / ${int(s.lateUsers)}`],
        ['returning users', `${int(s.returningUsers)}`],
        ['retention', pct(s.retention, 2)],
        ['products before / after', `${int(s.earlyProducts)} / ${int(s.lateProducts)}`],
        ['new products after the split', `${int(s.newProducts)} (${pct(s.newProductShare, 1)})`],
      ],
      'Temporal split',
    ),
  )
  out.push(
    keyValues(
      [
        ['interactions per user: median / mean / max', `${num(r.users.median, 1)} / ${num(r.users.mean, 2)} / ${int(r.users.max)}`],
        ['one-time users', pct(r.users.oneTimeShare)],
        ['2-5 interactions', pct(r.users.twoToFiveShare)],
        ['more than 5', pct(r.users.moreThanFiveShare)],
        ['interactions per product: median / mean / max', `${num(r.products.median, 1)} / ${num(r.products.mean, 2)} / ${int(r.products.max)}`],
      ],
      'Users',
    ),
  )
  const maxUsers = Math.max(...r.users.histogram.map((h) => h.users))
  out.push(heading('Interactions per user (log-scaled bars)'))
  for (const h of r.users.histogram) out.push(`${h.label.padStart(9)} │${paint.cyan(logBar(h.users, maxUsers)).padEnd(40)} ${int(h.users)} (${pct(h.share, 2)})`)
  out.push(table(['event', 'count', 'share'], r.events.map((e) => [e.event, int(e.count), pct(e.share, 2)]), ['left', 'right', 'right']))
  const maxOffsets = Math.max(...r.cohorts.map((c) => c.active.length))
  const offsets = Array.from({length: maxOffsets}, (_, i) => `M+${i}`)
  out.push(heading('Monthly cohorts: share of each cohort active in later months'))
  out.push(table(['cohort', 'users', ...offsets], r.cohorts.map((c) => [c.month, int(c.users), ...offsets.map((_, i) => (i < c.active.length ? pct(c.active[i]) : ''))])))
  out.push(`${heading('Activity per day')} ${r.activity.firstDay} … ${r.dateRange.last}\n${paint.cyan(sparkline(r.activity.perDay))}`)
  const v = r.verdict
  out.push(`${heading('Verdict')} ${v.cfViable ? paint.green('collaborative filtering viable') : paint.red('collaborative filtering not viable')}`)
  for (const reason of v.reasons) out.push(`  ${reason.blocks ? paint.red('✗') : paint.green('✓')} ${reason.text}`)
  out.push(v.summary)
  return out.join('\n')
}

/** The span in days, or in hours with a caution when it is shorter than a week. */
function spanText(hours: number, days: number): string {
  if (!(hours < 7 * 24)) return `${days} days`
  const span = hours < 48 ? `${hours.toFixed(1)} hours` : `${(hours / 24).toFixed(1)} days`
  return `${span}: too short a span for retention and new-product shares to say much`
}
