import {clip, compact, esc, fixed, int, pct} from './markup.js'
import {type CampaignSection, type CampaignView, type DatasetSection, type ExploreSection, FILL_COMMANDS, type MissingSection, type RankerView, type ReportModel, type Section, type TrainSection} from './model.js'
import {barChart, type Chart, heatMap, horizontalBarChart, intervalChart, type IntervalRow, lineChart} from './svg.js'

/**
 * The report page: one HTML document with its styles inline, its charts as inline SVG and no
 * script. The Content-Security-Policy forbids every fetch (scripts, styles, fonts, images), so even
 * text from the data that slipped past escaping could not make the page reach the network.
 */
export interface RenderedReport {
  html: string
  sections: Array<{id: string; title: string; available: boolean; stale: boolean}>
  charts: Array<{id: string; title: string; marks: number}>
}

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

/** Past this many days the activity is drawn as one line rather than one bar per value. */
const MAX_ACTIVITY_BARS = 400

const STYLE = `
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2330; margin: 0; background: #f6f7f9; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1rem 4rem; }
header h1 { font-size: 1.6rem; margin: 0 0 .2rem; }
.sub, .muted { color: #5b6573; font-size: .9rem; }
nav { margin: .8rem 0 0; display: flex; flex-wrap: wrap; gap: .4rem 1rem; font-size: .9rem; }
nav a { color: #2b5797; }
section { background: #fff; border: 1px solid #dde2ea; border-radius: 8px; padding: 1rem 1.4rem 1.4rem; margin: 1.2rem 0; }
section h2 { font-size: 1.25rem; margin: .2rem 0 .6rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
table { border-collapse: collapse; margin: .4rem 0 .8rem; font-size: .92rem; }
th, td { text-align: left; padding: .25rem .8rem .25rem 0; border-bottom: 1px solid #edf0f4; vertical-align: top; }
thead th { border-bottom: 1px solid #c9d0da; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.kv th { font-weight: normal; color: #5b6573; padding-right: 1.5rem; }
table.kv tr.sub th { padding-left: 1.2rem; font-size: .88rem; }
table.kv tr.sub td { font-size: .88rem; }
td small { display: block; color: #5b6573; white-space: nowrap; }
.glance { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: .6rem; margin: 1rem 0 0; }
.glance div { background: #fff; border: 1px solid #dde2ea; border-radius: 8px; padding: .5rem .8rem; }
.glance b { display: block; font-size: 1.2rem; }
.glance span { color: #5b6573; font-size: .82rem; }
.missing { background: #fff8e6; border-left: 4px solid #e0a800; padding: .5rem .8rem; }
.stale { background: #fff1ec; border-left: 4px solid #d9480f; padding: .5rem .8rem; }
.verdict { border-left: 4px solid #3b6fb6; padding: .3rem .8rem; background: #f1f5fb; }
.verdict.no { border-left-color: #d9480f; background: #fff4ef; }
.ok { color: #2f7d32; } .no { color: #b3261e; }
.shipped { color: #d9480f; font-weight: 600; }
code { background: #eef1f5; padding: .05rem .3rem; border-radius: 4px; font-size: .88em; }
figure { margin: 1rem 0; }
figcaption { color: #5b6573; font-size: .85rem; margin-top: .2rem; }
.campaign { border-top: 1px solid #dde2ea; padding-top: .4rem; }
svg.chart { display: block; width: 100%; max-width: 720px; height: auto; overflow: visible; }
svg text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; fill: #1d2330; }
svg .chart-title { font-size: 14px; font-weight: 600; }
svg .tick, svg .axis-title { fill: #5b6573; font-size: 11.5px; }
svg .note { font-size: 11.5px; }
svg .grid { stroke: #e3e7ed; }
svg .domain, svg .tick-line { stroke: #5b6573; }
svg .bar, svg circle.mark, svg .legend-point { fill: #3b6fb6; }
svg .bar:hover, svg .mark:hover { opacity: .8; }
svg .area { fill: #3b6fb6; opacity: .15; }
svg .line { fill: none; stroke: #3b6fb6; stroke-width: 1.5; }
svg .whisker { stroke: #3b6fb6; stroke-width: 2; }
svg .highlight .whisker { stroke: #d9480f; }
svg .highlight circle.mark { fill: #d9480f; }
svg .highlight text, svg text.highlight { fill: #d9480f; font-weight: 600; }
svg .zero { stroke: #1d2330; stroke-dasharray: 4 3; }
svg .cell { font-size: 11px; }
svg .cell.dark { fill: #fff; }
@media print { body { background: #fff; } section { break-inside: avoid; border: none; } nav { display: none; } }
`

