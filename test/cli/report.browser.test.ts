import {mkdirSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {pathToFileURL} from 'node:url'

import {test} from 'uvu'
import * as assert from 'uvu/assert'

import type {TrainReport} from '../../src/core/audience/train.js'
import type {ExploreReport} from '../../src/core/stats/explore.js'
import {closeStore, openStore} from '../../src/core/store/open.js'
import {latestRun} from '../../src/core/store/runs.js'
import {builtStore, chromiumOrSkip} from '../helpers/browser.js'
import {runCli} from '../helpers/cli.js'
import {REPO_ROOT} from '../helpers/tmp.js'

test('the report in headless Chromium: no request leaves the file, every chart draws its marks', async () => {
  const executablePath = chromiumOrSkip()
  if (!executablePath) return
  const {chromium} = await import('playwright-core')
  const {tmp, db} = builtStore(8, [['prepare'], ['explore'], ['features'], ['train']])

  // One measured campaign and one not yet measured, so the campaign section and its chart show.
  const store = openStore(db)
  const addCampaign = store.prepare(`INSERT INTO campaigns VALUES (?, ?, ?, 'cooccurrence', 1, 1, ?, 0.2, 'holdout', '{}')`)
  addCampaign.run('autumn-launch', '2023-03-01T09:00:00Z', '["100001","100002"]', 1000)
  addCampaign.run('spring-<b>sale</b>', '2023-03-20T09:00:00Z', '["100003"]', 400)
  const result = {
    campaign: 'autumn-launch',
    groups: {treatment: {users: 800, converted: 52, rate: 0.065}, control: {users: 200, converted: 8, rate: 0.04}},
    lift: {absolute: {estimate: 0.025, low: -0.006, high: 0.056}, relative: {estimate: 0.625, low: -0.1, high: 1.5}},
    pValue: 0.18,
    minimumDetectableEffect: 0.038,
  }
  store.prepare('INSERT INTO campaign_results VALUES (?, ?, ?)').run('autumn-launch', '2023-03-31T09:00:00Z', JSON.stringify(result))
  const explore = latestRun<ExploreReport>(store, 'explore')!.summary
  const train = latestRun<TrainReport>(store, 'train')!.summary
  closeStore(store)

  const out = tmp.file('report.html')
  const run = runCli(['report', '--db', db, '--out', out, '--json'])
  assert.is(run.code, 0, run.stderr)
  const written = JSON.parse(run.stdout) as {out: string; bytes: number; sections: Array<{id: string; available: boolean}>; charts: Array<{id: string; marks: number}>}
  assert.ok(written.sections.every((s) => s.available), 'every section is filled')

  const expected: Record<string, number> = {
    'interactions-per-user': explore.users.histogram.length,
    cohorts: explore.cohorts.reduce((a, c) => a + c.active.length, 0),
    activity: explore.activity.perDay.length,
    events: explore.events.length,
    rankings: train.evaluation!.rankers.length,
    'new-products': train.evaluation!.newProducts.rankers.length,
    'campaign-lift': 1,
  }
  assert.equal(Object.fromEntries(written.charts.map((c) => [c.id, c.marks])), expected)

  const browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-quic', '--disable-component-update', '--disable-sync'],
  })
  try {
    const page = await browser.newPage({viewport: {width: 1100, height: 900}})
    const attempted: string[] = []
    const requested: string[] = []
    const consoleErrors: string[] = []
    page.on('request', (r) => requested.push(r.url()))
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(m.text())
    })
    await page.route('**/*', (route) => {
      const url = route.request().url()
      if (url.startsWith('file:')) return route.continue()
      attempted.push(url)
      return route.abort()
    })
    const url = pathToFileURL(out).href
    await page.goto(url, {waitUntil: 'load'})

    assert.equal(attempted, [], 'no request beyond the file itself')
    assert.equal(requested, [url], 'the page loads nothing but itself')
    // A blocked fetch would show as a Content-Security-Policy violation here.
    assert.equal(consoleErrors, [])

    for (const [id, marks] of Object.entries(expected)) {
      const drawn = await page.$eval(`svg[data-chart="${id}"]`, (svg) => {
        const box = svg.getBoundingClientRect()
        const shapes = Array.from(svg.querySelectorAll('.mark'), (m) => (m as SVGGraphicsElement).getBBox())
        return {
          width: box.width,
          height: box.height,
          marks: shapes.length,
          // Marks drawn inside the chart's box (zero-height bars for empty buckets count too).
          inside: shapes.filter((b) => b.x >= 0 && b.x + b.width <= 720.5 && b.y >= 0).length,
          ticks: svg.querySelectorAll('.tick').length,
          title: svg.querySelector('.chart-title')?.textContent ?? '',
          axisTitles: svg.querySelectorAll('.axis-title').length,
        }
      })
      assert.is(drawn.marks, marks, `${id}: marks`)
      assert.is(drawn.inside, marks, `${id}: marks inside the chart`)
      assert.ok(drawn.width > 300 && drawn.height > 80, `${id}: drawn at a readable size (${drawn.width}×${drawn.height})`)
      assert.ok(drawn.ticks >= 2, `${id}: tick labels`)
      assert.ok(drawn.title.length > 0 && drawn.axisTitles >= 1, `${id}: title and axis title`)
    }
    // Bars with users have height; the shipped ranking's point is highlighted.
    const heights = await page.$$eval('svg[data-chart="interactions-per-user"] .mark', (rects) => rects.map((r) => (r as SVGGraphicsElement).getBBox().height))
    explore.users.histogram.forEach((h, i) => assert.is(heights[i] > 0, h.users > 0, `bucket ${h.label}`))
    const highlighted = await page.$$eval('svg[data-chart="rankings"] .interval.highlight .label', (els) => els.map((e) => e.textContent))
    assert.equal(highlighted, [`${train.ranker.shipped} (shipped)`])
    // The campaign id with markup shows as text, not as markup.
    assert.ok((await page.textContent('#campaigns'))!.includes('spring-<b>sale</b>'))
    assert.is(await page.$$eval('#campaigns b', (bs) => bs.filter((b) => b.textContent === 'sale').length), 0)

    const artifacts = resolve(process.env.RECSYS_ARTIFACTS ?? join(REPO_ROOT, 'test-artifacts'))
    mkdirSync(artifacts, {recursive: true})
    const shot = join(artifacts, 'report.png')
    await page.screenshot({path: shot, fullPage: true})
    console.log(`  report screenshot: ${shot}`)
  } finally {
    await browser.close()
    tmp.cleanup()
  }
})

test.run()
