import {spawn} from 'node:child_process'
import {existsSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import Database from 'better-sqlite3'
import {suite} from 'uvu'
import * as assert from 'uvu/assert'

import {generateReferenceCsv} from '../../src/core/synth/generate.js'
import {runCli} from '../helpers/cli.js'
import {REPO_ROOT, tempDir} from '../helpers/tmp.js'

const Cli = suite<{tmp: ReturnType<typeof tempDir>; db: string}>('prepare (spawned CLI)', {} as never)
Cli.before.each((ctx) => {
  ctx.tmp = tempDir()
  ctx.db = ctx.tmp.file('store.db')
})
Cli.after.each((ctx) => ctx.tmp.cleanup())

const CSV = 'customer_id,product_id,product_name,event,event_date\n1,10,Lamp,cart,2022-10-01\n2,11,Mug,purchased,2022-10-02\n'
const ANSI = /\u001B\[/

Cli('no FILE: prepares the bundled fixture and says so; plain output when piped', (ctx) => {
  const r = runCli(['prepare', '--db', ctx.db])
  assert.is(r.code, 0, r.stderr)
  assert.match(r.stderr, /bundled fixture/)
  assert.match(r.stdout, /rows kept/)
  assert.not.match(r.stdout + r.stderr, ANSI, 'no colour or spinner without a TTY')
})

Cli('--json prints one JSON report and nothing on stderr', (ctx) => {
  const r = runCli(['prepare', ctx.tmp.file('a.csv', CSV), '--db', ctx.db, '--json'])
  assert.is(r.code, 0, r.stderr)
  const report = JSON.parse(r.stdout)
  assert.is(report.rowsKept, 2)
  assert.is(report.datasetVersion, 1)
  assert.is(r.stderr, '')
})

Cli('stdin with -, and RECSYS_DB picks the store', (ctx) => {
  const r = runCli(['prepare', '-', '--json'], {input: CSV, env: {RECSYS_DB: ctx.db}})
  assert.is(r.code, 0, r.stderr)
  assert.is(JSON.parse(r.stdout).source, 'stdin')
  const db = new Database(ctx.db, {readonly: true})
  assert.is(db.prepare('SELECT rows FROM datasets').pluck().get(), 2)
  db.close()
})

Cli('bad input: one-line errors with a hint and the documented exit codes', (ctx) => {
  const missing = runCli(['prepare', ctx.tmp.file('nope.csv'), '--db', ctx.db])
  assert.is(missing.code, 2)
  assert.match(missing.stderr, /^Error: cannot read .*nope\.csv: no such file\nTry this: /)
  const empty = runCli(['prepare', ctx.tmp.file('empty.csv', ''), '--db', ctx.db])
  assert.is(empty.code, 3)
  assert.match(empty.stderr, /empty\.csv is empty/)
  const headerOnly = runCli(['prepare', ctx.tmp.file('h.csv', 'customer_id,product_id,event,event_date\n'), '--db', ctx.db])
  assert.is(headerOnly.code, 3)
  assert.match(headerOnly.stderr, /header but no data rows/)
  const column = runCli(['prepare', ctx.tmp.file('c.csv', 'uid,pid,event,event_date\n1,2,cart,2022-10-01\n'), '--db', ctx.db, '--json'])
  assert.is(column.code, 3)
  assert.equal(Object.keys(JSON.parse(column.stdout).error), ['code', 'message', 'hint'])
  const flag = runCli(['prepare', '--bot-threshold', 'many', '--db', ctx.db])
  assert.is(flag.code, 2)
  assert.match(flag.stderr, /Error: .*bot-threshold/)
})

Cli('--strict on a broken middle row names the line and keeps the earlier dataset', (ctx) => {
  assert.is(runCli(['prepare', ctx.tmp.file('good.csv', CSV), '--db', ctx.db]).code, 0)
  const broken = 'customer_id,product_id,product_name,event,event_date\n5,50,a,cart,2022-10-01\n6,60,b,cart\n7,70,c,cart,2022-10-03\n'
  const r = runCli(['prepare', ctx.tmp.file('broken.csv', broken), '--db', ctx.db, '--strict'])
  assert.is(r.code, 3)
  assert.match(r.stderr, /broken\.csv line 3: expected 5 fields, found 4/)
  const db = new Database(ctx.db, {readonly: true})
  assert.equal(db.prepare('SELECT user_id FROM users ORDER BY user_key').pluck().all(), ['1', '2'])
  db.close()
})

Cli('Ctrl-C during a large prepare leaves the earlier dataset readable and complete', async (ctx) => {
  assert.is(runCli(['prepare', ctx.tmp.file('good.csv', CSV), '--db', ctx.db]).code, 0)
  const big = ctx.tmp.file('big.csv')
  const parts: string[] = []
  generateReferenceCsv({rows: 300_000, seed: 1}, (c) => parts.push(c))
  writeFileSync(big, parts.join(''))
  // Interrupt at several moments: while reading, and (for the later ones) during the write.
  const outcomes: string[] = []
  for (const delayMs of [400, 900, 1500]) {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/run.js'), 'prepare', big, '--db', ctx.db], {stdio: ['ignore', 'ignore', 'pipe'], env: {...process.env, CI: ''}})
    // Listen for the exit from the start: a fast machine may finish before the interrupt.
    const exited = new Promise<[number | null, string | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])))
    // Count from the first progress line, not from the spawn: on a busy machine start-up alone can
    // take longer than the first delay, and a signal before prepare listens for it just kills it.
    await new Promise<void>((resolve) => {
      child.stderr!.on('data', (c: Buffer) => {
        if (c.toString().includes('rows/s')) resolve()
      })
      child.on('exit', () => resolve())
    })
    await new Promise((resolve) => setTimeout(resolve, delayMs - 400))
    child.kill('SIGINT')
    const [code, signal] = await exited
    outcomes.push(signal ?? String(code))
    const db = new Database(ctx.db, {readonly: true})
    const rows = db.prepare("SELECT length FROM column_info WHERE name = 'interactions.user_key'").pluck().get() as number
    const version = db.prepare('SELECT max(version) FROM datasets').pluck().get() as number
    const recorded = db.prepare('SELECT rows FROM datasets WHERE version = ?').pluck().get(version) as number
    db.close()
    assert.is(rows, recorded, `after SIGINT at ${delayMs} ms the store is consistent`)
    assert.ok(rows === 2 || rows > 290_000, 'either the old dataset or the complete new one')
  }
  assert.is(outcomes[0], '130', 'the first interrupt lands while reading: exit 130, store unchanged')
})

