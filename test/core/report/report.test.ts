import {copyFileSync, readFileSync, writeFileSync} from 'node:fs'

import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {runTrain} from '../../../src/core/audience/train.js'
import {runFeatures} from '../../../src/core/engagement/stage.js'
import {prepareDataset} from '../../../src/core/ingest/prepare.js'
import {renderReportHtml} from '../../../src/core/report/html.js'
import {buildReportModel, foldActivity, REPORT_LIMITS, topEvents} from '../../../src/core/report/model.js'
import {barChart, heatMap, intervalChart, lineChart, niceTicks} from '../../../src/core/report/svg.js'
import {writeReport} from '../../../src/core/report/write.js'
import type {ExploreReport} from '../../../src/core/stats/explore.js'
import {runExplore} from '../../../src/core/stats/stage.js'
import {closeStore, type Db, openStore} from '../../../src/core/store/open.js'
import {latestRun, recordRun} from '../../../src/core/store/runs.js'
import {generateReferenceCsv} from '../../../src/core/synth/generate.js'
import {tempDir} from '../../helpers/tmp.js'

const HOSTILE = '<script>alert(1)</script>'
const tmp = tempDir()
/** Prepared only; then the same with explore, features and train. Built once, copied per test. */
let preparedOnly = ''
let full = ''

test.before(async () => {
  const parts: string[] = []
  generateReferenceCsv({rows: 3000, seed: 11}, (c) => parts.push(c))
  // A hostile event name and product name: the event mix prints event names.
  for (let i = 0; i < 3; i++) parts.push(`1000000${i},100001,"<img src=x onerror=alert(1)>",${HOSTILE},2022-11-0${i + 1} 10:00:00+00:00\n`)
  const csv = tmp.file('g.csv')
  writeFileSync(csv, parts.join(''))
  preparedOnly = tmp.file('prepared.db')
  let db = openStore(preparedOnly)
  await prepareDataset(db, {source: {kind: 'file', path: csv}})
  closeStore(db)
  full = tmp.file('full.db')
  copyFileSync(preparedOnly, full)
  db = openStore(full)
  runExplore(db)
  runFeatures(db)
  await runTrain(db, {seed: 3})
  closeStore(db)
})

test.after(() => tmp.cleanup())

/** A copy of `store` to change freely in one test. */
function copyOf(store: string, name: string): string {
  const path = tmp.file(name)
  copyFileSync(store, path)
  return path
}

function withStore<R>(path: string, work: (db: Db) => R): R {
  const db = openStore(path)
  try {
    return work(db)
  } finally {
    closeStore(db)
  }
}

const count = (html: string, pattern: RegExp): number => html.match(pattern)?.length ?? 0
/** The markup of the chart with this id. */
function chartOf(html: string, id: string): string {
  const m = new RegExp(`<svg class="chart" data-chart="${id}"[\\s\\S]*?</svg>`).exec(html)
  assert.ok(m, `chart ${id} is in the page`)
  return m[0]
}
const tickLabels = (svg: string): string[] => [...svg.matchAll(/class="tick">([^<]*)</g)].map((m) => m[1])

test('niceTicks: round steps that cover the data, and an axis even for all zeros', () => {
  assert.equal(niceTicks(0, 0.0044, 5).values, [0, 0.001, 0.002, 0.003, 0.004, 0.005])
  assert.equal(niceTicks(0, 12, 5).values, [0, 2, 4, 6, 8, 10, 12])
  assert.equal(niceTicks(-0.012, 0.03, 4).values, [-0.02, -0.01, 0, 0.01, 0.02, 0.03])
  assert.equal(niceTicks(0, 0, 5).values, [0, 0.2, 0.4, 0.6, 0.8, 1])
})

test('a bar chart of N values draws N bars, its y ticks and its x labels', () => {
  const values = [3, 7, 12, 0, 5]
  const chart = barChart({id: 'b', title: 'T', bars: values.map((v, i) => ({label: `L${i}`, value: v, tooltip: `t${i}`})), xTitle: 'x', yTitle: 'y'})
  assert.is(chart.marks, 5)
  assert.is(count(chart.svg, /<rect class="mark bar"/g), 5)
  assert.ok(chart.svg.includes('data-marks="5"'))
  assert.equal(tickLabels(chart.svg), ['0', '2', '4', '6', '8', '10', '12', 'L0', 'L1', 'L2', 'L3', 'L4'])
  // The tallest bar reaches the top tick: its height equals the plot's.
  const heights = [...chart.svg.matchAll(/<rect class="mark bar"[^>]* height="([\d.]+)"/g)].map((m) => Number(m[1]))
  assert.is(heights[3], 0)
  assert.is(Math.max(...heights), heights[2])
})

