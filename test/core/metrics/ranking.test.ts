import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {bootstrapMeans} from '../../../src/core/metrics/bootstrap.js'
import {hitRateAtK, ndcgAtK, precisionAtK, recallAtK} from '../../../src/core/metrics/ranking.js'
import {createRng} from '../../../src/core/util/rng.js'

const hits = Uint8Array.from([0, 1, 0, 1, 0])
const close = (a: number, b: number): boolean => Math.abs(a - b) < 1e-12

test('precision, recall and hit rate at k, by hand', () => {
  assert.is(precisionAtK(hits, 5), 2 / 5)
  assert.is(precisionAtK(hits, 2), 1 / 2)
  assert.is(recallAtK(hits, 5, 4), 2 / 4)
  assert.is(recallAtK(hits, 1, 4), 0)
  assert.is(hitRateAtK(hits, 1), 0)
  assert.is(hitRateAtK(hits, 2), 1)
})

test('NDCG at k, by hand', () => {
  // Hits at ranks 2 and 4: DCG = 1/log2(3) + 1/log2(5); ideal with 3 truth users at k=5: 1 + 1/log2(3) + 1/2.
  const dcg = 1 / Math.log2(3) + 1 / Math.log2(5)
  assert.ok(close(ndcgAtK(hits, 5, 3), dcg / (1 + 1 / Math.log2(3) + 0.5)))
  assert.is(ndcgAtK(Uint8Array.from([1, 1]), 2, 2), 1)
  assert.is(ndcgAtK(hits, 5, 0), 0)
})

test('bootstrap interval contains the mean, is seeded, and narrows with more data', () => {
  const values = Float64Array.from({length: 200}, (_, i) => (i % 10 === 0 ? 1 : 0))
  const [a] = bootstrapMeans([values], createRng(1), 500)
  const [b] = bootstrapMeans([values], createRng(1), 500)
  assert.equal(a, b)
  assert.ok(a.low <= a.mean && a.mean <= a.high)
  assert.ok(close(a.mean, 0.1))
  const many = Float64Array.from({length: 5000}, (_, i) => (i % 10 === 0 ? 1 : 0))
  const [c] = bootstrapMeans([many], createRng(1), 500)
  assert.ok(c.high - c.low < a.high - a.low)
})

test.run()
