import {existsSync} from 'node:fs'

import Database from 'better-sqlite3'
import {suite} from 'uvu'
import * as assert from 'uvu/assert'

import {RecsysError} from '../../../src/core/errors.js'
import fc from 'fast-check'

import {ColumnCache, ColumnWriter, readColumn, readColumnRange, writeColumn} from '../../../src/core/store/columns.js'
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

/** The first index where two arrays differ (−0 and 0 differ, NaN equals NaN), or −1. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (!Object.is(a[i], b[i])) return i
  return -1
}

Store('columns round-trip in either chunk form, whole and by range, whatever the values', (ctx) => {
  const db = openStore(ctx.tmp.file('f.db'))
  // Each kind mixes arrays in one narrow range (offset form, widths 1, 2 and 4) with arrays of anything.
  const arrays = (...values: Array<fc.Arbitrary<number>>): fc.Arbitrary<number[]> => fc.oneof(...values.map((v) => fc.array(v, {maxLength: 150, size: 'max'})))
  const kinds = {
    int32: {ctor: Int32Array, values: arrays(fc.integer({min: -5, max: 300}), fc.integer({min: 1000, max: 60_000}), fc.integer({min: -(2 ** 31), max: 2 ** 31 - 1}))},
    uint16: {ctor: Uint16Array, values: arrays(fc.integer({min: 0, max: 200}), fc.integer({min: 0, max: 65_535}))},
    uint32: {ctor: Uint32Array, values: arrays(fc.integer({min: 2 ** 31, max: 2 ** 31 + 1000}), fc.integer({min: 0, max: 2 ** 32 - 1}))},
    float64: {
      ctor: Float64Array,
      values: arrays(
        fc.integer({min: 1_600_000_000_000, max: 1_600_000_100_000}),
        fc.integer({min: -(2 ** 40), max: -(2 ** 40) + 200}),
        fc.oneof(fc.integer({min: 0, max: 100}), fc.double(), fc.constantFrom(-0, 0, 2 ** 53, Number.NaN, Infinity)),
      ),
    },
  } as const
  let n = 0
  for (const [dtype, {ctor, values: arbitrary}] of Object.entries(kinds)) {
    fc.assert(
      fc.property(arbitrary, fc.integer({min: 1, max: 70}), fc.nat(), fc.nat(), (values, chunkLength, x, y) => {
        const array = (ctor as unknown as {from(v: number[]): Int32Array}).from(values)
        const name = `t.${dtype}.${n++}`
        writeColumn(db, name, array, chunkLength)
        const writer = new ColumnWriter(db, `${name}.w`, ctor as unknown as Int32ArrayConstructor, chunkLength)
        writer.pushAll(array)
        writer.finish()
        const same = (got: ArrayLike<number> | undefined, want: ArrayLike<number>): void => {
          assert.ok(got)
          assert.is(got!.constructor, ctor)
          assert.is(got!.length, want.length)
          assert.is(firstDifference(got!, want), -1)
        }
        same(readColumn(db, name), array)
        same(readColumn(db, `${name}.w`), array)
        const from = values.length ? x % values.length : 0
        const to = from + (values.length ? y % (values.length - from + 1) : 0)
        same(readColumnRange(db, name, from, to), array.subarray(from, to))
        if (to > from) assert.equal(new ColumnCache(db, 2).at(name, from), array[from])
      }),
      {numRuns: 60, seed: 7, endOnFailure: true},
    )
  }
  db.close()
})

Store('time-sorted timestamps, small keys and counts take the offset form: a half to a quarter of their raw bytes', (ctx) => {
  const db = openStore(ctx.tmp.file('o.db'))
  const n = 200_000
  const ts = new Float64Array(n)
  const counts = new Int32Array(n)
  const wide = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    ts[i] = Date.UTC(2024, 0, 1) + i * 1000 + (i % 7)
    counts[i] = 1 + (i % 13)
    wide[i] = (i * 2_654_435_761) | 0
  }
  writeColumn(db, 'o.ts', ts)
  writeColumn(db, 'o.counts', counts)
  writeColumn(db, 'o.wide', wide)
  const stored = (name: string): number => db.prepare('SELECT sum(length(data)) FROM column_chunks WHERE name = ?').pluck().get(name) as number
  assert.ok(stored('o.ts') < n * 4.01, `timestamps ${stored('o.ts')} bytes`)
  assert.ok(stored('o.counts') < n * 1.01, `counts ${stored('o.counts')} bytes`)
  assert.is(stored('o.wide'), n * 4)
  assert.is(firstDifference(readColumn(db, 'o.ts')!, ts), -1)
  assert.is(firstDifference(readColumn(db, 'o.counts')!, counts), -1)
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