test('a log-scaled bar chart ticks at powers of ten and keeps a single user visible', () => {
  const chart = barChart({id: 'h', title: 'T', bars: [688, 1, 0].map((v) => ({label: String(v), value: v, tooltip: ''})), xTitle: 'x', yTitle: 'y', log: true})
  assert.equal(tickLabels(chart.svg).slice(0, 4), ['1', '10', '100', '1000'])
  const heights = [...chart.svg.matchAll(/<rect class="mark bar"[^>]* height="([\d.]+)"/g)].map((m) => Number(m[1]))
  assert.ok(heights[1] > 0, 'one user still has a bar')
  assert.is(heights[2], 0)
})

test('heat map: one cell per value of each (ragged) row; interval chart: one point per row, the highlighted one marked', () => {
  const heat = heatMap({
    id: 'c',
    title: 'T',
    rows: ['a', 'b', 'c'],
    columns: ['+0', '+1', '+2'],
    values: [[1, 0.2, 0.1], [1, 0.3], [1]],
    max: 0.3,
    format: String,
    tooltip: () => '',
    xTitle: 'x',
    yTitle: 'y',
    legendTitle: 'l',
  })
  assert.is(heat.marks, 6)
  assert.is(count(heat.svg, /<rect class="mark"/g), 6)
  const intervals = intervalChart({
    id: 'i',
    title: 'T',
    rows: [
      {label: 'a', mean: 0.2, low: 0.1, high: 0.3},
      {label: 'b', mean: 0.1, low: 0, high: 0.2, highlight: true, tag: 'shipped'},
      {label: 'c', mean: Number.NaN, low: Number.NaN, high: Number.NaN},
    ],
    xTitle: 'x',
    format: (v) => v.toFixed(2),
  })
  assert.is(intervals.marks, 2)
  assert.is(count(intervals.svg, /<circle class="mark"/g), 2)
  assert.is(count(intervals.svg, /class="interval highlight"/g), 1)
  assert.ok(intervals.svg.includes('b (shipped)'))
  assert.ok(intervals.svg.includes('not measured'))
  const line = lineChart({id: 'l', title: 'T', values: [1, 2, 3, 4], xTicks: [{at: 0, label: 'start'}], xTitle: 'x', yTitle: 'y'})
  assert.ok(line.svg.includes('data-points="4"'))
  assert.is(count(/ d="([^"]*)"/.exec(line.svg.split('class="mark line"')[1])![1], /[ML]/g), 4)
})

test('activity beyond the cap becomes weekly means per day; events beyond the cap one "other"', () => {
  // 3000 days: 428 whole weeks and a last bin of 4 days. Weekdays count 10, weekends 3.
  const perDay = Array.from({length: 3000}, (_, i) => (i % 7 < 5 ? 10 : 3))
  const folded = foldActivity('2015-01-01', perDay, 1000)
  assert.is(folded.binDays, 7)
  assert.is(folded.values.length, 429)
  assert.is(folded.values[0], 56 / 7)
  assert.is(folded.values[428], 10, 'the short last bin is a mean too, not a drop')
  assert.is(foldActivity('2015-01-01', perDay, 100).binDays, 35)
  assert.equal(foldActivity('2015-01-01', [1, 2], 1000), {firstDay: '2015-01-01', binDays: 1, values: [1, 2]})
  const events = Array.from({length: 20}, (_, i) => ({event: `e${i}`, count: 20 - i, share: (20 - i) / 210}))
  const top = topEvents(events, 12)
  assert.is(top.length, 12)
  assert.is(top[11].event, 'other (9 events)')
  assert.is(top[11].count, 9 + 8 + 7 + 6 + 5 + 4 + 3 + 2 + 1)
})

test('a store with no explore or train run: each empty section names the command that fills it', () => {
  const {html, sections} = renderReportHtml(withStore(preparedOnly, (db) => buildReportModel(db)))
  assert.equal(
    sections.map((s) => [s.id, s.available]),
    [['dataset', true], ['explore', false], ['methods', false], ['shipped', false], ['campaigns', false]],
  )
  const explore = /<section id="explore"[\s\S]*?<\/section>/.exec(html)![0]
  assert.match(explore, /run <code>recsys explore<\/code> to fill this section/)
  assert.match(/<section id="methods"[\s\S]*?<\/section>/.exec(html)![0], /<code>recsys train<\/code>/)
  assert.match(/<section id="campaigns"[\s\S]*?<\/section>/.exec(html)![0], /<code>recsys recommend PRODUCT --holdout 10% --campaign NAME --out audience.csv<\/code>/)
  assert.is(count(html, /<svg /g), 0)
  // An empty store (no prepare): the dataset section says to prepare.
  const empty = tmp.file('empty.db')
  closeStore(openStore(empty))
  const none = renderReportHtml(withStore(empty, (db) => buildReportModel(db)))
  assert.match(none.html, /<code>recsys prepare FILE<\/code>/)
})

