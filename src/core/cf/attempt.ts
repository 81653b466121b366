import {totalmem} from 'node:os'

import type {AlsOptions} from '../als/als.js'
import {resolveEngagementOptions, type ResolvedEngagementOptions} from '../engagement/score.js'
import {RecsysError} from '../errors.js'
import {chooseRanking} from '../evaluation/choose.js'
import {buildEvalSetup, evaluateModel, intervalsAt, pairedDifference, type RankerEvaluation} from '../evaluation/protocol.js'
import type {Interval} from '../metrics/bootstrap.js'
import {alsModel, trainAlsOn} from '../rankings/als.js'
import type {RankingModel} from '../rankings/contract.js'
import {rankingData} from '../rankings/data.js'
import {fitEngagement, fitMostActive, fitMostRecent, fitRandom, fitRecencyRule} from '../rankings/global.js'
import {deleteColumns, writeColumn} from '../store/columns.js'
import {loadDataset} from '../store/dataset.js'
import type {Db} from '../store/open.js'
import {latestRun, recordRun} from '../store/runs.js'
import {createRng} from '../util/rng.js'

export interface CfAttemptOptions extends AlsOptions {
  /** (ALS options: factors, iterations, …) */
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
    /** ALS − the best ranking without collaborative filtering, NDCG@k, paired. */
    alsMinusBestOther: {name: string; ndcg: Interval}
  }
  verdict: {viable: boolean; useRanking: string; summary: string; reasons: string[]}
  elapsedMs: number
}

/** "3.21×", or what a zero baseline means, without dividing by zero. */
function ratioText(value: number, baseline: number): string {
  if (baseline > 0) return `${(value / baseline).toFixed(2)}×`
  return value > 0 ? 'random found none, ALS some' : 'both found none'
}

/**
 * `recsys cf-attempt`: can collaborative filtering rank the right users for a product here?
 * Trains implicit ALS on the interactions before the split and evaluates it item-to-user on the
 * rest, beside random, most-active, most-recent, the recency rule and engagement on the same
 * products, through the same ranking contract `train` ships with. Viable means ALS beats random
 * (2×, paired interval above zero) and is not significantly worse than the best non-CF ranking.
 * Its factors are stored, so `train` can weigh ALS against the others without training it again.
 */
