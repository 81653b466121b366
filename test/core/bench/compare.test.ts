import {writeFileSync} from 'node:fs'

import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {type DuckdbModule, duckdbPrepareSql, loadDuckdb, runDuckdbPrepare} from '../../../src/core/bench/duckdb-prepare.js'
import {RecsysError} from '../../../src/core/errors.js'
import {prepareDataset} from '../../../src/core/ingest/prepare.js'
import {openStore} from '../../../src/core/store/open.js'
import {generateReferenceCsv} from '../../../src/core/synth/generate.js'
import {tempDir} from '../../helpers/tmp.js'

// DuckDB is a dev dependency: without it (a production install) the comparison cannot run.
let duckdb: DuckdbModule | null = null
try {
  duckdb = await loadDuckdb()
} catch {
  console.log('compare.test: @duckdb/node-api is not importable; skipping the DuckDB checks (run npm ci).')
}

test('a missing DuckDB client is a one-line usage error with the fix', async () => {
  try {
    await loadDuckdb(() => import('@duckdb/no-such-package' as string) as Promise<DuckdbModule>)
    assert.unreachable('should have thrown')
  } catch (error) {
    assert.instance(error, RecsysError)
    const e = error as RecsysError
    assert.is(e.code, 'USAGE')
    assert.is(e.exitCode, 2)
    assert.not.match(e.message, /\n/)
    assert.match(e.message, /@duckdb\/node-api/)
    assert.match(e.hint, /npm ci/)
  }
})

test('the input path is quoted as a SQL literal', () => {
  assert.match(duckdbPrepareSql("/tmp/o'brien.csv"), "read_csv('/tmp/o''brien.csv',")
})

test('the DuckDB script keeps what recsys keeps for null ids, bad timestamps and duplicates', async () => {
  if (!duckdb) return
  const tmp = tempDir()
  try {
    // Under 10,000 rows the generator injects no bots, so no recsys-only drop muddles the counts.
    const csv = tmp.file('log.csv')
    let text = ''
    const summary = generateReferenceCsv({rows: 4000, seed: 7}, (chunk) => (text += chunk))
    writeFileSync(csv, text)
    assert.is(summary.injected.botUsers, 0)

    // Text ids: recsys would otherwise drop the non-integer ids, a rule DuckDB's script does not have.
    const db = openStore(tmp.file('store.db'))
    const report = await prepareDataset(db, {source: {kind: 'file', path: csv}, idType: 'text'})
    db.close()
    const {dropped} = report
    assert.ok(dropped.nullUserId > 0 && dropped.nullProductId > 0 && dropped.badTimestamp > 0 && dropped.duplicate > 0, 'the file has every kind of dirt')
    assert.is(dropped.bot + dropped.invalidUserId + dropped.invalidProductId, 0)
    const expected = report.rowsRead - dropped.nullUserId - dropped.nullProductId - dropped.badTimestamp - dropped.duplicate
    assert.is(report.rowsKept, expected)

    const out = tmp.file('out.duckdb')
    const result = await runDuckdbPrepare(duckdb, csv, out)
    assert.is(result.rows, expected)

    // Same users, products and time span, and the table is in time order.
    const instance = await duckdb.DuckDBInstance.create(out, {access_mode: 'READ_ONLY'})
    const connection = await instance.connect()
    try {
      const reader = await connection.runAndReadAll(`
        SELECT count(DISTINCT user_id)::INTEGER, count(DISTINCT product_id)::INTEGER,
               epoch_ms(min(ts))::DOUBLE, epoch_ms(max(ts))::DOUBLE,
               count(*) FILTER (WHERE ts < previous)::INTEGER
        FROM (SELECT user_id, product_id, ts, lag(ts) OVER (ORDER BY rowid) AS previous FROM interactions)`)
      const [users, products, firstMs, lastMs, outOfOrder] = reader.getRows()[0] as number[]
      assert.is(users, report.users)
      assert.is(products, report.products)
      assert.is(firstMs, Date.parse(report.firstEvent!))
      assert.is(lastMs, Date.parse(report.lastEvent!))
      assert.is(outOfOrder, 0)
    } finally {
      connection.closeSync()
      instance.closeSync()
    }
  } finally {
    tmp.cleanup()
  }
})

test.run()
