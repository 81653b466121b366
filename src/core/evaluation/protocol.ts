import {buildCsr, type Csr, dedupeCsr, type PairCsr} from '../matrix/csr.js'
import {bootstrapMeans, difference, type Interval} from '../metrics/bootstrap.js'
import {hitRateAtK, mean, ndcgAtK, precisionAtK, recallAtK} from '../metrics/ranking.js'
import {type RankingModel, RankScratch, rankTopK} from '../rankings/contract.js'
import type {Dataset} from '../store/dataset.js'
import {temporalSplit, type TemporalSplit} from '../split/temporal.js'
import {type Rng, sampleWithoutReplacement} from '../util/rng.js'

/**
 * Item-to-user evaluation on a temporal split. For each product seen before the split, rank the
 * users seen before the split (excluding those who already interacted with that product) and
 * compare the top k with the truth: users seen before the split who interact with the product
 * after it, for the first time. Products with no such user cannot be scored and are counted apart.
 * Products *new* after the split (no interaction before it) are scored separately, on the same
 * kind of truth: users seen before the split who touch them after it.
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
  /** Evaluated products, and their truth users (row i of `truth` belongs to products[i]). */
  products: Int32Array
  truth: Csr
  /** Products new after the split with at least one truth user, and their truth. */
  newProducts: Int32Array
  newTruth: Csr
  counts: {
    testProducts: number
    newProducts: number
    onlyNewUsers: number
    onlyRepeatUsers: number
    scorable: number
    evaluated: number
    newScorable: number
  }
}

export interface SetupOptions {
  /** Treat only rows [0, rows) as the data (a validation split inside a training period). */
  rows?: number
  /** How many of the scorable products to evaluate (a seeded sample). */
  sample?: {products: (scorable: number) => number; rng: Rng}
}

