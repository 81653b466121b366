import {renameSync, writeFileSync} from 'node:fs'

import {suite} from 'uvu'
import * as assert from 'uvu/assert'

import {AudienceService} from '../../../src/core/audience/answer.js'
import {runTrain} from '../../../src/core/audience/train.js'
import {runLoad} from '../../../src/core/bench/load.js'
import {runFeatures} from '../../../src/core/engagement/stage.js'
import {prepareDataset} from '../../../src/core/ingest/prepare.js'
import {type RunningServer, startServer} from '../../../src/core/serve/server.js'
import {closeStore, openStore} from '../../../src/core/store/open.js'
import {generateReferenceCsv} from '../../../src/core/synth/generate.js'
import {tempDir} from '../../helpers/tmp.js'

const Serve = suite<{tmp: ReturnType<typeof tempDir>; dbPath: string; csv: string; server: RunningServer; base: string; known: string; ids: string[]}>('serve', {} as never)

async function trainStore(dbPath: string, csv: string, ranker: 'auto' | 'engagement' = 'auto'): Promise<void> {
  const db = openStore(dbPath)
  await prepareDataset(db, {source: {kind: 'file', path: csv}})
  runFeatures(db)
  await runTrain(db, {ranker, skipEval: ranker !== 'auto'})
  closeStore(db)
}

/** The same question answered by the CLI's service, straight from the store. */
function cliAnswer(dbPath: string, id: string, n: number): unknown {
  const db = openStore(dbPath, {readonly: true})
  try {
    return new AudienceService(db).answer(id, n)
  } finally {
    db.close()
  }
}

Serve.before(async (ctx) => {
  ctx.tmp = tempDir()
  ctx.dbPath = ctx.tmp.file('s.db')
  const parts: string[] = []
  generateReferenceCsv({rows: 5000, seed: 4}, (c) => parts.push(c))
  ctx.csv = ctx.tmp.file('g.csv')
  writeFileSync(ctx.csv, parts.join(''))
  await trainStore(ctx.dbPath, ctx.csv)
  ctx.server = await startServer({dbPath: ctx.dbPath, port: 0, host: '127.0.0.1', reloadCheckMs: 60_000})
  ctx.base = `http://127.0.0.1:${ctx.server.port}`
  const ix = ctx.server.state().index
  ctx.ids = Array.from({length: ix.meta.nData}, (_, k) => ix.productId(k))
  ctx.known = ctx.ids[3]
})
Serve.after(async (ctx) => {
  await ctx.server.close()
  ctx.tmp.cleanup()
})

async function get(url: string, init?: RequestInit): Promise<{status: number; type: string; text: string; headers: Headers}> {
  const res = await fetch(url, init)
  return {status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text(), headers: res.headers}
}

Serve('GET /recommend/:id is the CLI answer, byte for byte once parsed: same keys, ranks, scores and notes', async (ctx) => {
  for (const [id, n] of [[ctx.known, 7], [ctx.ids[0], 100], ['NEW-PRODUCT', 3], [`${ctx.known}.0`, 20]] as const) {
    const r = await get(`${ctx.base}/recommend/${encodeURIComponent(id)}?n=${n}`)
    assert.is(r.status, 200)
    assert.match(r.type, /application\/json/)
    assert.equal(JSON.parse(r.text), cliAnswer(ctx.dbPath, id, n), `${id}, n=${n}`)
  }
  const defaultN = JSON.parse((await get(`${ctx.base}/recommend/${ctx.known}`)).text)
  assert.is(defaultN.count, 10)
  const cold = JSON.parse((await get(`${ctx.base}/recommend/NEW-PRODUCT?n=3`)).text)
  assert.is(cold.cold_start, true)
  assert.match(cold.note, /NEW-PRODUCT is not in the data/)
})

Serve('an unknown product described by ?name= gets a content audience', async (ctx) => {
  const name = ctx.server.state().index.productName(0) ?? ''
  const r = JSON.parse((await get(`${ctx.base}/recommend/LAUNCH-1?n=5&name=${encodeURIComponent(name)}`)).text)
  assert.is(r.new_product, true)
  assert.is(r.ranking, 'content')
  assert.match(r.note, /similarity of name\/category\/brand/)
  assert.is(r.count, 5)
})