test('the full report: every chart with the expected number of marks, the shipped ranking highlighted', () => {
  const {html, charts, model} = withStore(full, (db) => {
    const m = buildReportModel(db)
    return {...renderReportHtml(m), model: m}
  })
  const explore = withStore(full, (db) => latestRun<ExploreReport>(db, 'explore')!.summary)
  assert.ok(model.train.available && model.train.evaluation)
  const ev = model.train.evaluation!
  const expected: Record<string, number> = {
    'interactions-per-user': explore.users.histogram.length,
    cohorts: explore.cohorts.reduce((a, c) => a + c.active.length, 0),
    activity: explore.activity.perDay.length,
    events: explore.events.length,
    rankings: ev.rankers.length,
    'new-products': ev.newProducts?.rankers.length ?? 0,
  }
  assert.equal(Object.fromEntries(charts.map((c) => [c.id, c.marks])), expected)
  for (const [id, marks] of Object.entries(expected)) {
    const svg = chartOf(html, id)
    assert.is(count(svg, /class="mark[ "]/g), marks, id)
    assert.ok(svg.includes('class="chart-title"') && svg.includes('class="axis-title"'), `${id} has a title and axis titles`)
  }
  const shipped = model.train.available ? model.train.shipped.shipped : ''
  assert.match(chartOf(html, 'rankings'), new RegExp(`<g class="interval highlight"><text[^>]*>${shipped} \\(shipped\\)`))
})

test('escapes text from the data: event names, campaign ids and product ids', () => {
  const path = copyOf(full, 'hostile.db')
  withStore(path, (db) => {
    db.prepare(`INSERT INTO campaigns VALUES (?, '2024-01-01T00:00:00Z', ?, 'content', 1, 1, 100, 0.2, 'holdout', '{}')`).run(`"><svg onload=alert(1)>`, JSON.stringify([HOSTILE, 'p2']))
  })
  const {html} = renderReportHtml(withStore(path, (db) => buildReportModel(db)))
  assert.not.ok(html.includes(HOSTILE))
  assert.not.ok(/<svg onload/i.test(html))
  assert.not.ok(/<img /i.test(html))
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'the event name and product id show, escaped')
  assert.ok(html.includes('&quot;&gt;&lt;svg onload=alert(1)&gt;'))
  assert.is(count(html, /<script/gi), 0)
})

test('campaigns: groups and lift with its interval when measured, "not measured yet" otherwise', () => {
  const path = copyOf(full, 'campaigns.db')
  const result = {
    campaign: 'spring',
    groups: {treatment: {users: 800, converted: 64, rate: 0.08}, control: {users: 200, converted: 10, rate: 0.05}},
    lift: {absolute: {estimate: 0.03, low: -0.004, high: 0.064}, relative: {estimate: 0.6, low: -0.05, high: 1.4}},
    pValue: 0.1234,
    minimumDetectableEffect: 0.041,
  }
  withStore(path, (db) => {
    const add = db.prepare(`INSERT INTO campaigns VALUES (?, ?, ?, 'content', 1, 1, 1000, 0.2, 'holdout', '{"n":100}')`)
    add.run('spring', '2024-03-01T00:00:00Z', JSON.stringify(Array.from({length: 30}, (_, i) => `P${i}`)))
    add.run('summer', '2024-06-01T00:00:00Z', '["P1"]')
    add.run('broken', '2024-01-01T00:00:00Z', 'not json')
    db.prepare('INSERT INTO campaign_results VALUES (?, ?, ?)').run('spring', '2024-04-01T00:00:00Z', JSON.stringify(result))
    db.prepare('INSERT INTO campaign_results VALUES (?, ?, ?)').run('broken', '2024-02-01T00:00:00Z', '{"groups": 3')
  })
  const {html, charts, sections} = renderReportHtml(withStore(path, (db) => buildReportModel(db)))
  assert.ok(sections.find((s) => s.id === 'campaigns')!.available)
  const card = (id: string): string => new RegExp(`<article class="campaign"><h3>${id}</h3>[\\s\\S]*?</article>`).exec(html)![0]
  const spring = card('spring')
  assert.match(spring, /<td>treatment<\/td><td class="num">800<\/td><td class="num">64<\/td><td class="num">8\.00%<\/td>/)
  assert.match(spring, /<td>control<\/td><td class="num">200<\/td><td class="num">10<\/td><td class="num">5\.00%<\/td>/)
  assert.ok(spring.includes('+3.00 pp [-0.40 pp, +6.40 pp]'))
  assert.ok(spring.includes('+60.0% [-5.0%, +140.0%]'))
  assert.ok(spring.includes('0.1234'))
  assert.ok(spring.includes('P9, … (30 in all)'), 'long product lists are cut')
  assert.match(card('summer'), /Not measured yet: run <code>recsys campaign report summer --outcomes FILE<\/code>/)
  assert.match(card('broken'), /cannot read it/)
  assert.is(charts.find((c) => c.id === 'campaign-lift')?.marks, 1)
  const lift = chartOf(html, 'campaign-lift')
  assert.ok(lift.includes('class="zero"'), 'a zero line, since the interval crosses it')
  // The axis is in percentage points, like the values printed beside it (−0.40 to +6.40 pp).
  assert.equal(tickLabels(lift).filter((t) => /^-?\d+$/.test(t)), ['-1', '0', '1', '2', '3', '4', '5', '6', '7'])
  assert.ok(lift.includes('+3.00 [-0.40, +6.40]'))
})