export function buildEvalSetup(data: Pick<Dataset, 'nUsers' | 'nProducts' | 'userKey' | 'productKey' | 'tsMs' | 'nRows'>, fraction: number, options: SetupOptions = {}): EvalSetup {
  const {nUsers, nProducts, userKey, productKey} = data
  const n = options.rows ?? data.nRows
  const split = temporalSplit({tsMs: data.tsMs, nRows: n}, fraction)
  const trainUsers = new Uint8Array(nUsers)
  for (let i = 0; i < split.trainRows; i++) trainUsers[userKey[i]] = 1
  const testUsers = new Uint8Array(nUsers)
  for (let i = split.trainRows; i < n; i++) testUsers[userKey[i]] = 1
  let trainUserCount = 0
  for (let u = 0; u < nUsers; u++) trainUserCount += trainUsers[u]
  const trainInteractors = dedupeCsr(buildCsr(productKey, userKey, nProducts, 0, split.trainRows), nUsers)
  const testInteractors = dedupeCsr(buildCsr(productKey, userKey, nProducts, split.trainRows, n), nUsers)

  const stamp = new Int32Array(nUsers).fill(-1)
  const counts = {testProducts: 0, newProducts: 0, onlyNewUsers: 0, onlyRepeatUsers: 0, scorable: 0, evaluated: 0, newScorable: 0}
  const scorable: number[] = []
  const fresh: number[] = []
  for (let p = 0; p < nProducts; p++) {
    const t0 = testInteractors.offsets[p]
    const t1 = testInteractors.offsets[p + 1]
    if (t0 === t1) continue
    counts.testProducts++
    const r0 = trainInteractors.offsets[p]
    const r1 = trainInteractors.offsets[p + 1]
    if (r0 === r1) {
      counts.newProducts++
      let known = 0
      for (let j = t0; j < t1; j++) known += trainUsers[testInteractors.cols[j]]
      if (known > 0) fresh.push(p)
      continue
    }
    for (let j = r0; j < r1; j++) stamp[trainInteractors.cols[j]] = p
    let known = 0
    let first = 0
    for (let j = t0; j < t1; j++) {
      const u = testInteractors.cols[j]
      if (!trainUsers[u]) continue
      known++
      if (stamp[u] !== p) first++
    }
    if (known === 0) counts.onlyNewUsers++
    else if (first === 0) counts.onlyRepeatUsers++
    else scorable.push(p)
  }
  counts.scorable = scorable.length
  counts.newScorable = fresh.length
  // A seeded sample, when asked, of the scorable products and (as many) of the new ones.
  const sampled = (list: number[]): Int32Array => {
    const all = Int32Array.from(list)
    const wanted = options.sample ? options.sample.products(all.length) : all.length
    if (!options.sample || wanted >= all.length) return all
    const pick = sampleWithoutReplacement(all.length, wanted, options.sample.rng)
    return Int32Array.from(pick, (i) => all[i]).sort()
  }
  const products = sampled(scorable)
  counts.evaluated = products.length

  const truthOf = (list: Int32Array): Csr => {
    const offsets = new Int32Array(list.length + 1)
    const cols: number[] = []
    for (let i = 0; i < list.length; i++) {
      const p = list[i]
      for (let j = trainInteractors.offsets[p]; j < trainInteractors.offsets[p + 1]; j++) stamp[trainInteractors.cols[j]] = -2 - p
      for (let j = testInteractors.offsets[p]; j < testInteractors.offsets[p + 1]; j++) {
        const u = testInteractors.cols[j]
        if (trainUsers[u] && stamp[u] !== -2 - p) cols.push(u)
      }
      offsets[i + 1] = cols.length
    }
    return {nRows: list.length, offsets, cols: Int32Array.from(cols)}
  }
  const newProducts = sampled(fresh)
  return {split, nUsers, nProducts, trainUsers, trainUserCount, testUsers, products, truth: truthOf(products), newProducts, newTruth: truthOf(newProducts), counts}
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

export type MetricName = 'precision' | 'recall' | 'hitRate' | 'ndcg'
export const METRICS: readonly MetricName[] = ['precision', 'recall', 'hitRate', 'ndcg']

export interface RankerEvaluation {
  name: string
  metrics: MetricAtK[]
  /** Per-product values at each k, kept for intervals and paired comparisons. */
  perProduct: Array<{k: number} & Record<MetricName, Float64Array>>
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

/**
 * Ranks every listed product with `model` (fit on the period before the split) through the same
 * merge that ships audiences (`rankTopK`), excluding each product's interactors before the split,
 * and scores the top k against the truth.
 */
export function evaluateModel(
  setup: EvalSetup,
  model: RankingModel,
  interactors: PairCsr,
  ks: number[],
  options: {products?: Int32Array; truth?: Csr; liftK?: number} = {},
): RankerEvaluation {
  const started = Date.now()
  const products = options.products ?? setup.products
  const truth = options.truth ?? setup.truth
  const kMax = Math.max(...ks)
  const nEval = products.length
  const truthStamp = new Int32Array(setup.nUsers).fill(-1)
  const scratch = new RankScratch(setup.nUsers, kMax)
  const out = new Int32Array(kMax)
  const outScores = new Float64Array(kMax)
  const hitsAt = new Uint8Array(kMax)
  const perProduct = ks.map((k) => ({k, precision: new Float64Array(nEval), recall: new Float64Array(nEval), hitRate: new Float64Array(nEval), ndcg: new Float64Array(nEval)}))
  const seenAtK = ks.map(() => new Uint8Array(setup.nUsers))
  const distinctAtK = ks.map(() => 0)
  for (let i = 0; i < nEval; i++) {
    const p = products[i]
    for (let j = truth.offsets[i]; j < truth.offsets[i + 1]; j++) truthStamp[truth.cols[j]] = i
    const truthSize = truth.offsets[i + 1] - truth.offsets[i]
    const got = rankTopK(model, p, kMax, interactors, scratch, out, outScores)
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
  const liftIndex = Math.max(0, ks.indexOf(options.liftK ?? 10))
  return {name: model.name, metrics, perProduct, returnLift: returnLift(setup, seenAtK[liftIndex]), elapsedMs: Date.now() - started}
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

/** A ranking's metrics at one k, each with its 95% bootstrap interval over the evaluated products. */
export interface RankerIntervals {
  name: string
  precision: Interval
  recall: Interval
  ndcg: Interval
  hitRate: Interval
}

/** Marginal intervals of every metric at `k` for rankings measured on the same products (paired resampling). */
export function intervalsAt(evaluations: RankerEvaluation[], k: number, rng: () => Rng, rounds = 1000): RankerIntervals[] {
  const at = (e: RankerEvaluation) => e.perProduct.find((m) => m.k === k)!
  const byMetric = Object.fromEntries(METRICS.map((m) => [m, bootstrapMeans(evaluations.map((e) => at(e)[m]), rng(), rounds)])) as Record<MetricName, Interval[]>
  return evaluations.map((e, i) => ({name: e.name, precision: byMetric.precision[i], recall: byMetric.recall[i], ndcg: byMetric.ndcg[i], hitRate: byMetric.hitRate[i]}))
}

/** The 95% paired bootstrap interval of mean(a − b) over the same products. */
export function pairedDifference(a: Float64Array, b: Float64Array, rng: Rng, rounds = 1000): Interval {
  return bootstrapMeans([difference(a, b)], rng, rounds)[0]
}
