import {spawn} from 'node:child_process'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import Database from 'better-sqlite3'
import Papa from 'papaparse'
import {suite} from 'uvu'
import * as assert from 'uvu/assert'

import {generateReferenceCsv} from '../../src/core/synth/generate.js'
import {runCli} from '../helpers/cli.js'
import {REPO_ROOT, tempDir} from '../helpers/tmp.js'

const E2E = suite<{tmp: ReturnType<typeof tempDir>; db: string; csv: string}>('pipeline and recommend (spawned CLI)', {} as never)
E2E.before((ctx) => {
  ctx.tmp = tempDir()
  ctx.db = ctx.tmp.file('store.db')
  ctx.csv = ctx.tmp.file('gen.csv')
  const parts: string[] = []
  generateReferenceCsv({rows: 30_000, seed: 9}, (c) => parts.push(c))
  writeFileSync(ctx.csv, parts.join(''))
  const r = runCli(['pipeline', ctx.csv, '--db', ctx.db, '--json', '--skip-cf', '--sql-table'])
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

/** Every product's top n as the batch CSV export writes it. */
function exportAll(ctx: {db: string; tmp: ReturnType<typeof tempDir>}, n: number, extra: string[] = [], db = ctx.db): Array<Record<string, string>> {
  const ids = storeQuery(db, (s) => s.prepare('SELECT product_id FROM products').pluck().all() as string[])
  const list = ctx.tmp.file(`all-${Math.random().toString(36).slice(2)}.txt`, ids.join('\n'))
  const out = ctx.tmp.file(`all-${Math.random().toString(36).slice(2)}.csv`)
  const r = runCli(['recommend', '--products', list, '-n', String(n), '--out', out, '--db', db, ...extra])
  assert.is(r.code, 0, r.stderr)
  return Papa.parse<Record<string, string>>(readFileSync(out, 'utf8').trim(), {header: true}).data
}

E2E('no audience holds a user who interacted with that product; scores never rise with rank', (ctx) => {
  const rows = exportAll(ctx, 20)
  const interacted = storeQuery(ctx.db, (db) => new Set((db.prepare('SELECT DISTINCT p.product_id, u.user_id FROM interactions i JOIN products p USING (product_key) JOIN users u USING (user_key)').raw().all() as string[][]).map(([p, u]) => `${p}:${u}`)))
  assert.ok(rows.length > 1000)
  assert.is(rows.filter((r) => interacted.has(`${r.product_id}:${r.customer_id}`)).length, 0)
  for (let i = 1; i < rows.length; i++) if (rows[i].product_id === rows[i - 1].product_id) assert.ok(Number(rows[i].score) <= Number(rows[i - 1].score))
})

E2E('recommend: table, JSON with the API keys, and a CSV that round-trips through papaparse', (ctx) => {
  const productId = storeQuery(ctx.db, (db) => db.prepare('SELECT product_id FROM products ORDER BY product_key LIMIT 1').pluck().get() as string)
  const table = runCli(['recommend', productId, '--db', ctx.db])
  assert.is(table.code, 0, table.stderr)
  assert.match(table.stdout, new RegExp(`Audience for product ${productId}`))
  const json = JSON.parse(runCli(['recommend', productId, '--db', ctx.db, '--json', '-n', '5']).stdout)
  assert.equal(Object.keys(json), ['product_id', 'product_name', 'known', 'new_product', 'cold_start', 'ranking', 'note', 'n', 'count', 'recommendations', 'model_version', 'trained_at', 'dataset_version'])
  assert.is(json.recommendations.length, 5)
  assert.equal(Object.keys(json.recommendations[0]), ['rank', 'customer_id', 'score', 'interactions', 'distinct_products', 'last_seen', 'reason'])
  assert.is(json.cold_start, false)
  const out = ctx.tmp.file('aud.csv')
  const r = runCli(['recommend', productId, '-n', '25', '--out', out, '--db', ctx.db])
  assert.is(r.code, 0, r.stderr)
  const text = readFileSync(out, 'utf8')
  assert.ok(text.includes('\r\n'), 'RFC 4180 line ends')
  const parsed = Papa.parse<Record<string, string>>(text.trim(), {header: true})
  assert.equal(parsed.errors, [])
  assert.equal(parsed.meta.fields, ['product_id', 'rank', 'customer_id', 'score', 'interactions', 'distinct_products', 'last_seen', 'reason'])
  assert.is(parsed.data.length, 25)
  assert.equal(parsed.data.slice(0, 5).map((row) => row.customer_id), json.recommendations.map((m: {customer_id: string}) => m.customer_id))
  for (let i = 1; i < parsed.data.length; i++) assert.ok(Number(parsed.data[i].score) <= Number(parsed.data[i - 1].score))
})

E2E('n is checked against --max-n, --min-score against [0, 1], and a table too long to read is refused with a hint', (ctx) => {
  const productId = storeQuery(ctx.db, (db) => db.prepare('SELECT product_id FROM products LIMIT 1').pluck().get() as string)
  const big = runCli(['recommend', productId, '-n', '5000', '--db', ctx.db])
  assert.is(big.code, 2)
  assert.match(big.stderr, /n must be an integer from 1 to 100 .*\nTry this: .*--max-n 5000/)
  const long = runCli(['recommend', productId, '-n', '5000', '--max-n', '5000', '--db', ctx.db])
  assert.is(long.code, 2)
  assert.match(long.stderr, /too long to read.*\nTry this: Use --format csv/)
  for (const bad of ['1.5', '-0.1', 'x']) {
    const score = runCli(['recommend', productId, '--min-score', bad, '--db', ctx.db])
    assert.is(score.code, 2, bad)
    assert.match(score.stderr, /--min-score must be a number from 0 to 1/)
  }
  const csv = runCli(['recommend', productId, '-n', '5000', '--max-n', '5000', '--format', 'csv', '--db', ctx.db])
  assert.is(csv.code, 0)
  assert.is(csv.stdout.trim().split('\r\n').length, 5001)
})

E2E('batch export from --products; unknown ids get the cold start, noted on stderr', (ctx) => {
  const ids = storeQuery(ctx.db, (db) => db.prepare('SELECT product_id FROM products LIMIT 2').pluck().all() as string[])
  const list = ctx.tmp.file('ids.txt', `${ids.join('\n')}\nNOT-A-PRODUCT\n`)
  const r = runCli(['recommend', '--products', list, '--format', 'csv', '-n', '3', '--db', ctx.db])
  assert.is(r.code, 0, r.stderr)
  const rows = Papa.parse<Record<string, string>>(r.stdout.trim(), {header: true}).data
  assert.is(rows.length, 9)
  assert.equal([...new Set(rows.map((row) => row.product_id))], [...ids, 'NOT-A-PRODUCT'])
  assert.match(r.stderr, /NOT-A-PRODUCT is not in the data/)
})

E2E('unknown product: cold-start audience with a note, or exit 3 with --strict; "42.0" finds product 42', (ctx) => {
  const cold = JSON.parse(runCli(['recommend', 'NOPE', '--db', ctx.db, '--json']).stdout)
  assert.is(cold.cold_start, true)
  assert.match(cold.note, /not in the data/)
  assert.is(cold.recommendations.length, 10)
  const strict = runCli(['recommend', 'NOPE', '--strict', '--db', ctx.db])
  assert.is(strict.code, 3)
  assert.match(strict.stderr, /Error: product NOPE is not in the data/)
  const productId = storeQuery(ctx.db, (db) => db.prepare('SELECT product_id FROM products LIMIT 1').pluck().get() as string)
  const float = JSON.parse(runCli(['recommend', `${productId}.0`, '--db', ctx.db, '--json']).stdout)
  assert.is(float.product_id, productId)
  assert.is(float.known, true)
  const empty = runCli(['recommend', ' ', '--db', ctx.db])
  assert.is(empty.code, 2)
  assert.match(empty.stderr, /the product id is empty/)
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

E2E('pipeline runs features before cf-attempt (so ALS meets engagement) unless --skip-cf', (ctx) => {
  const small = ctx.tmp.file('small.csv')
  const parts: string[] = []
  generateReferenceCsv({rows: 3000, seed: 2}, (c) => parts.push(c))
  writeFileSync(small, parts.join(''))
  const r = runCli(['pipeline', small, '--db', ctx.tmp.file('cf.db'), '--json'])
  assert.is(r.code, 0, r.stderr)
  const report = JSON.parse(r.stdout)
  assert.equal(report.stages.map((s: {stage: string}) => s.stage), ['prepare', 'explore', 'features', 'cf-attempt', 'train'])
  assert.is(typeof report.cf.verdict.viable, 'boolean')
  assert.ok(report.cf.evaluation.rankers.some((x: {name: string}) => x.name === 'engagement'))
})

E2E('pipeline names the failing stage and exits non-zero', (ctx) => {
  const r = runCli(['pipeline', ctx.tmp.file('bad.csv', 'a,b\n1,2\n'), '--db', ctx.tmp.file('p.db')])
  assert.is(r.code, 3)
  assert.match(r.stderr, /pipeline stage prepare failed/)
})

E2E('train --max-audiences-per-user caps every user, for -n above top-n too, and reports reach with and without it', (ctx) => {
  const db = ctx.tmp.file('cap.db')
  assert.is(runCli(['prepare', ctx.csv, '--db', db]).code, 0)
  assert.is(runCli(['features', '--db', db]).code, 0)
  const report = JSON.parse(runCli(['train', '--db', db, '--ranker', 'engagement', '--skip-eval', '--max-audiences-per-user', '3', '--json']).stdout)
  assert.ok(report.reach.distinctUsers > report.reach.distinctUsersWithoutCap)
  assert.is(report.reach.maxAudiencesPerUser, 3)
  const count = (rows: Array<Record<string, string>>, upTo: number): number => {
    const per = new Map<string, number>()
    for (const r of rows) if (Number(r.rank) <= upTo) per.set(r.customer_id, (per.get(r.customer_id) ?? 0) + 1)
    return Math.max(...per.values())
  }
  const rows = exportAll(ctx, 12, [], db)
  assert.is(count(rows, 10), 3, 'the top-10 audiences hold each user at most 3 times')
  // Ranks 11-12 come after the capped top 10: never a used-up user, never a higher score.
  const capped = new Set<string>()
  const per = new Map<string, number>()
  for (const r of rows) if (Number(r.rank) <= 10) per.set(r.customer_id, (per.get(r.customer_id) ?? 0) + 1)
  for (const [u, c] of per) if (c >= 3) capped.add(u)
  for (let i = 0; i < rows.length; i++) {
    if (Number(rows[i].rank) <= 10) continue
    assert.not.ok(capped.has(rows[i].customer_id), `a used-up user came back at rank ${rows[i].rank}`)
    assert.ok(Number(rows[i].score) <= Number(rows[i - 1].score))
  }
})

E2E('CSV exports neutralise cells a spreadsheet would run as formulas; --raw-csv keeps the bytes', (ctx) => {
  const csv = 'customer_id,product_id,product_name,event,event_date\n"=HYPERLINK(""http://x"",""y"")",100,Lamp,cart,2022-10-01\n+1,100,Lamp,cart,2022-10-02\n@a,101,Mug,cart,2022-10-03\n-5,102,Cup,purchased,2022-10-04\n'
  const db = ctx.tmp.file('inj.db')
  assert.is(runCli(['prepare', ctx.tmp.file('inj.csv', csv), '--db', db, '--id-type', 'text']).code, 0)
  assert.is(runCli(['features', '--db', db]).code, 0)
  assert.is(runCli(['train', '--db', db, '--ranker', 'engagement', '--skip-eval']).code, 0)
  const safe = runCli(['recommend', '102', '--format', 'csv', '--db', db])
  assert.is(safe.code, 0, safe.stderr)
  const cells = Papa.parse<string[]>(safe.stdout.trim()).data.slice(1).map((row) => row[2])
  assert.ok(cells.length >= 3)
  for (const cell of cells) assert.ok(!/^[=+\-@\t\r]/.test(cell), `cell ${cell} would run as a formula`)
  assert.ok(cells.includes(`'=HYPERLINK("http://x","y")`))
  const raw = runCli(['recommend', '102', '--format', 'csv', '--raw-csv', '--db', db])
  assert.ok(Papa.parse<string[]>(raw.stdout.trim()).data.slice(1).some((row) => row[2] === '=HYPERLINK("http://x","y")'))
})

E2E('campaign export: stable holdout groups, recorded; exclusions and dedupe hand places to the next best', (ctx) => {
  const ids = storeQuery(ctx.db, (db) => db.prepare('SELECT product_id FROM products LIMIT 3').pluck().all() as string[])
  const list = ctx.tmp.file('camp-ids.txt', ids.join('\n'))
  const run = (extra: string[], n = 30) => {
    const r = runCli(['recommend', '--products', list, '-n', String(n), '--format', 'csv', '--db', ctx.db, ...extra])
    assert.is(r.code, 0, r.stderr)
    return {rows: Papa.parse<Record<string, string>>(r.stdout.trim(), {header: true}).data, stderr: r.stderr}
  }
  const first = run(['--holdout', '20%', '--campaign', 'e2e'])
  assert.ok(first.rows.every((r) => r.group === 'treatment' || r.group === 'control'))
  const again = run(['--holdout', '20%', '--campaign', 'e2e'], 40)
  const groupOf = new Map(first.rows.map((r) => [r.customer_id, r.group]))
  for (const r of again.rows) if (groupOf.has(r.customer_id)) assert.is(r.group, groupOf.get(r.customer_id), 'a user keeps their group in a campaign')
  assert.match(first.stderr, /campaign e2e: \d+ treatment, \d+ control \(recorded/)
  const recorded = storeQuery(ctx.db, (db) => db.prepare("SELECT count(*) FROM campaign_members WHERE campaign_id = 'e2e'").pluck().get() as number)
  assert.is(recorded, again.rows.length)
  // Leave out the first product's top user: someone else takes the place.
  const top = first.rows[0].customer_id
  const excluded = run(['--exclude-users', ctx.tmp.file('dnt.txt', `customer_id\n${top}\n`)])
  assert.not.ok(excluded.rows.some((r) => r.customer_id === top))
  assert.is(excluded.rows.filter((r) => r.product_id === ids[0]).length, 30)
  assert.match(excluded.stderr, /[1-3] on the do-not-target list/)
  const deduped = run(['--dedupe'])
  assert.is(new Set(deduped.rows.map((r) => r.customer_id)).size, deduped.rows.length, 'each user once')
  const empty = runCli(['recommend', '--products', list, '--exclude-users', ctx.tmp.file('none.txt', '\n'), '--db', ctx.db])
  assert.is(empty.code, 3)
  assert.match(empty.stderr, /--exclude-users file .* holds no ids/)
  const badHoldout = runCli(['recommend', ids[0], '--holdout', '70%', '--db', ctx.db])
  assert.is(badHoldout.code, 2)
  const treated = run(['--holdout', '20%', '--campaign', 'e2e', '--treatment-only'])
  assert.ok(treated.rows.length > 0 && treated.rows.every((r) => r.group === 'treatment'), 'only the people to contact')
  assert.is(treated.rows.length, first.rows.filter((r) => r.group === 'treatment').length)
  // A list whose ids match nobody is named; a quoted id or a CSV export's customer_id column is read.
  const stranger = run(['--exclude-users', ctx.tmp.file('dnt2.txt', 'nobody-1\nnobody-2\n')])
  assert.match(stranger.stderr, /2 of 2 ids on the do-not-target list match no customer/)
  const quoted = run(['--exclude-users', ctx.tmp.file('dnt3.txt', `"${top}"\n`)])
  assert.not.ok(quoted.rows.some((r) => r.customer_id === top), 'a quoted id is still excluded')
  const exported = run(['--exclude-users', ctx.tmp.file('dnt4.csv', `email,customer_id\na@b.c,${top}\n`)])
  assert.not.ok(exported.rows.some((r) => r.customer_id === top), 'the customer_id column of a CSV export is read')
  // The same campaign id with another holdout share is refused (it would rewrite who was held out)…
  const changed = runCli(['recommend', '--products', list, '-n', '30', '--holdout', '40%', '--campaign', 'e2e', '--format', 'csv', '--db', ctx.db])
  assert.is(changed.code, 2)
  assert.match(changed.stderr, /holdout 20% → 40%/)
  assert.is(storeQuery(ctx.db, (db) => db.prepare("SELECT holdout FROM campaigns WHERE campaign_id = 'e2e'").pluck().get() as number), 0.2)
  // …a holdout that leaves no control group is refused, and a failed write records nothing.
  const tiny = runCli(['recommend', ids[0], '-n', '3', '--holdout', '1%', '--campaign', 'tiny', '--db', ctx.db])
  assert.is(tiny.code, 2)
  assert.match(tiny.stderr, /none of them in the control group, so the campaign could never be measured/)
  const unwritten = runCli(['recommend', ids[0], '-n', '30', '--holdout', '20%', '--campaign', 'lost', '--out', ctx.tmp.file('no/such/dir/a.csv'), '--db', ctx.db])
  assert.is(unwritten.code, 2)
  assert.not.match(unwritten.stderr, /recorded in the store/, 'no claim of a record that did not happen')
  assert.is(runCli(['recommend', ids[0], '--holdout', '20%', '--campaign', '', '--db', ctx.db]).code, 2, 'an empty campaign id is refused')
  assert.is(runCli(['recommend', ids[0], '--out', '', '--db', ctx.db]).code, 2, 'an empty --out is refused')
  // A product listed twice is one audience, and the products come in the order first listed.
  const twice = runCli(['recommend', ids[1], ids[0], ids[1], '-n', '3', '--format', 'csv', '--db', ctx.db])
  assert.is(twice.code, 0, twice.stderr)
  const products = (Papa.parse(twice.stdout.trim(), {header: true}).data as Array<{product_id: string}>).map((r) => r.product_id)
  assert.equal([...new Set(products)], [ids[1], ids[0]])
  assert.is(products.length, 6)
  assert.match(twice.stderr, /1 repeated product id was taken once/)
  const xlsx = ctx.tmp.file('audience.xlsx')
  const unnamed = runCli(['recommend', ids[0], '--out', xlsx, '--db', ctx.db])
  assert.is(unnamed.code, 2)
  assert.match(unnamed.stderr, /format cannot be told from the file name[\s\S]*\.csv/)
  assert.not.ok(existsSync(xlsx), 'no box-drawn table written into a spreadsheet name')
  assert.is(storeQuery(ctx.db, (db) => db.prepare("SELECT count(*) FROM campaigns WHERE campaign_id IN ('tiny', 'lost')").pluck().get() as number), 0)
})

E2E('features --out: a file that cannot be written changes nothing; the same settings again leave train fresh', (ctx) => {
  const runs = () => storeQuery(ctx.db, (db) => db.prepare("SELECT count(*) FROM runs WHERE stage = 'features'").pluck().get() as number)
  const before = runs()
  const bad = runCli(['features', '--out', ctx.tmp.file('no/such/dir/u.csv'), '--db', ctx.db])
  assert.is(bad.code, 2)
  assert.is(runs(), before, 'no features run recorded')
  const ok = runCli(['features', '--out', ctx.tmp.file('users.csv'), '--db', ctx.db])
  assert.is(ok.code, 0, ok.stderr)
  const id = storeQuery(ctx.db, (db) => db.prepare('SELECT product_id FROM products LIMIT 1').pluck().get() as string)
  const after = runCli(['recommend', id, '--db', ctx.db])
  assert.is(after.code, 0, `recommend still works: ${after.stderr}`)
  // A misspelt event in --event-weights is named, not silently ignored.
  const typo = runCli(['features', '--event-weights', 'purchsed=9', '--db', ctx.db])
  assert.is(typo.code, 0)
  assert.match(typo.stdout, /--event-weights names "purchsed", which this data does not have/)
  assert.is(runCli(['features', '--db', ctx.db]).code, 0, 'back to the settings train was built on')
  assert.is(runCli(['recommend', id, '--db', ctx.db]).code, 0)
})

E2E('recommend without -n answers with the audience size train was given (--top-n), as the server does', (ctx) => {
  const db = ctx.tmp.file('topn.db')
  assert.is(runCli(['prepare', ctx.csv, '--db', db]).code, 0)
  assert.is(runCli(['features', '--db', db]).code, 0)
  assert.is(runCli(['train', '--db', db, '--ranker', 'engagement', '--skip-eval', '--top-n', '7']).code, 0)
  const productId = storeQuery(db, (d) => d.prepare('SELECT product_id FROM products ORDER BY product_key LIMIT 1').pluck().get() as string)
  const answer = JSON.parse(runCli(['recommend', productId, '--format', 'json', '--db', db]).stdout)
  assert.is(answer.n, 7)
  assert.is(answer.recommendations.length, 7)
  assert.is(JSON.parse(runCli(['recommend', productId, '-n', '3', '--format', 'json', '--db', db]).stdout).recommendations.length, 3)
})

E2E('generate into a pipe whose reader is slow writes every row, and a reader that leaves early is no error', async () => {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/run.js'), 'generate', '--rows', '20000'], {stdio: ['ignore', 'pipe', 'pipe']})
  child.stdout!.pause()
  await new Promise((resolve) => setTimeout(resolve, 1500))
  let lines = 0
  child.stdout!.on('data', (c: Buffer) => {
    for (const byte of c) if (byte === 10) lines++
  })
  child.stdout!.resume()
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  assert.is(code, 0)
  assert.is(lines, 20_001, 'header and every row arrive')
  const early = spawn('sh', ['-c', `"${process.execPath}" "${join(REPO_ROOT, 'bin/run.js')}" generate --rows 20000 | head -1 > /dev/null; echo "\${PIPESTATUS:-}"`], {stdio: ['ignore', 'pipe', 'pipe']})
  let stderr = ''
  early.stderr!.on('data', (c: Buffer) => (stderr += c.toString()))
  await new Promise((resolve) => early.on('close', resolve))
  assert.not.match(stderr, /bug|EPIPE/, 'no error when the reader leaves')
})

E2E.run()