Cli('a failed first prepare leaves no store behind, so later commands say there is none', (ctx) => {
  const fresh = ctx.tmp.file('fresh.db')
  const r = runCli(['prepare', ctx.tmp.file('c.csv', 'uid,pid,event,event_date\n1,2,cart,2022-10-01\n'), '--db', fresh])
  assert.is(r.code, 3)
  assert.not.ok(existsSync(fresh), 'no empty store created')
  const next = runCli(['explore', '--db', fresh])
  assert.is(next.code, 4)
  assert.match(next.stderr, /no recsys store at/)
})

Cli('usage errors are one line with what was wrong (-n 0), and a locked store is named as such', async (ctx) => {
  const zero = runCli(['recommend', '1', '-n', '0', '--db', ctx.db])
  assert.is(zero.code, 2)
  const emptyDb = runCli(['explore', '--db', ''])
  assert.is(emptyDb.code, 2, 'an empty --db would be a temporary database that keeps nothing')
  assert.match(emptyDb.stderr, /--db is empty/)
  assert.match(zero.stderr, /^Error: Parsing --n: Expected an integer greater than or equal to 1 but received: 0\n/)
  assert.is(runCli(['prepare', ctx.tmp.file('good.csv', CSV), '--db', ctx.db]).code, 0)
  const holder = new Database(ctx.db)
  holder.exec('BEGIN IMMEDIATE')
  try {
    const locked = runCli(['prepare', ctx.tmp.file('good2.csv', CSV), '--db', ctx.db, '--json'])
    assert.is(locked.code, 4)
    assert.is(JSON.parse(locked.stdout).error.code, 'STORE_LOCKED')
  } finally {
    holder.exec('ROLLBACK')
    holder.close()
  }
})

Cli('--help lists the commands', () => {
  const r = runCli(['--help'])
  assert.is(r.code, 0)
  assert.match(r.stdout, /prepare/)
  assert.match(r.stdout, /generate/)
})

Cli.run()
