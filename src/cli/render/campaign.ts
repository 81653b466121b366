import type {CampaignReport} from '../../core/campaigns/report.js'
import {int, keyValues, num, pct, table} from './format.js'
import {paint} from './style.js'

const interval = (i: {estimate: number | null; low: number | null; high: number | null}, scale = 100, unit = ' pts'): string =>
  i.estimate === null ? 'n/a' : `${num(i.estimate * scale, 2)}${unit} [${i.low === null ? '−∞' : num(i.low * scale, 2)}, ${i.high === null ? '∞' : num(i.high * scale, 2)}]`

export function renderCampaignReport(r: CampaignReport): string {
  const d = r.details
  const o = r.outcomes
  const out: string[] = []
  out.push(`${paint.bold(`Campaign ${r.campaign}`)}: ${d.products.length} product${d.products.length > 1 ? 's' : ''}, ranked by ${d.ranking} (model v${d.modelVersion}), ${d.control === 'random' ? 'control drawn at random from outside the audience' : `${pct(d.holdout, 0)} held out as control`}, created ${d.createdAt}`)
  out.push(`outcomes: ${o.source}: ${int(o.rows)} rows, ${int(o.counted)} counted; ${int(o.outsideCampaign)} from users outside the campaign, ${int(o.otherProducts)} for other products, ${int(o.outsideWindow)} outside the window, ${int(o.unreadable)} unreadable${o.unreadableValues ? `; ${int(o.unreadableValues)} values that are not plain numbers read as 0` : ''}`)
  if (r.window.sinceDefault) out.push(`window: from the export (${r.window.since!.slice(0, 10)}); pass --since to count earlier outcomes`)
  if (o.rows > 0 && o.counted === 0 && o.outsideCampaign > o.rows / 2) out.push(paint.yellow(`warning: ${int(o.outsideCampaign)} of ${int(o.rows)} outcomes are from customers outside the campaign: is --user-col the customer id column, written as in the data?`))
  out.push(
    table(
      ['group', 'users', 'converted', 'rate'],
      (['treatment', 'control'] as const).map((g) => [g, int(r.groups[g].users), int(r.groups[g].converted), pct(r.groups[g].rate, 2)]),
      ['left', 'right', 'right', 'right'],
    ),
  )
  const rows: Array<[string, string]> = [
    ['absolute lift (treatment − control)', interval(r.lift.absolute)],
    ['relative lift', interval(r.lift.relative, 100, '%')],
    ['p-value (two-sided)', r.pValue.toPrecision(3)],
    ['smallest detectable lift (80% power)', r.minimumDetectableEffect === null ? 'n/a' : `${num(r.minimumDetectableEffect * 100, 2)} pts`],
  ]
  if (r.value) {
    rows.push(['value per user, treatment', interval(r.value.treatment, 1, '')], ['value per user, control', interval(r.value.control, 1, '')], ['value difference', `${interval(r.value.difference, 1, '')}, p ${r.value.difference.pValue.toPrecision(3)}`])
  }
  out.push(keyValues(rows, '95% intervals'))
  out.push(r.verdict)
  return out.join('\n')
}
