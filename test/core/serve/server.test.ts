import {writeFileSync} from 'node:fs'

import {suite} from 'uvu'
import * as assert from 'uvu/assert'

import {runTrain} from '../../../src/core/audience/train.js'
import {runLoad} from '../../../src/core/bench/load.js'
import {runFeatures} from '../../../src/core/engagement/stage.js'
import {prepareDataset} from '../../../src/core/ingest/prepare.js'
import {type RunningServer, startServer} from '../../../src/core/serve/server.js'
import {openStore} from '../../../src/core/store/open.js'
import {generateReferenceCsv} from '../../../src/core/synth/generate.js'
import {tempDir} from '../../helpers/tmp.js'

const Serve = suite<{tmp: ReturnType<typeof tempDir>; dbPath: string; server: RunningServer; base: string; known: string}>('serve', {} as never)

async function trainStore(dbPath: string, csv: string, topN: number): Promise<void> {
  const db = openStore(dbPath)
  await prepareDataset(db, {source: {kind: 'file', path: csv}})
  runFeatures(db)
  runTrain(db, {topN, skipEval: true})
  db.close()
}

Serve.before(async (ctx) => {
  ctx.tmp = tempDir()
  ctx.dbPath = ctx.tmp.file('s.db')
  const parts: string[] = []
  generateReferenceCsv({rows: 5000, seed: 4}, (c) => parts.push(c))
  const csv = ctx.tmp.file('g.csv')
  writeFileSync(csv, parts.join(''))
  await trainStore(ctx.dbPath, csv, 20)
  ctx.server = await startServer({dbPath: ctx.dbPath, port: 0, host: '127.0.0.1', reloadCheckMs: 60_000})
  ctx.base = `http://127.0.0.1:${ctx.server.port}`
  ctx.known = ctx.server.index().productIds[3]
})
Serve.after(async (ctx) => {
  await ctx.server.close()
  ctx.tmp.cleanup()
})

async function get(url: string, init?: RequestInit): Promise<{status: number; type: string; text: string; headers: Headers}> {
  const res = await fetch(url, init)
  return {status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text(), headers: res.headers}
}

Serve('GET /recommend/:id returns the precomputed audience, identical to the store', async (ctx) => {
  const r = await get(`${ctx.base}/recommend/${ctx.known}?n=7`)
  assert.is(r.status, 200)
  assert.match(r.type, /application\/json/)
  const body = JSON.parse(r.text)
  assert.equal(Object.keys(body), ['product_id', 'recommendations', 'count', 'note', 'model_version'])
  assert.is(body.product_id, ctx.known)
  assert.is(body.count, 7)
  assert.equal(body.recommendations.map((x: {rank: number}) => x.rank), [1, 2, 3, 4, 5, 6, 7])
  for (let i = 1; i < 7; i++) assert.ok(body.recommendations[i].score <= body.recommendations[i - 1].score)
  assert.is(body.note, null)
  const again = JSON.parse((await get(`${ctx.base}/recommend/${ctx.known}?n=7`)).text)
  assert.equal(again, body, 'the cached body is the same answer')
  const defaultN = JSON.parse((await get(`${ctx.base}/recommend/${ctx.known}`)).text)
  assert.is(defaultN.count, 10)
})

Serve('unknown product: the cold-start audience with a note', async (ctx) => {
  const body = JSON.parse((await get(`${ctx.base}/recommend/NEW-PRODUCT?n=3`)).text)
  assert.is(body.count, 3)
  assert.match(body.note, /NEW-PRODUCT is not in the data/)
})

Serve('n must be 1…top-n: 422 with a JSON error body, non-numeric included', async (ctx) => {
  for (const n of ['0', '21', 'abc', '-1', '2.5']) {
    const r = await get(`${ctx.base}/recommend/${ctx.known}?n=${n}`)
    assert.is(r.status, 422, `n=${n}`)
    const body = JSON.parse(r.text)
    assert.is(body.error.code, 'INVALID_N')
    assert.match(body.error.message, /from 1 to 20/)
  }
})

Serve('the CSV download matches the JSON audience', async (ctx) => {
  const r = await get(`${ctx.base}/recommend/${ctx.known}.csv?n=5`)
  assert.is(r.status, 200)
  assert.match(r.type, /text\/csv/)
  assert.match(r.headers.get('content-disposition') ?? '', /attachment; filename="audience-/)
  const lines = r.text.trim().split('\r\n')
  assert.is(lines[0], 'rank,customer_id,score')
  const body = JSON.parse((await get(`${ctx.base}/recommend/${ctx.known}?n=5`)).text)
  assert.equal(lines.slice(1).map((l) => l.split(',')[1]), body.recommendations.map((x: {customer_id: string}) => x.customer_id))
})

Serve('health, metrics, products/sample (seeded), the page', async (ctx) => {
  const health = JSON.parse((await get(`${ctx.base}/health`)).text)
  assert.is(health.model_loaded, true)
  assert.is(health.products, ctx.server.index().products)
  assert.is(health.top_n, 20)
  const metrics = JSON.parse((await get(`${ctx.base}/metrics`)).text)
  assert.ok(metrics.requests['/health 200'] >= 1)
  assert.ok(metrics.latencyMicros.samples > 0)
  const a = JSON.parse((await get(`${ctx.base}/products/sample?n=4`)).text)
  const b = JSON.parse((await get(`${ctx.base}/products/sample?n=4`)).text)
  assert.is(a.product_ids.length, 4)
  assert.equal(a, b)
  const page = await get(`${ctx.base}/`)
  assert.is(page.status, 200)
  assert.match(page.type, /text\/html/)
  assert.match(page.text, /<form id="search">/)
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

Serve('re-training the store is picked up without a restart', async (ctx) => {
  const before = ctx.server.index().modelVersion
  const db = openStore(ctx.dbPath)
  runTrain(db, {topN: 15, skipEval: true})
  db.close()
  assert.is(ctx.server.reloadIfChanged(), true)
  assert.ok(ctx.server.index().modelVersion > before)
  const r = await get(`${ctx.base}/recommend/${ctx.known}?n=16`)
  assert.is(r.status, 422, 'the new model has top-n 15')
  assert.is(JSON.parse((await get(`${ctx.base}/health`)).text).model_version, ctx.server.index().modelVersion)
})

Serve('the built-in load generator drives the server and counts every answer; it refuses other hosts', async (ctx) => {
  const report = await runLoad({host: '127.0.0.1', port: ctx.server.port, durationMs: 500, concurrency: 8, productIds: ctx.server.index().productIds, seed: 1, ns: [5, 10]})
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
