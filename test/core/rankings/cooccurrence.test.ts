import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {resolveEngagementOptions} from '../../../src/core/engagement/score.js'
import {RankScratch, rankTopK} from '../../../src/core/rankings/contract.js'
import {buildSimilarity, fitCooccurrence} from '../../../src/core/rankings/cooccurrence.js'
import {rankingData} from '../../../src/core/rankings/data.js'
import {datasetOf} from '../../helpers/data.js'

// Users' products: u0 {p0, p1}, u1 {p0, p1}, u2 {p1, p2}, u3 {p2}, u4 {p0}.
const data = datasetOf([[0, 0], [0, 1], [1, 0], [1, 1], [2, 1], [2, 2], [3, 2], [4, 0]])
const period = rankingData(data, data.nRows, resolveEngagementOptions())

const close = (a: number, b: number): boolean => Math.abs(a - b) < 1e-6

test('similarity is the cosine of the products’ user sets, kept sparse and symmetric', () => {
  const s = buildSimilarity(period)
  const sim = (i: number, j: number): number => {
    for (let e = s.offsets[i]; e < s.offsets[i + 1]; e++) if (s.cols[e] === j) return s.sim[e]
    return 0
  }
  // p0 and p1 share u0, u1 of 3 users each: 2/√9. p1 and p2 share u2 of 3 and 2: 1/√6. p0, p2 share no one.
  assert.ok(close(sim(0, 1), 2 / 3))
  assert.ok(close(sim(1, 0), 2 / 3))
  assert.ok(close(sim(1, 2), 1 / Math.sqrt(6)))
  assert.is(sim(0, 2), 0)
  assert.equal(Array.from(s.cols.subarray(s.offsets[1], s.offsets[2])), [0, 2], 'neighbours ascending')
  const one = buildSimilarity(period, {neighbors: 1})
  assert.equal(Array.from(one.cols.subarray(one.offsets[1], one.offsets[2])), [0, 2], 'p2 keeps p1 as its one neighbour, so p1 lists p2 too')
})

test('a user scores Σ sim(p, j) over the products j they touched; interactors never; engagement after', () => {
  const model = fitCooccurrence(period)
  const users = new Int32Array(5)
  const scores = new Float64Array(5)
  // p1: u4 touched p0 (2/3), u3 touched p2 (1/√6); u0-u2 interacted with p1.
  let n = model.head(1, 5, users, scores)
  assert.equal(Array.from(users.subarray(0, n)), [4, 3])
  // Scores are over the product's best (2/3), so they lie in (0, 1].
  assert.ok(close(scores[0], 1) && close(scores[1], 1 / Math.sqrt(6) / (2 / 3)))
  // p0: only u2 (through p1); then u3, who has no evidence, from the prior.
  const scratch = new RankScratch(data.nUsers)
  n = rankTopK(model, 0, 5, period.interactors, scratch, users, scores)
  assert.equal(Array.from(users.subarray(0, n)), [2, 3])
  assert.ok(close(scores[0], 1))
  assert.is(scores[1], 0)
  // p2: u0 and u1 tie at 1/√6 (through p1): engagement breaks the tie, then the lower key.
  n = model.head(2, 5, users, scores)
  assert.equal(new Set(users.subarray(0, n)), new Set([0, 1]))
  assert.ok(close(scores[0], scores[1]))
})

test('time decay weighs recent co-occurrences more', () => {
  const decayed = buildSimilarity(period, {decayDays: 1e-5})
  const plain = buildSimilarity(period)
  assert.ok(decayed.sim[decayed.offsets[0]] !== plain.sim[plain.offsets[0]])
})

test.run()