Serve('n must be 1…max-n and the id non-empty: 422 with a JSON error body', async (ctx) => {
  for (const n of ['0', '101', 'abc', '-1', '2.5']) {
    const r = await get(`${ctx.base}/recommend/${ctx.known}?n=${n}`)
    assert.is(r.status, 422, `n=${n}`)
    const body = JSON.parse(r.text)
    assert.is(body.error.code, 'INVALID_N')
    assert.match(body.error.message, /from 1 to 100/)
  }
  for (const path of ['/recommend/', '/recommend/%20', '/recommend/.csv']) {
    const r = await get(`${ctx.base}${path}`)
    assert.is(r.status, 422, path)
    assert.is(JSON.parse(r.text).error.code, 'EMPTY_ID')
  }
})

Serve('the CSV download has the CLI columns and the same members', async (ctx) => {
  const r = await get(`${ctx.base}/recommend/${ctx.known}.csv?n=5`)
  assert.is(r.status, 200)
  assert.match(r.type, /text\/csv/)
  assert.match(r.headers.get('content-disposition') ?? '', /attachment; filename="audience-/)
  const lines = r.text.trim().split('\r\n')
  assert.is(lines[0], 'product_id,rank,customer_id,score,interactions,distinct_products,last_seen,reason')
  const body = JSON.parse((await get(`${ctx.base}/recommend/${ctx.known}?n=5`)).text)
  assert.equal(lines.slice(1).map((l) => l.split(',')[2]), body.recommendations.map((x: {customer_id: string}) => x.customer_id))
})

Serve('health, metrics, products/sample (seeded), the page and its security headers', async (ctx) => {
  const health = JSON.parse((await get(`${ctx.base}/health`)).text)
  assert.equal(
    {status: health.status, healthy: health.healthy, available: health.available_products},
    {status: 'ok', healthy: true, available: ctx.server.state().index.products},
  )
  for (const key of ['model_version', 'dataset_version', 'model_dataset_version', 'cached_recommendations', 'trained_at', 'ranking']) assert.ok(key in health, key)
  const metrics = JSON.parse((await get(`${ctx.base}/metrics`)).text)
  assert.ok(metrics.requests['/health 200'] >= 1)
  assert.ok(metrics.latency_micros.samples > 0)
  assert.is(metrics.workers, 1)
  const a = JSON.parse((await get(`${ctx.base}/products/sample?n=4`)).text)
  const b = JSON.parse((await get(`${ctx.base}/products/sample?n=4`)).text)
  assert.is(a.product_ids.length, 4)
  assert.equal(a, b)
  const page = await get(`${ctx.base}/`)
  assert.is(page.status, 200)
  assert.match(page.type, /text\/html/)
  assert.match(page.text, /<form id="search" autocomplete="off">/)
  assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'; script-src 'sha256-/)
  assert.is(page.headers.get('x-frame-options'), 'DENY')
  assert.is(page.headers.get('x-content-type-options'), 'nosniff')
  assert.is((await get(`${ctx.base}/health`)).headers.get('x-content-type-options'), 'nosniff')
})

Serve('a holdout download that would leave a group empty is a 422, as the CLI refuses it', async (ctx) => {
  const one = await get(`${ctx.base}/recommend/${encodeURIComponent(ctx.known)}.csv?n=1&holdout=10&campaign=c`)
  assert.is(one.status, 422)
  assert.match(one.text, /INVALID_HOLDOUT/)
  // The JSON answer has no control group: a holdout asked of it is refused, not ignored.
  const json = await get(`${ctx.base}/recommend/${encodeURIComponent(ctx.known)}?holdout=90`)
  assert.is(json.status, 422)
  assert.match(json.text, /INVALID_HOLDOUT[\s\S]*\.csv\?holdout=10/)
})

