import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {confidenceMatrices, trainAls} from '../../../src/core/als/als.js'
import {_gram, _scoreUsers} from '../../../src/core/als/kernel.js'
import {createRng} from '../../../src/core/util/rng.js'

/**
 * A planted checkerboard: 4 user groups × 4 product groups of 10 products; each user takes 6
 * products of its own group (and one random stray). Held out: for each user, one more in-group
 * product they never took; ALS should rank in-group users far above others.
 */
function checkerboard(seed: number) {
  const rng = createRng(seed)
  const G = 4
  const usersPerGroup = 30
  const perGroup = 10
  const rows: number[] = []
  const cols: number[] = []
  for (let u = 0; u < G * usersPerGroup; u++) {
    const g = u % G
    const taken = new Set<number>()
    while (taken.size < 6) taken.add(g * perGroup + rng.int(perGroup))
    for (const p of taken) {
      rows.push(u)
      cols.push(p)
    }
    rows.push(u)
    cols.push(rng.int(G * perGroup))
  }
  const m = confidenceMatrices(Int32Array.from(rows), Int32Array.from(cols), new Float64Array(rows.length).fill(1), G * usersPerGroup, G * perGroup, 2, false)
  return {...m, G, nUsers: G * usersPerGroup, nItems: G * perGroup, perGroup}
}

test('planted structure: in-group users score far above out-of-group users for every product', async () => {
  const d = checkerboard(1)
  const model = await trainAls(d.users, d.items, {factors: 8, iterations: 15, regularization: 0.1, seed: 3})
  const scores = new Float64Array(d.nUsers)
  const all = Int32Array.from({length: d.nUsers}, (_, u) => u)
  let inGroupHits = 0
  let lists = 0
  for (let p = 0; p < d.nItems; p++) {
    _scoreUsers(model.X, model.Y, 8, p, all, scores)
    const top10 = Array.from(all).sort((a, b) => scores[b] - scores[a]).slice(0, 10)
    inGroupHits += top10.filter((u) => u % d.G === Math.floor(p / d.perGroup)).length
    lists++
  }
  const precision = inGroupHits / (lists * 10)
  // Random users would be in-group 25% of the time.
  assert.ok(precision > 0.9, `in-group precision@10 ${precision}`)
})

test('the training loss never rises across iterations, for CG and for the exact solver', async () => {
  const d = checkerboard(2)
  for (const solver of ['cg', 'cholesky'] as const) {
    const model = await trainAls(d.users, d.items, {factors: 6, iterations: 12, regularization: 0.05, seed: 1, solver, lossEvery: 1})
    for (let i = 1; i < model.losses.length; i++) {
      assert.ok(model.losses[i].loss <= model.losses[i - 1].loss * (1 + 1e-12), `${solver}: loss rose at iteration ${i + 1}: ${model.losses[i - 1].loss} → ${model.losses[i].loss}`)
    }
  }
})

test('CG agrees with the Cholesky solver', async () => {
  const d = checkerboard(3)
  const exact = await trainAls(d.users, d.items, {factors: 6, iterations: 25, regularization: 0.05, seed: 5, solver: 'cholesky', lossEvery: 25})
  const cg = await trainAls(d.users, d.items, {factors: 6, iterations: 25, regularization: 0.05, seed: 5, solver: 'cg', cgSteps: 6, lossEvery: 25})
  const lossGap = Math.abs(cg.losses[0].loss - exact.losses[0].loss) / exact.losses[0].loss
  assert.ok(lossGap < 1e-3, `final loss differs by ${lossGap}`)
  // Predictions (not factors, which are defined up to rotation) agree.
  let maxDiff = 0
  for (let u = 0; u < d.nUsers; u++) {
    for (let p = 0; p < d.nItems; p++) {
      let a = 0
      let b = 0
      for (let x = 0; x < 6; x++) {
        a += exact.X[u * 6 + x] * exact.Y[p * 6 + x]
        b += cg.X[u * 6 + x] * cg.Y[p * 6 + x]
      }
      maxDiff = Math.max(maxDiff, Math.abs(a - b))
    }
  }
  assert.ok(maxDiff < 0.02, `largest prediction difference ${maxDiff}`)
})

test('one CG half-step from the same start equals the exact solve once CG has f steps', async () => {
  const d = checkerboard(4)
  const a = await trainAls(d.users, d.items, {factors: 5, iterations: 1, regularization: 0.1, seed: 9, solver: 'cholesky'})
  const b = await trainAls(d.users, d.items, {factors: 5, iterations: 1, regularization: 0.1, seed: 9, solver: 'cg', cgSteps: 5})
  let maxDiff = 0
  for (let i = 0; i < a.X.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a.X[i] - b.X[i]))
  assert.ok(maxDiff < 1e-6, `user factors differ by ${maxDiff}`)
})

test('the same seed gives the same factors; another seed other factors', async () => {
  const d = checkerboard(5)
  const a = await trainAls(d.users, d.items, {factors: 4, iterations: 3, seed: 7})
  const b = await trainAls(d.users, d.items, {factors: 4, iterations: 3, seed: 7})
  const c = await trainAls(d.users, d.items, {factors: 4, iterations: 3, seed: 8})
  assert.equal(Array.from(a.X), Array.from(b.X))
  assert.not.equal(Array.from(a.Y), Array.from(c.Y))
})

test('gram matrix and confidence matrices, by hand', async () => {
  const Y = Float64Array.from([1, 2, 3, 4])
  assert.equal(Array.from(_gram(Y, 2, 2)), [10, 14, 14, 20])
  const m = confidenceMatrices(Int32Array.from([0, 0, 1]), Int32Array.from([1, 1, 0]), Float64Array.from([5, 3, 1]), 2, 2, 2, false)
  assert.is(m.nnz, 2, 'repeated pairs sum into one entry')
  assert.equal(Array.from(m.users.conf), [16, 2], 'c − 1 = α·r with r = 5 + 3')
  assert.equal(Array.from(m.items.cols), [1, 0])
  const binary = confidenceMatrices(Int32Array.from([0, 0]), Int32Array.from([1, 1]), Float64Array.from([5, 3]), 1, 2, 2, true)
  assert.equal(Array.from(binary.users.conf), [2])
})

test.run()
