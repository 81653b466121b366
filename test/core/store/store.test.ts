import {existsSync} from 'node:fs'

import Database from 'better-sqlite3'
import {suite} from 'uvu'
import * as assert from 'uvu/assert'

import {RecsysError} from '../../../src/core/errors.js'
import {readColumn, writeColumn} from '../../../src/core/store/columns.js'
import {checkNotLocked, closeStore, openStore} from '../../../src/core/store/open.js'
import {recordRun, requireDataset, requireFreshRun} from '../../../src/core/store/runs.js'
import {storeFailure} from '../../../src/core/store/failures.js'
import {SCHEMA_VERSION} from '../../../src/core/store/schema.js'
import {tempDir} from '../../helpers/tmp.js'

const Store = suite<{tmp: ReturnType<typeof tempDir>}>('store', {} as never)
Store.before.each((ctx) => {
  ctx.tmp = tempDir()
})
Store.after.each((ctx) => ctx.tmp.cleanup())

function throwsCode(fn: () => unknown, code: string): RecsysError {
  try {
    fn()
  } catch (error) {
    assert.instance(error, RecsysError)
    assert.is((error as RecsysError).code, code)
    return error as RecsysError
  }
  throw new Error(`expected ${code}`)
}

Store('a new store is migrated to the current schema, in WAL mode', (ctx) => {
  const db = openStore(ctx.tmp.file('a.db'))
  assert.is(db.pragma('user_version', {simple: true}), SCHEMA_VERSION)
  assert.is(db.pragma('journal_mode', {simple: true}), 'wal')
  db.close()
})

Store('an older store is migrated forward; a newer one is refused', (ctx) => {
  const path = ctx.tmp.file('old.db')
  const raw = new Database(path)
  raw.pragma('user_version = 0')
  raw.close()
  openStore(path).close()
  const again = new Database(path)
  assert.is(again.pragma('user_version', {simple: true}), SCHEMA_VERSION)
  again.pragma(`user_version = ${SCHEMA_VERSION + 1}`)
  again.close()
  throwsCode(() => openStore(path), 'STORE_VERSION')
})

Store('a missing store is a "run prepare first" error when it must exist', (ctx) => {
  const e = throwsCode(() => openStore(ctx.tmp.file('none.db'), {mustExist: true}), 'MISSING_STAGE')
  assert.match(e.hint, /recsys prepare/)
})

Store('a file that is not SQLite is refused as a damaged store, with the path named', (ctx) => {
  const path = ctx.tmp.file('junk.db', 'this is not a database, just text that is long enough to matter'.repeat(20))
  const e = throwsCode(() => openStore(path), 'STORE_CORRUPT')
  assert.match(e.message, /junk\.db/)
  assert.is(e.exitCode, 4)
})

Store('environmental failures are named: locked, read-only, full; not "a bug"', (ctx) => {
  const path = ctx.tmp.file('w.db')
  const holder = openStore(path)
  holder.exec('BEGIN IMMEDIATE')
  const other = openStore(path)
  other.pragma('busy_timeout = 10')
  throwsCode(() => checkNotLocked(other, path), 'STORE_LOCKED')
  holder.exec('ROLLBACK')
  other.close()
  holder.close()
  assert.is(storeFailure(Object.assign(new Error('x'), {code: 'SQLITE_FULL'}), path)?.code, 'DISK_FULL')
  assert.is(storeFailure(Object.assign(new Error('x'), {code: 'ENOSPC'}), path)?.code, 'DISK_FULL')
  assert.is(storeFailure(Object.assign(new Error('x'), {code: 'SQLITE_READONLY'}), path)?.code, 'STORE_READONLY')
  assert.is(storeFailure(Object.assign(new Error('x'), {code: 'SQLITE_CORRUPT'}), path)?.code, 'STORE_CORRUPT')
  assert.is(storeFailure(new Error('plain'), path), undefined)
})

Store('a store closed by its only writer is left self-contained (no write-ahead log), so a read-only copy opens', (ctx) => {
  const path = ctx.tmp.file('s.db')
  const db = openStore(path)
  db.exec('CREATE TABLE IF NOT EXISTS t (x); INSERT INTO t VALUES (1)')
  closeStore(db)
  assert.not.ok(existsSync(`${path}-wal`))
  const reader = openStore(path, {readonly: true})
  assert.is(reader.pragma('journal_mode', {simple: true}), 'delete')
  reader.close()
})

Store('typed columns round-trip through BLOBs exactly', (ctx) => {
  const db = openStore(ctx.tmp.file('c.db'))
  const ints = Int32Array.from([0, -1, 2_147_483_647, 42])
  const floats = Float64Array.from([Math.PI, -0.5, 1e300, Date.UTC(2022, 9, 1)])
  const f32 = Float32Array.from([1.5, -2.25])
  writeColumn(db, 'x.ints', ints)
  writeColumn(db, 'x.floats', floats)
  writeColumn(db, 'x.f32', f32)
  assert.equal(Array.from(readColumn<Int32Array>(db, 'x.ints')!), Array.from(ints))
  assert.equal(Array.from(readColumn<Float64Array>(db, 'x.floats')!), Array.from(floats))
  assert.instance(readColumn(db, 'x.f32'), Float32Array)
  assert.is(readColumn(db, 'x.none'), undefined)
  db.close()
})

Store('stage runs: missing, fresh, stale after a new dataset or a re-run input', (ctx) => {
  const db = openStore(ctx.tmp.file('r.db'))
  throwsCode(() => requireDataset(db), 'MISSING_STAGE')
  const addDataset = (): number =>
    Number(db.prepare("INSERT INTO datasets (source, prepared_at, rows, users, products, report) VALUES ('t', 'now', 1, 1, 1, '{}')").run().lastInsertRowid)
  const v1 = addDataset()
  throwsCode(() => requireFreshRun(db, 'features'), 'MISSING_STAGE')
  const f1 = recordRun(db, {stage: 'features', datasetVersion: v1, params: {}, startedAtMs: Date.now(), summary: {ok: 1}})
  recordRun(db, {stage: 'train', datasetVersion: v1, params: {}, startedAtMs: Date.now(), summary: {}, inputs: {features: f1}})
  assert.equal(requireFreshRun<{ok: number}>(db, 'features').summary, {ok: 1})
  requireFreshRun(db, 'train')
  // The same parameters on the same data give the same results: not stale.
  recordRun(db, {stage: 'features', datasetVersion: v1, params: {}, startedAtMs: Date.now(), summary: {ok: 2}})
  requireFreshRun(db, 'train')
  recordRun(db, {stage: 'features', datasetVersion: v1, params: {decayDays: 30}, startedAtMs: Date.now(), summary: {ok: 3}})
  const stale = throwsCode(() => requireFreshRun(db, 'train'), 'STALE_STAGE')
  assert.match(stale.message, /`features` ran again/)
  addDataset()
  const staleData = throwsCode(() => requireFreshRun(db, 'features'), 'STALE_STAGE')
  assert.match(staleData.hint, /recsys features/)
  db.close()
})

Store.run()
