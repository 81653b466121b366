import {buildCsr, type Csr, dedupeCsr} from '../matrix/csr.js'
import {bootstrapMeans, difference, type Interval} from '../metrics/bootstrap.js'
import {hitRateAtK, mean, ndcgAtK, precisionAtK, recallAtK} from '../metrics/ranking.js'
import type {Dataset} from '../store/dataset.js'
import {temporalSplit, type TemporalSplit} from '../split/temporal.js'
import {type Rng, sampleWithoutReplacement} from '../util/rng.js'

/**
 * Item-to-user evaluation on a temporal split. For each product seen before the split, rank the
 * users seen before the split (excluding those who already interacted with that product) and
 * compare the top k with the truth: users seen before the split who interact with the product
 * after it, for the first time. Products with no such user cannot be scored and are counted apart.
 */
export interface EvalSetup {
  split: TemporalSplit
  nUsers: number
  nProducts: number
  /** 1 for users with an interaction before the split (the candidates). */
  trainUsers: Uint8Array
  trainUserCount: number
  /** 1 for users with an interaction after the split. */
  testUsers: Uint8Array
  /** Product → distinct users before the split. */
  trainInteractors: Csr
  /** Evaluated products, and their truth users (row i of `truth` belongs to products[i]). */
  products: Int32Array
  truth: Csr
  counts: {
    testProducts: number
    newProducts: number
    onlyNewUsers: number
    onlyRepeatUsers: number
    scorable: number
    evaluated: number
  }
}

/** `sample.products(scorable)` says how many of the scorable products to evaluate (a seeded sample). */
export function buildEvalSetup(data: Dataset, fraction: number, sample?: {products: (scorable: number) => number; rng: Rng}): EvalSetup {
  const {nUsers, nProducts, userKey, productKey} = data
  const split = temporalSplit(data, fraction)
  const n = data.nRows
  const trainUsers = new Uint8Array(nUsers)
  for (let i = 0; i < split.trainRows; i++) trainUsers[userKey[i]] = 1
  const testUsers = new Uint8Array(nUsers)
  for (let i = split.trainRows; i < n; i++) testUsers[userKey[i]] = 1
  let trainUserCount = 0
  for (let u = 0; u < nUsers; u++) trainUserCount += trainUsers[u]
  const trainInteractors = dedupeCsr(buildCsr(productKey, userKey, nProducts, 0, split.trainRows), nUsers)
  const testInteractors = dedupeCsr(buildCsr(productKey, userKey, nProducts, split.trainRows, n), nUsers)

  const stamp = new Int32Array(nUsers).fill(-1)
  const counts = {testProducts: 0, newProducts: 0, onlyNewUsers: 0, onlyRepeatUsers: 0, scorable: 0, evaluated: 0}
  const scorable: number[] = []
  for (let p = 0; p < nProducts; p++) {
    const t0 = testInteractors.offsets[p]
    const t1 = testInteractors.offsets[p + 1]
    if (t0 === t1) continue
    counts.testProducts++
    const r0 = trainInteractors.offsets[p]
    const r1 = trainInteractors.offsets[p + 1]
    if (r0 === r1) {
      counts.newProducts++
      continue
    }
    for (let j = r0; j < r1; j++) stamp[trainInteractors.cols[j]] = p
    let known = 0
    let fresh = 0
    for (let j = t0; j < t1; j++) {
      const u = testInteractors.cols[j]
      if (!trainUsers[u]) continue
      known++
      if (stamp[u] !== p) fresh++
    }
    if (known === 0) counts.onlyNewUsers++
    else if (fresh === 0) counts.onlyRepeatUsers++
    else scorable.push(p)
  }
  counts.scorable = scorable.length
  let products = Int32Array.from(scorable)
  const wanted = sample ? sample.products(products.length) : products.length
  if (sample && wanted < products.length) {
    const pick = sampleWithoutReplacement(products.length, wanted, sample.rng)
    products = Int32Array.from(pick, (i) => products[i]).sort()
  }
  counts.evaluated = products.length

  // Truth rows, in the order of `products`.
  const offsets = new Int32Array(products.length + 1)
  const cols: number[] = []
  for (let i = 0; i < products.length; i++) {
    const p = products[i]
    for (let j = trainInteractors.offsets[p]; j < trainInteractors.offsets[p + 1]; j++) stamp[trainInteractors.cols[j]] = -2 - p
    for (let j = testInteractors.offsets[p]; j < testInteractors.offsets[p + 1]; j++) {
      const u = testInteractors.cols[j]
      if (trainUsers[u] && stamp[u] !== -2 - p) cols.push(u)
    }
    offsets[i + 1] = cols.length
  }
  return {split, nUsers, nProducts, trainUsers, trainUserCount, testUsers, trainInteractors, products, truth: {nRows: products.length, offsets, cols: Int32Array.from(cols)}, counts}
}

/**
 * A way to rank candidate users for a product. `topK` writes up to k users into `out`, best
 * first, never one whose `excluded[u] === tag`, and returns how many it wrote.
 */
export interface Ranker {
  name: string
  topK(product: number, k: number, excluded: Int32Array, tag: number, out: Int32Array): number
}

/** A ranker from one global order of users (engagement, recency, activity): skip the excluded. */
export function globalOrderRanker(name: string, order: Int32Array): Ranker {
  return {
    name,
    topK(_product, k, excluded, tag, out) {
      let w = 0
      for (let i = 0; i < order.length && w < k; i++) {
        const u = order[i]
        if (excluded[u] !== tag) out[w++] = u
      }
      return w
    },
  }
}