export async function runCfAttempt(db: Db, options: CfAttemptOptions = {}): Promise<CfReport> {
  const started = Date.now()
  const k = options.k ?? 10
  const seed = options.seed ?? 42
  const fraction = options.split ?? 0.8
  const alpha = options.alpha ?? 1
  const binary = options.binary ?? false
  if (!Number.isInteger(k) || k < 1 || k > 64) throw new RecsysError('USAGE', `k must be an integer from 1 to 64 (got ${k})`, 'Pass e.g. --k 10.')
  if (!(alpha >= 0)) throw new RecsysError('USAGE', `alpha must be non-negative (got ${alpha})`, 'Pass e.g. --alpha 1.')
  const data = loadDataset(db)
  const featuresRun = latestRun<unknown>(db, 'features')
  const fresh = featuresRun !== undefined && featuresRun.datasetVersion === data.version
  const engagementParams: ResolvedEngagementOptions = fresh ? (featuresRun.params as unknown as ResolvedEngagementOptions) : resolveEngagementOptions()
  const evalProducts = options.evalProducts
  const setup = buildEvalSetup(data, fraction, evalProducts === undefined ? {} : {sample: {products: () => evalProducts, rng: createRng(seed + 7)}})
  const sampled = setup.counts.evaluated < setup.counts.scorable
  const {trainRows} = setup.split
  const period = rankingData(data, trainRows, engagementParams)
  let nnz = 0
  let trainProducts = 0
  for (let p = 0; p < period.interactors.nRows; p++) {
    const n = period.interactors.offsets[p + 1] - period.interactors.offsets[p]
    nnz += n
    if (n > 0) trainProducts++
  }

  checkAlsBudget({users: period.nUsers, products: period.nProducts, nonZeros: nnz, factors: options.factors ?? 50, evaluated: setup.products.length, candidates: setup.trainUserCount})

  options.onProgress?.('cf-attempt: training ALS')
  const tTrain = Date.now()
  const model = await trainAlsOn(period, {...options, alpha, binary, seed})
  const trainingMs = Date.now() - tTrain

  options.onProgress?.(`cf-attempt: evaluating ${setup.products.length} products`)
  const tEval = Date.now()
  const others: RankingModel[] = [fitMostActive(period), fitMostRecent(period), fitRecencyRule(period)]
  if (fresh) others.push(fitEngagement(period))
  const models: RankingModel[] = [alsModel(period, model), fitRandom(period, seed + 3), ...others]
  const evaluations: RankerEvaluation[] = models.map((m) => evaluateModel(setup, m, period.interactors, [k]))
  const rounds = options.bootstrapRounds ?? 1000
  let rngSeed = seed + 11
  const rng = () => createRng(rngSeed++)
  const results: RankerResult[] = intervalsAt(evaluations, k, rng, rounds)
  const series = (e: RankerEvaluation, m: 'precision' | 'ndcg'): Float64Array => e.perProduct[0][m]
  const [alsEval, randomEval] = evaluations
  const pDiff = pairedDifference(series(alsEval, 'precision'), series(randomEval, 'precision'), createRng(seed + 13), rounds)
  const nDiff = pairedDifference(series(alsEval, 'ndcg'), series(randomEval, 'ndcg'), createRng(seed + 13), rounds)
  // The best ranking that is not collaborative filtering, and ALS against it on the same products.
  const otherEvals = evaluations.slice(2)
  const bestOther = otherEvals.reduce((a, b) => (b.metrics[0].ndcg > a.metrics[0].ndcg ? b : a))
  const choice = chooseRanking([alsEval, ...otherEvals], k, rng, rounds)
  // ALS − the best other, from the choice's own bootstrap, so the two lines quote one interval.
  const fromChoice = choice.best === 'als' ? choice.differences.find((d) => d.name === bestOther.name)?.minusBest : choice.best === bestOther.name ? choice.differences.find((d) => d.name === 'als')?.minusBest : undefined
  const vsBest = fromChoice
    ? choice.best === 'als'
      ? fromChoice
      : {...fromChoice, mean: -fromChoice.mean, low: -fromChoice.high, high: -fromChoice.low}
    : pairedDifference(series(alsEval, 'ndcg'), series(bestOther, 'ndcg'), createRng(seed + 17), rounds)
  const evaluationMs = Date.now() - tEval

  // Verdict, from the numbers.
  const als = results[0]
  const random = results[1]
  const other = results.find((r) => r.name === bestOther.name)!
  const beatsRandom = setup.products.length > 0 && als.precision.mean >= 2 * random.precision.mean && pDiff.low > 0
  const notWorse = vsBest.high >= 0
  const viable = beatsRandom && notWorse
  const f5 = (x: number): string => x.toFixed(5)
  const ci = (i: Interval): string => `${f5(i.mean)} [${f5(i.low)}, ${f5(i.high)}]`
  const reasons = [
    `ALS precision@${k} ${ci(als.precision)} against random ${ci(random.precision)}: ${ratioText(als.precision.mean, random.precision.mean)} (viable needs at least 2×)`,
    `ALS − random precision@${k}: 95% paired interval [${f5(pDiff.low)}, ${f5(pDiff.high)}] ${pDiff.low > 0 ? 'lies above zero' : 'does not lie above zero'}`,
    `ALS − ${bestOther.name} (the best ranking without collaborative filtering) NDCG@${k}: 95% paired interval [${f5(vsBest.low)}, ${f5(vsBest.high)}] ${vsBest.low > 0 ? 'lies above zero: ALS is better' : notWorse ? 'includes zero: ALS is not measurably worse' : 'lies below zero: ALS is worse'}`,
    `use ${choice.shipped}: ${choice.reason}`,
  ]
  if (setup.products.length === 0) reasons.unshift('no product seen before the split gained a new user seen before the split: nothing to evaluate')
  const use = choice.shipped
  const useText = `Of ALS and the global rankings, ${use} is the one to use; train --ranker auto also measures co-occurrence, content and their blend.`
  const summary = viable
    ? `Collaborative filtering is viable here: ALS ranks the right users ${random.precision.mean > 0 ? `${(als.precision.mean / random.precision.mean).toFixed(1)}× better than random` : 'where random users found none'} at k=${k} and no simpler ranking beats it. ${useText}`
    : !beatsRandom
      ? `Collaborative filtering is not viable here: ALS does not rank the right users clearly better than random at k=${k}. ${useText}`
      : `Collaborative filtering is not viable here: ALS beats random but is significantly worse than ${bestOther.name} (NDCG@${k} ${f5(als.ndcg.mean)} against ${f5(other.ndcg.mean)}). ${useText}`

  const report: CfReport = {
    datasetVersion: data.version,
    config: {
      factors: model.factors,
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
      eventWeightsFrom: fresh ? `features run ${featuresRun!.runId}` : 'defaults',
    },
    data: {trainInteractions: trainRows, users: setup.trainUserCount, products: trainProducts, nonZeros: nnz, density: nnz / Math.max(1, setup.trainUserCount * trainProducts)},
    training: {
      elapsedMs: trainingMs,
      medianIterationMs: [...model.iterationMs].sort((a, b) => a - b)[Math.floor(model.iterationMs.length / 2)] ?? 0,
      threads: model.threads,
      losses: model.losses,
    },
    evaluation: {elapsedMs: evaluationMs, k, products: {...setup.counts, sampled}, rankers: results, alsMinusRandom: {precision: pDiff, ndcg: nDiff}, alsMinusBestOther: {name: bestOther.name, ndcg: vsBest}},
    verdict: {viable, useRanking: use, summary, reasons},
    elapsedMs: Date.now() - started,
  }
  db.transaction(() => {
    // ALS's per-product results, so train can weigh ALS against the other rankings on the same
    // products without training it again (factors would cost users × factors of storage).
    deleteColumns(db, 'cf.als.')
    writeColumn(db, 'cf.als.products', setup.products)
    const m = alsEval.perProduct[0]
    writeColumn(db, 'cf.als.precision', m.precision)
    writeColumn(db, 'cf.als.recall', m.recall)
    writeColumn(db, 'cf.als.hit_rate', m.hitRate)
    writeColumn(db, 'cf.als.ndcg', m.ndcg)
    recordRun(db, {stage: 'cf-attempt', datasetVersion: data.version, params: report.config, startedAtMs: started, summary: report})
  })()
  return report
}