Serve('product search finds a whole id first, and products by their name words', async (ctx) => {
  const byId = JSON.parse((await get(`${ctx.base}/products/search?q=${encodeURIComponent(ctx.known)}`)).text) as {products: Array<{product_id: string; name: string | null}>}
  assert.is(byId.products[0]?.product_id, ctx.known)
  const name = byId.products[0].name!
  const word = name.split(/\s+/).reduce((a, b) => (b.length > a.length ? b : a))
  const byWord = JSON.parse((await get(`${ctx.base}/products/search?q=${encodeURIComponent(word)}&n=50`)).text) as {products: Array<{name: string | null}>}
  assert.ok(byWord.products.length > 0)
  for (const p of byWord.products) assert.match((p.name ?? '').toLowerCase(), word.toLowerCase())
})

Serve('404 for unknown routes, 405 for other methods, no stack traces', async (ctx) => {
  const missing = await get(`${ctx.base}/nope`)
  assert.is(missing.status, 404)
  assert.is(JSON.parse(missing.text).error.code, 'NOT_FOUND')
  const post = await get(`${ctx.base}/recommend/${ctx.known}`, {method: 'POST', body: 'x'.repeat(1000)})
  assert.is(post.status, 405)
  assert.is(post.headers.get('allow'), 'GET, HEAD')
  const bad = await get(`${ctx.base}/recommend/%E0%A4%A`)
  assert.is(bad.status, 400)
  for (const r of [missing, post, bad]) assert.not.match(r.text, /at .*\.(js|ts):\d+/)
})

Serve('new data makes the model stale (still answering); a new train run is swapped in', async (ctx) => {
  const before = ctx.server.state().index.data.modelVersion
  let db = openStore(ctx.dbPath)
  await prepareDataset(db, {source: {kind: 'file', path: ctx.csv}})
  closeStore(db)
  await ctx.server.check()
  const stale = JSON.parse((await get(`${ctx.base}/health`)).text)
  assert.is(stale.status, 'stale')
  assert.is(stale.healthy, false)
  assert.match(stale.reason, /prepared after this model/)
  assert.ok(stale.dataset_version > stale.model_dataset_version)
  assert.is((await get(`${ctx.base}/recommend/${ctx.known}?n=3`)).status, 200, 'still answering from the last good model')
  db = openStore(ctx.dbPath)
  runFeatures(db)
  await runTrain(db, {ranker: 'engagement', skipEval: true})
  closeStore(db)
  await ctx.server.check()
  const fresh = JSON.parse((await get(`${ctx.base}/health`)).text)
  assert.is(fresh.status, 'ok')
  assert.ok(fresh.model_version > before)
  assert.is(fresh.ranking, 'engagement')
})

Serve('a store file replaced at the same path is reopened, not served from the deleted file', async (ctx) => {
  const other = ctx.tmp.file('other.db')
  await trainStore(other, ctx.csv, 'engagement')
  const db = openStore(other)
  db.prepare("UPDATE products SET name = 'Renamed In The New File' WHERE product_key = 0").run()
  closeStore(db)
  renameSync(other, ctx.dbPath)
  await ctx.server.check()
  const body = JSON.parse((await get(`${ctx.base}/recommend/${encodeURIComponent(ctx.ids[0])}?n=2`)).text)
  assert.is(body.product_name, 'Renamed In The New File')
})

Serve('the built-in load generator drives the server and counts every answer; it refuses other hosts', async (ctx) => {
  const report = await runLoad({host: '127.0.0.1', port: ctx.server.port, durationMs: 500, concurrency: 8, productIds: ctx.ids, seed: 1, ns: [5, 10]})
  assert.ok(report.requests > 50)
  assert.is(report.errors, 0)
  assert.ok(report.latencyMs.p50 <= report.latencyMs.p99)
  try {
    await runLoad({host: '10.0.0.1', port: 80, durationMs: 10, concurrency: 1, productIds: ['1'], seed: 1})
    assert.unreachable('should refuse')
  } catch (error) {
    assert.match((error as Error).message, /only target loopback/)
  }
})

Serve.run()
