import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {buildEvalSetup, evaluateRanker, globalOrderRanker} from '../../../src/core/evaluation/protocol.js'
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
    eventKey: new Int32Array(spec.length),
    tsMs: Float64Array.from(spec, (_, i) => i * 1000),
    eventNames: ['cart'],
    firstTsMs: 0,
    lastTsMs: 9000,
  }
}

test('setup: truth is known users first interacting after the split; unscorable products counted by reason', () => {
  const setup = buildEvalSetup(tinyDataset(), 0.8)
  assert.is(setup.split.trainRows, 8)
  assert.equal(Array.from(setup.products), [0])
  assert.equal(Array.from(setup.truth.cols), [2])
  assert.equal(setup.counts, {testProducts: 2, newProducts: 0, onlyNewUsers: 1, onlyRepeatUsers: 0, scorable: 1, evaluated: 1})
})

test('a ranker that puts the truth user first scores 1; one that ranks it third scores by hand', () => {
  const setup = buildEvalSetup(tinyDataset(), 0.8)
  // Users 0 and 1 interacted with product 0 before the split, so they are skipped.
  const perfect = evaluateRanker(setup, globalOrderRanker('perfect', Int32Array.from([2, 3, 4, 0, 1])), [1, 2])
  assert.equal(perfect.metrics.map((m) => [m.k, m.precision, m.recall, m.hitRate, m.ndcg]), [
    [1, 1, 1, 1, 1],
    [2, 0.5, 1, 1, 1],
  ])
  const third = evaluateRanker(setup, globalOrderRanker('third', Int32Array.from([0, 3, 4, 2, 1])), [1, 3])
  const at3 = third.metrics[1]
  assert.is(at3.precision, 1 / 3)
  assert.is(at3.recall, 1)
  assert.ok(Math.abs(at3.ndcg - 1 / Math.log2(4)) < 1e-12)
  assert.is(third.metrics[0].hitRate, 0)
})

test('return lift: share of audience users active after the split over the share of all earlier users', () => {
  const setup = buildEvalSetup(tinyDataset(), 0.8)
  const r = evaluateRanker(setup, globalOrderRanker('x', Int32Array.from([2, 3, 4, 0, 1])), [1], 1)
  // Audience {2}: active after. Earlier users 0-4: only user 2 active after → base 1/5.
  assert.equal(r.returnLift, {audienceUsers: 1, audienceActiveAfter: 1, audienceShare: 1, baseShare: 0.2, lift: 5})
})

test.run()