test('a run from an older dataset is flagged as possibly out of date, with what to run', () => {
  const path = copyOf(full, 'stale.db')
  withStore(path, (db) => db.prepare('INSERT INTO datasets SELECT version + 1, source, prepared_at, rows, users, products, first_ts_ms, last_ts_ms, report FROM datasets').run())
  const {html, sections} = renderReportHtml(withStore(path, (db) => buildReportModel(db)))
  assert.ok(sections.find((s) => s.id === 'explore')!.stale)
  assert.match(/<section id="explore"[\s\S]*?<\/section>/.exec(html)![0], /class="stale">Possibly out of date: [^<]*Run `recsys explore` again/)
})

test('the page is self-contained: no external src or href, stylesheet, font, import or script', () => {
  const out = tmp.file('report.html')
  const result = withStore(full, (db) => writeReport(db, out))
  const html = readFileSync(out, 'utf8')
  assert.is(result.bytes, Buffer.byteLength(html))
  assert.not.match(html, /\s(?:src|href|xlink:href)\s*=\s*["']?\s*(?:https?:)?\/\//i)
  assert.not.match(html, /<link\b/i)
  assert.not.match(html, /@import|@font-face|url\(/i)
  assert.not.match(html, /<script|<iframe|<object|<embed|<img/i)
  // Every href is an in-page anchor.
  for (const m of html.matchAll(/href="([^"]*)"/g)) assert.ok(m[1].startsWith('#'), m[1])
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/)
})

test('the page stays under 2 MB however much data: plots are capped and sampled', () => {
  const path = copyOf(full, 'huge.db')
  withStore(path, (db) => {
    const e = latestRun<ExploreReport>(db, 'explore')!
    const huge: ExploreReport = {
      ...e.summary,
      // Ten years of days, 120 monthly cohorts of up to 120 months, 400 event names.
      activity: {firstDay: '2014-01-01', perDay: Array.from({length: 3650}, (_, i) => 1000 + (i % 97))},
      cohorts: Array.from({length: 120}, (_, c) => ({month: `c${c}`, users: 5_000_000, active: Array.from({length: 120 - c}, (_, i) => (i === 0 ? 1 : 0.01))})),
      events: Array.from({length: 400}, (_, i) => ({event: `event-${'x'.repeat(200)}-${i}`, count: 1000 - i, share: 0.002})),
    }
    db.transaction(() => recordRun(db, {stage: 'explore', datasetVersion: e.datasetVersion, params: {}, startedAtMs: Date.now(), summary: huge}))()
    const add = db.prepare(`INSERT INTO campaigns VALUES (?, '2024-01-01T00:00:00Z', ?, 'content', 1, 1, 1000, 0.2, 'holdout', '{}')`)
    // Uncapped, these alone would be about 11 MB of page.
    const products = JSON.stringify(Array.from({length: 500}, (_, i) => `product-${'y'.repeat(100)}-${i}`))
    db.transaction(() => {
      for (let i = 0; i < 200; i++) add.run(`campaign-${'z'.repeat(300)}-${i}`, products)
    })()
  })
  const out = tmp.file('huge.html')
  const result = withStore(path, (db) => writeReport(db, out))
  assert.ok(result.bytes < 2 * 1024 * 1024, `${result.bytes} bytes`)
  const marks = Object.fromEntries(result.charts.map((c) => [c.id, c.marks]))
  assert.ok(marks.activity <= REPORT_LIMITS.activityPoints)
  assert.ok(marks.cohorts <= REPORT_LIMITS.cohorts * REPORT_LIMITS.cohortOffsets)
  assert.is(marks.events, REPORT_LIMITS.events)
  assert.is(count(readFileSync(out, 'utf8'), /<article class="campaign">/g), REPORT_LIMITS.campaigns)
})

test.run()
