import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {buildEvalSetup, evaluateModel} from '../../../src/core/evaluation/protocol.js'
import {pairCsr} from '../../../src/core/matrix/csr.js'
import type {RankingModel} from '../../../src/core/rankings/contract.js'
import type {Dataset} from '../../../src/core/store/dataset.js'

/** Ten rows; the split at 0.8 puts rows 0-7 before it. */
function tinyDataset(): Dataset {
  //            user product  (time = row index)
  const spec = [
    [0, 0], [1, 0], [2, 1], [3, 1], [0, 2], [4, 3], [1, 1], [2, 3], // train
    [2, 0], [5, 1], // test: user 2 first takes product 0 (truth); user 5 is new
  ]
  return {
    version: 1,
    nRows: spec.length,
    nUsers: 6,
    nProducts: 4,
    userKey: Int32Array.from(spec, (r) => r[0]),
    productKey: Int32Array.from(spec, (r) => r[1]),
    eventKey: new Uint16Array(spec.length),
    tsMs: Float64Array.from(spec, (_, i) => i * 1000),
    eventNames: ['cart'],
    firstTsMs: 0,
    lastTsMs: 9000,
  }
}

/** A ranking by one fixed order of users. */
function fixedOrder(name: string, order: number[]): RankingModel {
  return {name: name as RankingModel['name'], head: () => 0, prior: Int32Array.from(order), priorScore: () => 0, interleave: false, reasons: {head: '', prior: ''}}
}

function evaluate(order: number[], ks: number[], liftK?: number) {
  const data = tinyDataset()
  const setup = buildEvalSetup(data, 0.8)
  const interactors = pairCsr(data.productKey, data.userKey, data.nProducts, data.nUsers, 0, setup.split.trainRows)
  return evaluateModel(setup, fixedOrder('x', order), interactors, ks, {liftK})
}

test('setup: truth is known users first interacting after the split; unscorable products counted by reason', () => {
  const setup = buildEvalSetup(tinyDataset(), 0.8)
  assert.is(setup.split.trainRows, 8)
  assert.equal(Array.from(setup.products), [0])
  assert.equal(Array.from(setup.truth.cols), [2])
  assert.equal(setup.counts, {testProducts: 2, newProducts: 0, onlyNewUsers: 1, onlyRepeatUsers: 0, scorable: 1, evaluated: 1, newScorable: 0})
})

test('a ranker that puts the truth user first scores 1; one that ranks it third scores by hand', () => {
  // Users 0 and 1 interacted with product 0 before the split, so they are skipped.
  const perfect = evaluate([2, 3, 4, 0, 1], [1, 2])
  assert.equal(perfect.metrics.map((m) => [m.k, m.precision, m.recall, m.hitRate, m.ndcg]), [
    [1, 1, 1, 1, 1],
    [2, 0.5, 1, 1, 1],
  ])
  const third = evaluate([0, 3, 4, 2, 1], [1, 3])
  const at3 = third.metrics[1]
  assert.is(at3.precision, 1 / 3)
  assert.is(at3.recall, 1)
  assert.ok(Math.abs(at3.ndcg - 1 / Math.log2(4)) < 1e-12)
  assert.is(third.metrics[0].hitRate, 0)
})

test('return lift: share of audience users active after the split over the share of all earlier users', () => {
  const r = evaluate([2, 3, 4, 0, 1], [1], 1)
  // Audience {2}: active after. Earlier users 0-4: only user 2 active after → base 1/5.
  assert.equal(r.returnLift, {audienceUsers: 1, audienceActiveAfter: 1, audienceShare: 1, baseShare: 0.2, lift: 5})
})

test('new products are scored apart: known users who touch a product first seen after the split', () => {
  const data = tinyDataset()
  // One more test row: user 3 (seen before the split) touches product 4, which is new.
  const extended: Dataset = {...data, nRows: 11, nProducts: 5, userKey: Int32Array.from([...data.userKey, 3]), productKey: Int32Array.from([...data.productKey, 4]), eventKey: new Uint16Array(11), tsMs: Float64Array.from({length: 11}, (_, i) => i * 1000)}
  const setup = buildEvalSetup(extended, 0.8)
  assert.equal(Array.from(setup.newProducts), [4])
  assert.equal(Array.from(setup.newTruth.cols), [3])
  assert.is(setup.counts.newScorable, 1)
})

test.run()
