import {type AlsOptions, confidenceMatrices, trainAls} from '../als/als.js'
import {_scoreUsers} from '../als/kernel.js'
import {computeFeatures, rankUsers, resolveEngagementOptions, type ResolvedEngagementOptions} from '../engagement/score.js'
import {RecsysError} from '../errors.js'
import {buildEvalSetup, evaluateRanker, globalOrderRanker, randomRanker, type Ranker, type RankerEvaluation} from '../evaluation/protocol.js'
import {bootstrapMeans, difference, type Interval} from '../metrics/bootstrap.js'
import {loadDataset} from '../store/dataset.js'
import type {Db} from '../store/open.js'
import {latestRun, recordRun} from '../store/runs.js'
import {createRng} from '../util/rng.js'

export interface CfAttemptOptions extends AlsOptions {
  alpha?: number
  binary?: boolean
  k?: number
  split?: number
  /** Evaluate a seeded sample of this many products (default: all scorable ones). */
  evalProducts?: number
  bootstrapRounds?: number
  onProgress?: (text: string) => void
}

export interface RankerResult {
  name: string
  precision: Interval
  recall: Interval
  hitRate: Interval
  ndcg: Interval
}

export interface CfReport {
  datasetVersion: number
  config: {factors: number; iterations: number; regularization: number; alpha: number; binary: boolean; solver: string; cgSteps: number; weightedRegularization: boolean; seed: number; k: number; split: number; eventWeightsFrom: string}
  data: {trainInteractions: number; users: number; products: number; nonZeros: number; density: number}
  training: {elapsedMs: number; medianIterationMs: number; threads: number; losses: Array<{iteration: number; loss: number}>}
  evaluation: {
    elapsedMs: number
    k: number
    products: {testProducts: number; newProducts: number; onlyNewUsers: number; onlyRepeatUsers: number; scorable: number; evaluated: number; sampled: boolean}
    rankers: RankerResult[]
    alsMinusRandom: {precision: Interval; ndcg: Interval}
  }
  verdict: {viable: boolean; useRanking: string; summary: string; reasons: string[]}
  elapsedMs: number
}

/** Simplest first: when intervals overlap, the simpler ranking is the one to use. */
const SIMPLICITY = ['most-recent', 'most-active', 'engagement', 'als']

/**
 * ALS as a ranker: score every candidate user for the product (a dense x_u·y_p pass over users in
 * key order) and keep the best k not excluded, ties to the lower user key.
 */
function alsRanker(X: Float64Array, Y: Float64Array, f: number, candidates: Int32Array): Ranker {
  const scores = new Float64Array(candidates.length)
  const top = new Float64Array(64)
  return {
    name: 'als',
    topK(product, k, excluded, tag, out) {
      _scoreUsers(X, Y, f, product, candidates, scores)
      let size = 0
      for (let j = 0; j < candidates.length; j++) {
        const s = scores[j]
        if (size === k && s <= top[k - 1]) continue
        const u = candidates[j]
        if (excluded[u] === tag) continue
        let pos = size < k ? size : k - 1
        while (pos > 0 && top[pos - 1] < s) {
          top[pos] = top[pos - 1]
          out[pos] = out[pos - 1]
          pos--
        }
        top[pos] = s
        out[pos] = u
        if (size < k) size++
      }
      return size
    },
  }
}

const overlaps = (a: Interval, b: Interval): boolean => a.low <= b.high && b.low <= a.high

/** "3.21×", or what a zero baseline means, without dividing by zero. */
function ratioText(value: number, baseline: number): string {
  if (baseline > 0) return `${(value / baseline).toFixed(2)}×`
  return value > 0 ? 'random found none, ALS some' : 'both found none'
}

/**
 * `recsys cf-attempt`: can collaborative filtering rank the right users for a product here?
 * Trains implicit ALS on the interactions before the split and evaluates it item-to-user on the
 * rest, beside random, most-active, most-recent and engagement rankings on the same products.
 */
