import {writeFileSync} from 'node:fs'

import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {prepareDataset} from '../../../src/core/ingest/prepare.js'
import {explore} from '../../../src/core/stats/explore.js'
import {loadDataset} from '../../../src/core/store/dataset.js'
import {openStore} from '../../../src/core/store/open.js'
import {generateReferenceCsv} from '../../../src/core/synth/generate.js'
import {REFERENCE} from '../../../src/core/synth/targets.js'
import {tempDir} from '../../helpers/tmp.js'

test('split shares, one-time users and sparsity on a hand-made log', () => {
  const D = 86_400_000
  // 10 rows, split at row 8. Before: users 0-3; products 0-2. After: user 0 (returning) and new
  // user 4; product 2 and new product 3.
  const spec = [
    [0, 0], [1, 0], [2, 1], [3, 1], [0, 2], [1, 1], [2, 1], [3, 2],
    [0, 2], [4, 3],
  ]
  const data = {
    version: 1,
    nRows: 10,
    nUsers: 5,
    nProducts: 4,
    userKey: Int32Array.from(spec, (r) => r[0]),
    productKey: Int32Array.from(spec, (r) => r[1]),
    eventKey: Uint16Array.from(spec, (_, i) => i % 2),
    tsMs: Float64Array.from(spec, (_, i) => Date.UTC(2023, 0, 1) + i * D * 5),
    eventNames: ['cart', 'purchased'],
    firstTsMs: 0,
    lastTsMs: 0,
  }
  const r = explore(data)
  assert.is(r.split.earlyUsers, 4)
  assert.is(r.split.returningUsers, 1)
  assert.is(r.split.retention, 0.25)
  assert.is(r.split.lateProducts, 2)
  assert.is(r.split.newProductShare, 0.5)
  assert.is(r.totals.userProductPairs, 8)
  assert.ok(Math.abs(r.totals.sparsity - (1 - 8 / 20)) < 1e-12)
  assert.is(r.users.oneTimeShare, 0.2)
  assert.is(r.events[0].count, 5)
  assert.equal(r.cohorts[0].month, '2023-01')
  // Retention 25% ≥ 10%, one-time 20% ≤ 80%, new products 50% (not above 50%): nothing blocks.
  assert.equal(r.verdict.reasons.map((x) => x.blocks), [false, false, false])
  assert.is(r.verdict.cfViable, true)
  const strict = explore(data, {maxNewProductShare: 0.4})
  assert.is(strict.verdict.cfViable, false)
  assert.match(strict.verdict.summary, /too many products are new after the split/)
})

test('generated data at 100,000 rows lands within ±2 points of the reference shares', async () => {
  const tmp = tempDir()
  try {
    const parts: string[] = []
    generateReferenceCsv({rows: 100_000, seed: 3}, (c) => parts.push(c))
    const path = tmp.file('g.csv')
    writeFileSync(path, parts.join(''))
    const db = openStore(tmp.file('s.db'))
    await prepareDataset(db, {source: {kind: 'file', path}})
    const r = explore(loadDataset(db))
    db.close()
    const near = (actual: number, expected: number, what: string): void =>
      assert.ok(Math.abs(actual - expected) <= 0.02, `${what}: ${(actual * 100).toFixed(2)}% vs ${(expected * 100).toFixed(2)}%`)
    near(r.users.oneTimeShare, REFERENCE.oneTimeUserShare, 'one-time users')
    near(r.split.retention, REFERENCE.retention, 'retention')
    near(r.split.newProductShare, REFERENCE.newProductShare, 'new products')
    for (const [event, share] of REFERENCE.eventMix) near(r.events.find((e) => e.event === event)?.share ?? 0, share, event)
    near(r.totals.users / 100_000, REFERENCE.usersPerRow, 'users per row')
    near(r.totals.products / 100_000, REFERENCE.productsPerRow, 'products per row')
    assert.is(r.dateRange.first.slice(0, 7), '2022-10')
    assert.is(r.dateRange.last.slice(0, 7), '2023-03')
  } finally {
    tmp.cleanup()
  }
})

test.run()