/** Renders the model as one self-contained page; the lists of sections and charts feed --json. */
export function renderReportHtml(model: ReportModel): RenderedReport {
  const charts: Chart[] = []
  const add = (chart: Chart): string => {
    charts.push(chart)
    return chart.svg
  }
  const parts: Array<{id: string; title: string; section: Section<unknown>; body: string}> = [
    {id: 'dataset', title: 'Dataset and cleaning', section: model.dataset, body: model.dataset.available ? datasetBody(model.dataset) : ''},
    {id: 'explore', title: 'Explore: who the users are and whether they come back', section: model.explore, body: model.explore.available ? exploreBody(model.explore, add) : ''},
    {id: 'methods', title: 'Method comparison', section: model.train, body: model.train.available ? methodsBody(model.train, add) : ''},
    {id: 'shipped', title: 'Shipped ranking and its reach', section: model.train, body: model.train.available ? shippedBody(model.train, model.dataset.available ? model.dataset.users : null) : ''},
    {id: 'campaigns', title: 'Campaigns', section: model.campaigns, body: model.campaigns.available ? campaignsBody(model.campaigns, add) : ''},
  ]
  const sections = parts.map((p) => {
    const content = p.section.available ? `${p.section.stale ? `<p class="stale">Possibly out of date: ${esc(p.section.stale)}</p>` : ''}${p.body}` : missing(p.id, p.section)
    return `<section id="${p.id}" data-available="${p.section.available}"><h2>${esc(p.title)}</h2>${content}</section>`
  })
  const datasetLine = model.dataset.available ? ` · dataset v${model.dataset.version} from ${esc(clip(model.dataset.source))}` : ''
  const html =
    `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n` +
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<title>recsys report · ${esc(clip(model.store))}</title>\n<style>${STYLE}</style>\n</head>\n<body>\n<main>\n` +
    `<header><h1>recsys report</h1><p class="sub">Store ${esc(clip(model.store))}${datasetLine} · generated ${esc(model.generatedAt)}</p>` +
    `<nav>${parts.map((p) => `<a href="#${p.id}">${esc(p.title.split(':')[0])}</a>`).join('')}</nav>${glance(model)}</header>\n` +
    `${sections.join('\n')}\n</main>\n</body>\n</html>\n`
  return {
    html,
    sections: parts.map((p) => ({id: p.id, title: p.title, available: p.section.available, stale: p.section.available && p.section.stale !== null})),
    charts: charts.map((c) => ({id: c.id, title: c.title, marks: c.marks})),
  }
}

function missing(id: string, section: MissingSection): string {
  const what: Record<string, string> = {
    dataset: 'no prepared data',
    explore: 'no explore results',
    methods: 'no trained rankings',
    shipped: 'no trained rankings',
    campaigns: 'no campaign',
  }
  return `<p class="missing" data-fill="${esc(section.command)}">The store holds ${what[id] ?? 'nothing for this section'} yet: run <code>${esc(section.command)}</code> to fill this section.</p>`
}

/** Rows of label → value, both plain text (escaped here); a third element `true` indents the row under the one before. */
function kv(rows: Array<[string, string] | [string, string, boolean]>): string {
  return `<table class="kv"><tbody>${rows.map(([k, v, sub]) => `<tr${sub ? ' class="sub"' : ''}><th scope="row">${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</tbody></table>`
}

/** A table of plain-text cells; columns listed in `numeric` are right-aligned. */
function table(head: string[], rows: string[][], numeric: number[] = []): string {
  const cls = (i: number): string => (numeric.includes(i) ? ' class="num"' : '')
  return (
    `<table><thead><tr>${head.map((h, i) => `<th${cls(i)}>${esc(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`
  )
}

function figure(svg: string, caption?: string): string {
  return `<figure>${svg}${caption ? `<figcaption>${esc(caption)}</figcaption>` : ''}</figure>`
}

/** The few numbers a stakeholder looks for first, each from whichever section holds it. */
function glance(model: ReportModel): string {
  const tiles: Array<[string, string]> = []
  if (model.dataset.available) tiles.push([int(model.dataset.rowsKept), 'interactions kept'], [int(model.dataset.users), 'users'], [int(model.dataset.products), 'products'])
  if (model.explore.available) tiles.push([pct(model.explore.split.retention), 'users who come back after the split'])
  if (model.train.available) {
    const t = model.train
    tiles.push([t.shipped.shipped, 'ranking shipped'])
    const measured = t.evaluation?.rankers.find((r) => r.name === t.shipped.shipped)
    if (measured && t.evaluation) tiles.push([fixed(measured.ndcg.mean), `its NDCG@${t.evaluation.k}`])
  }
  if (model.campaigns.available) tiles.push([int(model.campaigns.total), 'campaigns'])
  if (tiles.length === 0) return ''
  return `<div class="glance">${tiles.map(([v, label]) => `<div><b>${esc(clip(v, 24))}</b><span>${esc(label)}</span></div>`).join('')}</div>`
}

function datasetBody(d: DatasetSection): string {
  const rows: Array<[string, string] | [string, string, boolean]> = [
    ['source', `${d.source}${d.readAs && d.readAs !== 'utf-8' ? ` (read as ${d.readAs})` : ''}`],
    ['prepared at', d.preparedAt],
    ['lines in the file', int(d.lines)],
    ['rows read', int(d.rowsRead)],
    ['rows dropped', `${int(d.droppedTotal)} (${pct(d.rowsRead > 0 ? d.droppedTotal / d.rowsRead : 0, 2)})`],
  ]
  for (const drop of d.dropped) {
    const lines = drop.lines.length > 0 ? ` (line${drop.lines.length > 1 ? 's' : ''} ${drop.lines.join(', ')}${drop.rows > drop.lines.length ? ', …' : ''})` : ''
    rows.push([drop.reason, `${int(drop.rows)}${lines}`, true])
  }
  rows.push(['rows kept', int(d.rowsKept)], ['users', int(d.users)], ['products', int(d.products)], ['first event', d.firstEvent ?? 'n/a'], ['last event', d.lastEvent ?? 'n/a'])
  if (d.botUsers.count > 0) rows.push(['bot users removed', `${int(d.botUsers.count)}: ${d.botUsers.shown.map((u) => clip(u, 24)).join(', ')}${d.botUsers.count > d.botUsers.shown.length ? ', …' : ''}`])
  const notes = [...d.warnings.map((w) => `Warning: ${w}`), ...d.hints.map((h) => `Hint: ${h}`)]
  return `${kv(rows)}${notes.length ? `<ul>${notes.map((n) => `<li>${esc(clip(n, 400))}</li>`).join('')}</ul>` : ''}`
}

function dayLabel(firstDay: string, offsetDays: number): string {
  const t = Date.parse(`${firstDay}T00:00:00Z`)
  return Number.isFinite(t) ? new Date(t + offsetDays * 86_400_000).toISOString().slice(0, 10) : `+${offsetDays} d`
}

function exploreBody(e: ExploreSection, add: (c: Chart) => string): string {
  const v = e.verdict
  let s = `<div class="verdict${v.cfViable ? '' : ' no'}"><p><b>Verdict:</b> ${esc(v.summary)}</p><ul>`
  for (const r of v.reasons) s += `<li><span class="${r.blocks ? 'no' : 'ok'}">${r.blocks ? '✗' : '✓'}</span> ${esc(r.text)}</li>`
  s += '</ul></div>'
  s += kv([
    ['interactions', int(e.totals.interactions)],
    ['users / products', `${int(e.totals.users)} / ${int(e.totals.products)}`],
    ['date range', `${e.dateRange.first} → ${e.dateRange.last} (${int(e.dateRange.days)} day${e.dateRange.days === 1 ? '' : 's'})`],
    ['interactions per user', `median ${e.users.median}, mean ${e.users.mean.toFixed(2)}, max ${int(e.users.max)}; ${pct(e.users.oneTimeShare)} have just one`],
    ['temporal split', `${pct(e.split.trainShare, 0)} of interactions before ${e.split.splitTime}${Math.abs(e.split.trainShare - e.split.fraction) > 0.01 ? ` (asked for ${pct(e.split.fraction, 0)}; the timestamps are too coarse to cut nearer)` : ''}`],
    ['users who come back', `${pct(e.split.retention)} (${int(e.split.returningUsers)} of ${int(e.split.earlyUsers)} active before the split)`],
    ['new products after the split', `${pct(e.split.newProductShare)} (${int(e.split.newProducts)} of ${int(e.split.lateProducts)})`],
  ])

  s += figure(
    add(
      barChart({
        id: 'interactions-per-user',
        title: 'Users by number of interactions',
        bars: e.histogram.map((h) => ({label: h.label, value: h.users, note: compact(h.users), tooltip: `${h.label} interactions: ${int(h.users)} users (${pct(h.share, 2)})`})),
        xTitle: 'interactions per user',
        yTitle: 'users (log scale)',
        log: true,
      }),
    ),
    'Heights are on a log scale so that the few heavy users stay visible beside the many one-time users.',
  )

  const c = e.cohorts
  if (c.rows.length > 0) {
    const later = c.rows.flatMap((r) => r.active.slice(1))
    const max = later.length > 0 ? Math.max(...later) : 1
    s += figure(
      add(
        heatMap({
          id: 'cohorts',
          title: 'Monthly cohorts: share of each cohort active in later months',
          rows: c.rows.map((r) => `${r.month} · ${r.users >= 100_000 ? compact(r.users) : int(r.users)}`),
          columns: Array.from({length: c.offsets}, (_, i) => `+${i}`),
          values: c.rows.map((r) => r.active),
          max: max > 0 ? max : 1,
          format: (x) => (x === 0 ? '0%' : x < 0.0005 ? '<0.1%' : pct(x, x < 0.1 ? 1 : 0)),
          tooltip: (ri, ci) => `${c.rows[ri].month} cohort (${int(c.rows[ri].users)} users): ${pct(c.rows[ri].active[ci], 2)} active ${ci === 0 ? 'in its first month' : `${ci} month${ci > 1 ? 's' : ''} later`}`,
          xTitle: 'months after the cohort’s first month',
          yTitle: 'cohort · users',
          legendTitle: 'share active',
        }),
      ),
      `${later.length > 0 ? `Colours run up to the largest share after the first month (${pct(max, 1)}); the first month is always 100%.` : 'The data spans one month: no later month to come back in yet.'}${c.hidden > 0 ? ` The ${c.hidden} oldest cohorts are left out.` : ''}`,
    )
  }

  const a = e.activity
  if (a.values.length > 0) {
    const bin = a.binDays === 7 ? 'week' : `${a.binDays} days`
    const title = a.binDays === 1 ? 'Interactions per day' : `Interactions per day (mean over each ${bin})`
    const n = a.values.length
    const tickCount = Math.min(n, 6)
    const xTicks = Array.from({length: tickCount}, (_, i) => {
      const at = tickCount === 1 ? 0 : Math.round((i * (n - 1)) / (tickCount - 1))
      return {at, label: dayLabel(a.firstDay, at * a.binDays)}
    })
    const yTitle = 'interactions per day'
    const xTitle = a.binDays === 1 ? 'day (UTC)' : `${bin} starting (UTC)`
    const chart =
      n <= MAX_ACTIVITY_BARS
        ? barChart({
            id: 'activity',
            title,
            bars: a.values.map((value, i) => ({label: dayLabel(a.firstDay, i * a.binDays), value, tooltip: `${dayLabel(a.firstDay, i * a.binDays)}: ${int(value)} interactions${a.binDays > 1 ? ' per day' : ''}`})),
            xTicks,
            xTitle,
            yTitle,
            height: 260,
          })
        : lineChart({id: 'activity', title, values: a.values, xTicks, xTitle, yTitle, height: 260})
    s += figure(add(chart))
  }

  if (e.events.length > 0) {
    s += figure(
      add(
        horizontalBarChart({
          id: 'events',
          title: 'Event mix',
          bars: e.events.map((ev) => ({label: clip(ev.event, 22), value: ev.count, tooltip: `${clip(ev.event)}: ${int(ev.count)} (${pct(ev.share, 2)})`})),
          values: e.events.map((ev) => `${compact(ev.count)} (${pct(ev.share)})`),
          xTitle: 'interactions',
        }),
      ),
    )
  }
  return s
}

/** Rankings best first, the shipped one highlighted and the best one tagged when they differ. */
function intervalRows(rankers: RankerView[], shipped: string, best?: string): IntervalRow[] {
  return [...rankers]
    .sort((a, b) => b.ndcg.mean - a.ndcg.mean)
    .map((r) => ({
      label: r.name,
      mean: r.ndcg.mean,
      low: r.ndcg.low,
      high: r.ndcg.high,
      highlight: r.name === shipped,
      tag: r.name === shipped ? 'shipped' : r.name === best ? 'best' : undefined,
    }))
}

/** Every metric at k per ranking: the mean, and its 95% interval under it in small print. */
function metricsTable(rankers: RankerView[], k: number, shipped: string): string {
  const cell = (i: {mean: number; low: number; high: number}): string => `<td class="num">${fixed(i.mean)}<small>[${fixed(i.low)}, ${fixed(i.high)}]</small></td>`
  const head = ['ranking', `NDCG@${k}`, `precision@${k}`, `recall@${k}`, `hit rate@${k}`, `coverage@${k}`]
  let s = `<table class="metrics"><thead><tr>${head.map((h, i) => `<th${i > 0 ? ' class="num"' : ''}>${esc(h)}</th>`).join('')}</tr></thead><tbody>`
  for (const r of [...rankers].sort((a, b) => b.ndcg.mean - a.ndcg.mean)) {
    const name = r.name === shipped ? `<span class="shipped">${esc(r.name)} (shipped)</span>` : esc(r.name)
    s += `<tr><td>${name}</td>${cell(r.ndcg)}${cell(r.precision)}${cell(r.recall)}${cell(r.hitRate)}<td class="num">${esc(Number.isFinite(r.coverage) ? pct(r.coverage) : 'n/a')}</td></tr>`
  }
  return `${s}</tbody></table>`
}

function methodsBody(t: Extract<Section<TrainSection>, {available: true}>, add: (c: Chart) => string): string {
  const ev = t.evaluation
  if (!ev) {
    return `<p class="missing" data-fill="${esc(FILL_COMMANDS.train)}">train shipped <b>${esc(t.shipped.shipped)}</b> without measuring the rankings (a named ranking with --skip-eval): run <code>${esc(FILL_COMMANDS.train)}</code> to compare them.</p>`
  }
  let s = `<p>Each ranking was fit on the interactions before ${esc(ev.splitTime)} and asked, for each product, which users to target; it scores when those users then came to the product. ${int(ev.productsEvaluated)} products were scored${ev.sampled ? ' (a seeded sample)' : ''}. Points are the mean NDCG@${ev.k}, whiskers its 95% bootstrap interval.</p>`
  s += figure(
    add(intervalChart({id: 'rankings', title: `NDCG@${ev.k} by ranking (products with history)`, rows: intervalRows(ev.rankers, t.shipped.shipped, ev.best), xTitle: `NDCG@${ev.k} (higher is better)`, format: (v) => v.toFixed(4)})),
  )
  s += `<p><span class="shipped">Shipped: ${esc(t.shipped.shipped)}.</span> ${esc(t.shipped.reason)}.</p>`
  s += metricsTable(ev.rankers, ev.k, t.shipped.shipped)
  if (ev.newProducts) {
    s += `<h3>Products new after the split</h3><p>${int(ev.newProducts.products)} products had no interaction before the split; they are scored apart, on the same kind of truth.</p>`
    s += figure(
      add(
        intervalChart({
          id: 'new-products',
          title: `NDCG@${ev.k} on products new after the split`,
          rows: intervalRows(ev.newProducts.rankers, t.shipped.newProducts.shipped),
          xTitle: `NDCG@${ev.k} (higher is better)`,
          format: (v) => v.toFixed(4),
        }),
      ),
    )
    s += `<p><span class="shipped">For new products: ${esc(t.shipped.newProducts.shipped)}.</span> ${esc(t.shipped.newProducts.reason)}.</p>`
    s += metricsTable(ev.newProducts.rankers, ev.k, t.shipped.newProducts.shipped)
  }
  return s
}

function shippedBody(t: Extract<Section<TrainSection>, {available: true}>, allUsers: number | null): string {
  const r = t.reach
  const rows: Array<[string, string]> = [
    ['ranking for products with history', `${t.shipped.shipped}${t.shipped.requested === 'auto' ? ' (chosen by measurement)' : ` (requested: ${t.shipped.requested})`}`],
    ['ranking for products without history', t.shipped.newProducts.shipped],
    ['audience size (top n)', `${int(t.params.topN)} users per product; stored ${int(t.params.maxN)} deep`],
    ['frequency cap', t.params.cap === null ? 'none' : `each user in at most ${int(t.params.cap)} audiences`],
    ['products', `${int(t.products.total)} (${int(t.products.withHistory)} with history, ${int(t.products.withoutHistory)} catalog-only)`],
    ['audience slots filled', int(r.slots)],
    ['distinct users reached', `${int(r.distinctUsers)}${allUsers ? ` (${pct(r.distinctUsers / allUsers, 2)} of ${int(allUsers)} users)` : ''}${t.params.cap !== null ? `; ${int(r.distinctUsersWithoutCap)} without the cap` : ''}`],
    ['most audiences one user is in', int(r.maxAudiencesPerUser)],
    ['slots held by the top 1% of reached users', pct(r.top1PercentShare)],
    ['trained at', t.ranAt],
  ]
  let s = `<p>Every product gets its top ${int(t.params.topN)} users from <b>${esc(t.shipped.shipped)}</b>. Reach shows how widely those audiences spread: a few users in many audiences means the same people would get most of the messages.</p>`
  s += kv(rows)
  if (t.coldStart.length > 0) {
    s += `<h3>Audience for a product the model has never seen</h3>${table(
      ['rank', 'customer', 'score'],
      t.coldStart.map((c) => [String(c.rank), clip(c.customerId, 40), fixed(c.score)]),
      [0, 2],
    )}`
  }
  return s
}

const pp = (x: number | null): string => (x === null ? 'n/a' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)} pp`)
const signedPct = (x: number | null): string => (x === null ? 'n/a' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`)

function campaignsBody(c: CampaignSection, add: (chart: Chart) => string): string {
  let s = `<p>${int(c.total)} campaign${c.total === 1 ? '' : 's'}${c.total > c.shown.length ? `; the newest ${c.shown.length} are shown` : ''}. Lift compares the conversion rate of the treatment group with its control group, with a 95% interval.</p>`
  const measured = c.shown.filter((x) => x.result?.readable)
  if (measured.length > 0) {
    // Plotted in percentage points, so the axis ticks read in the same unit as the values beside them.
    const rows: IntervalRow[] = measured.map((x) => {
      const a = x.result && x.result.readable ? x.result.absolute : {estimate: null, low: null, high: null}
      const points = (v: number | null): number => (v === null ? Number.NaN : v * 100)
      return {label: clip(x.id, 24), mean: points(a.estimate), low: points(a.low), high: points(a.high)}
    })
    s += figure(
      add(
        intervalChart({
          id: 'campaign-lift',
          title: 'Lift per campaign: treatment − control conversion rate',
          rows,
          xTitle: 'difference in conversion rate (percentage points)',
          format: (v) => `${v >= 0 ? '+' : ''}${v.toFixed(2)}`,
          zeroLine: true,
        }),
      ),
      'A whisker that crosses the dashed zero line means the campaign’s effect cannot be told apart from none.',
    )
  }
  for (const x of c.shown) s += campaignCard(x)
  return s
}

/** An id as a shell argument: bare when it is plain, single-quoted otherwise, so the line can be pasted. */
function shellArg(text: string): string {
  return /^[\w.:@%+=-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`
}

function campaignCard(x: CampaignView): string {
  const products = `${x.products.map((p) => clip(p, 40)).join(', ')}${x.productCount > x.products.length ? `, … (${int(x.productCount)} in all)` : ''}`
  let s = `<article class="campaign"><h3>${esc(clip(x.id))}</h3>`
  s += kv([
    ['created', x.createdAt],
    ['products', products || 'n/a'],
    ['ranking', x.ranking],
    ['audience', `${int(x.audienceSize)} members; ${pct(x.holdout, 0)} held out as control (${x.control})`],
  ])
  const r = x.result
  if (r === null) {
    s += `<p class="muted">Not measured yet: run <code>${esc(FILL_COMMANDS.campaignReport)} ${esc(shellArg(x.id))} --outcomes FILE</code> to measure its lift.</p>`
  } else if (!r.readable) {
    s += `<p class="stale">A result was stored at ${esc(r.measuredAt)} but this report cannot read it: run <code>${esc(FILL_COMMANDS.campaignReport)} ${esc(shellArg(x.id))}</code> again.</p>`
  } else {
    s += table(
      ['group', 'users', 'converted', 'conversion rate'],
      [
        ['treatment', int(r.treatment.users), int(r.treatment.converted), pct(r.treatment.rate, 2)],
        ['control', int(r.control.users), int(r.control.converted), pct(r.control.rate, 2)],
      ],
      [1, 2, 3],
    )
    s += kv([
      ['lift (absolute)', `${pp(r.absolute.estimate)} [${pp(r.absolute.low)}, ${pp(r.absolute.high)}]`],
      ['lift (relative)', `${signedPct(r.relative.estimate)} [${signedPct(r.relative.low)}, ${signedPct(r.relative.high)}]`],
      ['p-value', r.pValue === null ? 'n/a' : r.pValue < 0.0001 ? '< 0.0001' : r.pValue.toFixed(4)],
      ['minimum detectable effect', pp(r.minimumDetectableEffect)],
      ['measured at', r.measuredAt],
    ])
  }
  return `${s}</article>`
}