/** Uniformly random candidates (seeded), distinct, never excluded ones. */
export function randomRanker(candidates: Int32Array, rng: Rng): Ranker {
  return {
    name: 'random',
    topK(_product, k, excluded, tag, out) {
      let w = 0
      let tries = 0
      while (w < k && tries < k * 50) {
        tries++
        const u = candidates[rng.int(candidates.length)]
        if (excluded[u] === tag) continue
        let seen = false
        for (let j = 0; j < w; j++) if (out[j] === u) seen = true
        if (!seen) out[w++] = u
      }
      return w
    },
  }
}

export interface MetricAtK {
  k: number
  precision: number
  recall: number
  hitRate: number
  ndcg: number
  /** Distinct users recommended across the evaluated products / candidate users. */
  coverage: number
}

export interface RankerEvaluation {
  name: string
  metrics: MetricAtK[]
  /** Per-product values at each k, kept for intervals and paired comparisons. */
  perProduct: Array<{k: number; precision: Float64Array; recall: Float64Array; hitRate: Float64Array; ndcg: Float64Array}>
  returnLift: ReturnLift
  elapsedMs: number
}

export interface ReturnLift {
  /** Distinct users in the evaluated top-k lists (k = liftK). */
  audienceUsers: number
  audienceActiveAfter: number
  audienceShare: number
  /** Share of all candidate users active after the split: what random users give in expectation. */
  baseShare: number
  lift: number
}

export function evaluateRanker(setup: EvalSetup, ranker: Ranker, ks: number[], liftK = 10): RankerEvaluation {
  const started = Date.now()
  const kMax = Math.max(...ks)
  const nEval = setup.products.length
  const excluded = new Int32Array(setup.nUsers).fill(-1)
  const truthStamp = new Int32Array(setup.nUsers).fill(-1)
  const out = new Int32Array(kMax)
  const hitsAt = new Uint8Array(kMax)
  const perProduct = ks.map((k) => ({k, precision: new Float64Array(nEval), recall: new Float64Array(nEval), hitRate: new Float64Array(nEval), ndcg: new Float64Array(nEval)}))
  const seenAtK = ks.map(() => new Uint8Array(setup.nUsers))
  const distinctAtK = ks.map(() => 0)
  const {trainInteractors: ti, truth} = setup
  for (let i = 0; i < nEval; i++) {
    const p = setup.products[i]
    for (let j = ti.offsets[p]; j < ti.offsets[p + 1]; j++) excluded[ti.cols[j]] = p
    for (let j = truth.offsets[i]; j < truth.offsets[i + 1]; j++) truthStamp[truth.cols[j]] = i
    const truthSize = truth.offsets[i + 1] - truth.offsets[i]
    const got = ranker.topK(p, kMax, excluded, p, out)
    hitsAt.fill(0)
    for (let r = 0; r < got; r++) hitsAt[r] = truthStamp[out[r]] === i ? 1 : 0
    for (let x = 0; x < ks.length; x++) {
      const k = ks[x]
      const m = perProduct[x]
      m.precision[i] = precisionAtK(hitsAt, k)
      m.recall[i] = recallAtK(hitsAt, k, truthSize)
      m.hitRate[i] = hitRateAtK(hitsAt, k)
      m.ndcg[i] = ndcgAtK(hitsAt, k, truthSize)
      const seen = seenAtK[x]
      for (let r = 0; r < Math.min(k, got); r++) {
        if (!seen[out[r]]) {
          seen[out[r]] = 1
          distinctAtK[x]++
        }
      }
    }
  }
  const metrics = perProduct.map((m, x) => ({
    k: m.k,
    precision: mean(m.precision),
    recall: mean(m.recall),
    hitRate: mean(m.hitRate),
    ndcg: mean(m.ndcg),
    coverage: setup.trainUserCount > 0 ? distinctAtK[x] / setup.trainUserCount : 0,
  }))
  const liftIndex = Math.max(0, ks.indexOf(liftK))
  return {name: ranker.name, metrics, perProduct, returnLift: returnLift(setup, seenAtK[liftIndex]), elapsedMs: Date.now() - started}
}

function returnLift(setup: EvalSetup, inAudience: Uint8Array): ReturnLift {
  let audienceUsers = 0
  let audienceActiveAfter = 0
  let candidates = 0
  let candidatesActiveAfter = 0
  for (let u = 0; u < setup.nUsers; u++) {
    if (!setup.trainUsers[u]) continue
    candidates++
    candidatesActiveAfter += setup.testUsers[u]
    if (inAudience[u]) {
      audienceUsers++
      audienceActiveAfter += setup.testUsers[u]
    }
  }
  const audienceShare = audienceUsers > 0 ? audienceActiveAfter / audienceUsers : 0
  const baseShare = candidates > 0 ? candidatesActiveAfter / candidates : 0
  return {audienceUsers, audienceActiveAfter, audienceShare, baseShare, lift: baseShare > 0 ? audienceShare / baseShare : 0}
}

/** 95% bootstrap intervals of a metric for several rankers on the same products, plus each minus the first. */
export function compareIntervals(series: Float64Array[], rng: Rng, rounds = 1000): {each: Interval[]; minusFirst: Interval[]} {
  const each = bootstrapMeans(series, rng, rounds)
  const diffs = series.slice(1).map((s) => difference(s, series[0]))
  const minusFirst = diffs.length > 0 ? bootstrapMeans(diffs, rng, rounds) : []
  return {each, minusFirst}
}