export async function runCfAttempt(db: Db, options: CfAttemptOptions = {}): Promise<CfReport> {
  const started = Date.now()
  const k = options.k ?? 10
  const seed = options.seed ?? 42
  const fraction = options.split ?? 0.8
  const alpha = options.alpha ?? 1
  const binary = options.binary ?? false
  if (!Number.isInteger(k) || k < 1 || k > 64) throw new RecsysError('USAGE', `--k must be an integer from 1 to 64 (got ${k})`, 'Pass e.g. --k 10.')
  if (!(alpha >= 0)) throw new RecsysError('USAGE', `--alpha must be non-negative (got ${alpha})`, 'Pass e.g. --alpha 1.')
  const data = loadDataset(db)
  const featuresRun = latestRun<unknown>(db, 'features')
  const engagementParams: ResolvedEngagementOptions =
    featuresRun && featuresRun.datasetVersion === data.version ? (featuresRun.params as unknown as ResolvedEngagementOptions) : resolveEngagementOptions()
  const evalProducts = options.evalProducts
  const setup = buildEvalSetup(data, fraction, evalProducts === undefined ? undefined : {products: () => evalProducts, rng: createRng(seed + 7)})
  const sampled = setup.counts.evaluated < setup.counts.scorable
  const {trainRows} = setup.split

  // The confidence matrix of the period before the split: r = summed event weights of each pair.
  const eventWeight = Float64Array.from(data.eventNames, (e) => engagementParams.eventWeights[e] ?? engagementParams.otherEventWeight)
  const weights = new Float64Array(trainRows)
  for (let i = 0; i < trainRows; i++) weights[i] = eventWeight[data.eventKey[i]]
  const {users, items, nnz} = confidenceMatrices(data.userKey.subarray(0, trainRows), data.productKey.subarray(0, trainRows), weights, data.nUsers, data.nProducts, alpha, binary)
  let trainProducts = 0
  for (let p = 0; p < data.nProducts; p++) if (items.offsets[p + 1] > items.offsets[p]) trainProducts++

  options.onProgress?.('cf-attempt: training ALS')
  const tTrain = Date.now()
  const model = await trainAls(users, items, {...options, seed})
  const trainingMs = Date.now() - tTrain
  const f = model.factors

  options.onProgress?.(`cf-attempt: evaluating ${setup.products.length} products`)
  const tEval = Date.now()
  const candidates = rankUsers(new Float64Array(data.nUsers), setup.trainUsers)
  const activity = new Float64Array(data.nUsers)
  const lastSeen = new Float64Array(data.nUsers)
  for (let i = 0; i < trainRows; i++) {
    activity[data.userKey[i]]++
    lastSeen[data.userKey[i]] = data.tsMs[i]
  }
  const rankers: Ranker[] = [
    alsRanker(model.X, model.Y, f, candidates),
    randomRanker(candidates, createRng(seed + 3)),
    globalOrderRanker('most-active', rankUsers(activity, setup.trainUsers)),
    globalOrderRanker('most-recent', rankUsers(lastSeen, setup.trainUsers)),
  ]
  if (featuresRun) {
    const train = computeFeatures(data, data.nUsers, data.nProducts, data.eventNames, engagementParams, 0, trainRows)
    rankers.push(globalOrderRanker('engagement', rankUsers(train.engagement, train.active)))
  }
  const evaluations: RankerEvaluation[] = rankers.map((r) => evaluateRanker(setup, r, [k]))
  const series = (e: RankerEvaluation, m: 'precision' | 'recall' | 'hitRate' | 'ndcg'): Float64Array => e.perProduct[0][m]
  const rounds = options.bootstrapRounds ?? 1000
  const intervals = (m: 'precision' | 'recall' | 'hitRate' | 'ndcg'): Interval[] => bootstrapMeans(evaluations.map((e) => series(e, m)), createRng(seed + 11), rounds)
  const precision = intervals('precision')
  const recall = intervals('recall')
  const hitRate = intervals('hitRate')
  const ndcg = intervals('ndcg')
  const results: RankerResult[] = evaluations.map((e, i) => ({name: e.name, precision: precision[i], recall: recall[i], hitRate: hitRate[i], ndcg: ndcg[i]}))
  const [pDiff] = bootstrapMeans([difference(series(evaluations[0], 'precision'), series(evaluations[1], 'precision'))], createRng(seed + 13), rounds)
  const [nDiff] = bootstrapMeans([difference(series(evaluations[0], 'ndcg'), series(evaluations[1], 'ndcg'))], createRng(seed + 13), rounds)
  const evaluationMs = Date.now() - tEval

  // Verdict, from the numbers.
  const als = results[0]
  const random = results[1]
  const viable = setup.products.length > 0 && als.precision.mean >= 2 * random.precision.mean && pDiff.low > 0
  const contenders = results.filter((r) => r.name !== 'random')
  const best = contenders.reduce((a, b) => (b.ndcg.mean > a.ndcg.mean ? b : a))
  const use = contenders.filter((r) => overlaps(r.ndcg, best.ndcg)).sort((a, b) => SIMPLICITY.indexOf(a.name) - SIMPLICITY.indexOf(b.name))[0]
  const f5 = (x: number): string => x.toFixed(5)
  const ci = (i: Interval): string => `${f5(i.mean)} [${f5(i.low)}, ${f5(i.high)}]`
  const reasons = [
    `ALS precision@${k} ${ci(als.precision)} against random ${ci(random.precision)}: ${ratioText(als.precision.mean, random.precision.mean)} (viable needs at least 2×)`,
    `ALS − random precision@${k}: 95% interval [${f5(pDiff.low)}, ${f5(pDiff.high)}] ${pDiff.low > 0 ? 'lies above zero' : 'does not lie above zero'}`,
    `best NDCG@${k}: ${best.name} ${ci(best.ndcg)}; ${use.name === best.name ? 'no simpler ranking overlaps it' : `${use.name} overlaps it (${ci(use.ndcg)}) and is simpler`}`,
  ]
  if (setup.products.length === 0) reasons.unshift('no product seen before the split gained a new user seen before the split: nothing to evaluate')
  if (overlaps(use.ndcg, random.ndcg)) reasons.push(`${use.name} is not distinguishable from random users on NDCG@${k}`)
  const summary = viable
    ? `Collaborative filtering is viable here: ALS ranks the right users ${random.precision.mean > 0 ? `${(als.precision.mean / random.precision.mean).toFixed(1)}× better than random` : 'where random users found none'} at k=${k}. Use ${use.name}.`
    : `Collaborative filtering is not viable here: ALS does not rank the right users clearly better than random at k=${k}. Use ${use.name}${overlaps(use.ndcg, random.ndcg) ? ' (though nothing clearly beats random)' : ''}.`

  const report: CfReport = {
    datasetVersion: data.version,
    config: {
      factors: f,
      iterations: options.iterations ?? 50,
      regularization: options.regularization ?? 0.01,
      alpha,
      binary,
      solver: options.solver ?? 'cg',
      cgSteps: options.cgSteps ?? 3,
      weightedRegularization: options.weightedRegularization ?? false,
      seed,
      k,
      split: fraction,
      eventWeightsFrom: featuresRun && featuresRun.datasetVersion === data.version ? `features run ${featuresRun.runId}` : 'defaults',
    },
    data: {trainInteractions: trainRows, users: setup.trainUserCount, products: trainProducts, nonZeros: nnz, density: nnz / Math.max(1, setup.trainUserCount * trainProducts)},
    training: {
      elapsedMs: trainingMs,
      medianIterationMs: [...model.iterationMs].sort((a, b) => a - b)[Math.floor(model.iterationMs.length / 2)] ?? 0,
      threads: model.threads,
      losses: model.losses,
    },
    evaluation: {elapsedMs: evaluationMs, k, products: {...setup.counts, sampled}, rankers: results, alsMinusRandom: {precision: pDiff, ndcg: nDiff}},
    verdict: {viable, useRanking: use.name, summary, reasons},
    elapsedMs: Date.now() - started,
  }
  db.transaction(() => {
    recordRun(db, {stage: 'cf-attempt', datasetVersion: data.version, params: report.config, startedAtMs: started, summary: report})
  })()
  return report
}