/** Rates measured on the project's machine (500k rows: 4,812 products × 350k users × 50 factors in 67 s). */
const EVAL_MULTIPLY_ADDS_PER_SECOND = 1.7e9
const EVAL_SECONDS_LIMIT = 2 * 3600

export interface AlsBudget {
  users: number
  products: number
  nonZeros: number
  factors: number
  /** Products the evaluation ranks every candidate user for. */
  evaluated: number
  candidates: number
}

/**
 * ALS needs the whole factor matrices in memory, and its evaluation scores every candidate user for
 * every evaluated product. Both are estimated before anything starts, and a run that would swap or
 * take hours is refused with the flag that shrinks it.
 */
export function checkAlsBudget(b: AlsBudget, memoryBytes = totalmem()): {bytes: number; evalSeconds: number} {
  // Factors twice (their shared copies) plus the memo of single-interaction rows; both CSR
  // directions with their confidences.
  const bytes = 3 * (b.users + b.products) * b.factors * 8 + 32 * b.nonZeros
  const gib = (x: number): string => `${(x / 2 ** 30).toFixed(1)} GiB`
  if (bytes > 0.75 * memoryBytes) {
    const fit = Math.max(1, Math.floor(((0.75 * memoryBytes - 32 * b.nonZeros) / (3 * (b.users + b.products) * 8)) * 0.9))
    throw new RecsysError(
      'USAGE',
      `ALS with ${b.factors} factors over ${b.users.toLocaleString('en-US')} users and ${b.products.toLocaleString('en-US')} products needs about ${gib(bytes)}; this machine has ${gib(memoryBytes)}`,
      fit >= 4 ? `Pass --factors ${Math.min(fit, b.factors - 1)} or fewer, or run on a machine with more memory.` : 'Run on a machine with more memory: even 4 factors do not fit.',
    )
  }
  const evalSeconds = (b.evaluated * b.candidates * (b.factors + 20)) / EVAL_MULTIPLY_ADDS_PER_SECOND
  if (evalSeconds > EVAL_SECONDS_LIMIT) {
    const fit = Math.max(100, Math.floor((600 * EVAL_MULTIPLY_ADDS_PER_SECOND) / (b.candidates * (b.factors + 20))))
    throw new RecsysError(
      'USAGE',
      `the evaluation would rank ${b.candidates.toLocaleString('en-US')} users for each of ${b.evaluated.toLocaleString('en-US')} products: about ${Math.round(evalSeconds / 3600)} hours on a machine like this one`,
      `Pass --eval-products ${fit} (a seeded sample, about 10 minutes); intervals widen but stay honest.`,
    )
  }
  return {bytes, evalSeconds}
}
