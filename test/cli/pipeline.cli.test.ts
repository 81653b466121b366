import {readFileSync, writeFileSync} from 'node:fs'

import Database from 'better-sqlite3'
import Papa from 'papaparse'
import {suite} from 'uvu'
import * as assert from 'uvu/assert'

import {generateReferenceCsv} from '../../src/core/synth/generate.js'
import {runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const E2E = suite<{tmp: ReturnType<typeof tempDir>; db: string; csv: string}>('pipeline and recommend (spawned CLI)', {} as never)
E2E.before((ctx) => {
  ctx.tmp = tempDir()
  ctx.db = ctx.tmp.file('store.db')
  ctx.csv = ctx.tmp.file('gen.csv')
  const parts: string[] = []
  generateReferenceCsv({rows: 30_000, seed: 9}, (c) => parts.push(c))
  writeFileSync(ctx.csv, parts.join(''))
  const r = runCli(['pipeline', ctx.csv, '--db', ctx.db, '--json', '--skip-cf'])
  assert.is(r.code, 0, r.stderr + r.stdout)
  assert.equal(JSON.parse(r.stdout).stages.map((s: {stage: string}) => s.stage), ['prepare', 'explore', 'features', 'train'])
})
E2E.after((ctx) => ctx.tmp.cleanup())

function storeQuery<T>(path: string, fn: (db: Database.Database) => T): T {
  const db = new Database(path, {readonly: true})
  try {
    return fn(db)
  } finally {
    db.close()
  }
}

E2E('no audience holds a user who interacted with that product; scores never rise with rank', (ctx) => {
  const violations = storeQuery(ctx.db, (db) => {
    const interacted = new Set((db.prepare('SELECT DISTINCT product_key, user_key FROM interactions').raw().all() as number[][]).map(([p, u]) => `${p}:${u}`))
    let bad = 0
    let rising = 0
    let audiences = 0
    for (const row of db.prepare('SELECT product_key, user_keys, scores FROM audiences').all() as Array<{product_key: number; user_keys: Buffer; scores: Buffer}>) {
      audiences++
      const users = new Int32Array(row.user_keys.buffer.slice(row.user_keys.byteOffset, row.user_keys.byteOffset + row.user_keys.length))
      const scores = new Float64Array(row.scores.buffer.slice(row.scores.byteOffset, row.scores.byteOffset + row.scores.length))
      for (const u of users) if (interacted.has(`${row.product_key}:${u}`)) bad++
      for (let i = 1; i < scores.length; i++) if (scores[i] > scores[i - 1]) rising++
    }
    return {bad, rising, audiences}
  })
  assert.ok(violations.audiences > 1000)
  assert.is(violations.bad, 0)
  assert.is(violations.rising, 0)
})

E2E('recommend: table, JSON, and a CSV that round-trips through papaparse', (ctx) => {
  const productId = storeQuery(ctx.db, (db) => db.prepare('SELECT p.product_id FROM products p JOIN audiences a USING (product_key) ORDER BY a.product_key LIMIT 1').pluck().get() as string)
  const table = runCli(['recommend', productId, '--db', ctx.db])
  assert.is(table.code, 0, table.stderr)
  assert.match(table.stdout, new RegExp(`Audience for product ${productId}`))
  const json = JSON.parse(runCli(['recommend', productId, '--db', ctx.db, '--json', '-n', '5']).stdout)
  assert.is(json.members.length, 5)
  assert.is(json.coldStart, false)
  const out = ctx.tmp.file('aud.csv')
  const r = runCli(['recommend', productId, '-n', '25', '--out', out, '--db', ctx.db])
  assert.is(r.code, 0, r.stderr)
  const text = readFileSync(out, 'utf8')
  assert.ok(text.includes('\r\n'), 'RFC 4180 line ends')
  const parsed = Papa.parse<Record<string, string>>(text.trim(), {header: true})
  assert.equal(parsed.errors, [])
  assert.equal(parsed.meta.fields, ['rank', 'customer_id', 'score', 'interactions', 'distinct_products', 'last_seen'])
  assert.is(parsed.data.length, 25, 'more than precomputed: ranked on demand')
  assert.equal(parsed.data.slice(0, 5).map((row) => row.customer_id), json.members.map((m: {customerId: string}) => m.customerId))
  for (let i = 1; i < parsed.data.length; i++) assert.ok(Number(parsed.data[i].score) <= Number(parsed.data[i - 1].score))
})

E2E('batch export from --products adds a product_id column; unknown ids get the cold start', (ctx) => {
  const ids = storeQuery(ctx.db, (db) => db.prepare('SELECT product_id FROM products LIMIT 2').pluck().all() as string[])
  const list = ctx.tmp.file('ids.txt', `${ids.join('\n')}\nNOT-A-PRODUCT\n`)
  const r = runCli(['recommend', '--products', list, '--format', 'csv', '-n', '3', '--db', ctx.db])
  assert.is(r.code, 0, r.stderr)
  const rows = Papa.parse<Record<string, string>>(r.stdout.trim(), {header: true}).data
  assert.is(rows.length, 9)
  assert.equal([...new Set(rows.map((row) => row.product_id))], [...ids, 'NOT-A-PRODUCT'])
  assert.match(r.stderr, /NOT-A-PRODUCT is not in the data/)
})

E2E('unknown product: cold-start audience with a note, or exit 3 with --strict', (ctx) => {
  const cold = JSON.parse(runCli(['recommend', 'NOPE', '--db', ctx.db, '--json']).stdout)
  assert.is(cold.coldStart, true)
  assert.match(cold.note, /not in the data/)
  assert.is(cold.members.length, 10)
  const strict = runCli(['recommend', 'NOPE', '--strict', '--db', ctx.db])
  assert.is(strict.code, 3)
  assert.match(strict.stderr, /Error: product NOPE is not in the data/)
})

E2E('error paths: no id without a TTY, unknown store, untrained store, stale after a new prepare', (ctx) => {
  const noId = runCli(['recommend', '--db', ctx.db])
  assert.is(noId.code, 2)
  assert.match(noId.stderr, /no product id given/)
  const none = runCli(['recommend', '1', '--db', ctx.tmp.file('missing.db')])
  assert.is(none.code, 4)
  assert.match(none.stderr, /recsys prepare/)
  const fresh = ctx.tmp.file('fresh.db')
  assert.is(runCli(['prepare', ctx.csv, '--db', fresh]).code, 0)
  const untrained = runCli(['recommend', '1', '--db', fresh])
  assert.is(untrained.code, 4)
  assert.match(untrained.stderr, /recsys train/)
  const noFeatures = runCli(['train', '--db', fresh])
  assert.is(noFeatures.code, 4)
  assert.match(noFeatures.stderr, /recsys features/)
  assert.is(runCli(['features', '--db', fresh]).code, 0)
  assert.is(runCli(['train', '--db', fresh, '--skip-eval']).code, 0)
  assert.is(runCli(['prepare', ctx.csv, '--db', fresh]).code, 0)
  const stale = runCli(['recommend', '1', '--db', fresh])
  assert.is(stale.code, 4)
  assert.match(stale.stderr, /stale/)
})

E2E('pipeline runs cf-attempt between explore and features unless --skip-cf', (ctx) => {
  const small = ctx.tmp.file('small.csv')
  const parts: string[] = []
  generateReferenceCsv({rows: 3000, seed: 2}, (c) => parts.push(c))
  writeFileSync(small, parts.join(''))
  const r = runCli(['pipeline', small, '--db', ctx.tmp.file('cf.db'), '--json'])
  assert.is(r.code, 0, r.stderr)
  const report = JSON.parse(r.stdout)
  assert.equal(report.stages.map((s: {stage: string}) => s.stage), ['prepare', 'explore', 'cf-attempt', 'features', 'train'])
  assert.is(typeof report.cf.verdict.viable, 'boolean')
})

E2E('pipeline names the failing stage and exits non-zero', (ctx) => {
  const r = runCli(['pipeline', ctx.tmp.file('bad.csv', 'a,b\n1,2\n'), '--db', ctx.tmp.file('p.db')])
  assert.is(r.code, 3)
  assert.match(r.stderr, /pipeline stage prepare failed/)
})

E2E('train --max-audiences-per-user caps every user and reports reach with and without it', (ctx) => {
  const db = ctx.tmp.file('cap.db')
  assert.is(runCli(['prepare', ctx.csv, '--db', db]).code, 0)
  assert.is(runCli(['features', '--db', db]).code, 0)
  const report = JSON.parse(runCli(['train', '--db', db, '--skip-eval', '--max-audiences-per-user', '3', '--json']).stdout)
  assert.ok(report.audiences.distinctUsers > report.audiences.distinctUsersWithoutCap)
  const maxCount = storeQuery(db, (s) => {
    const count = new Map<number, number>()
    for (const row of s.prepare('SELECT user_keys FROM audiences').pluck().all() as Buffer[]) {
      for (let i = 0; i < row.length; i += 4) {
        const u = row.readInt32LE(i)
        count.set(u, (count.get(u) ?? 0) + 1)
      }
    }
    return Math.max(...count.values())
  })
  assert.is(maxCount, 3)
})

E2E.run()
