import {computeFeatures, rankUsers, type ResolvedEngagementOptions} from '../engagement/score.js'
import {RecsysError} from '../errors.js'
import {buildEvalSetup, evaluateRanker, globalOrderRanker, type MetricAtK, randomRanker, type ReturnLift} from '../evaluation/protocol.js'
import {buildCsr, dedupeCsr} from '../matrix/csr.js'
import {readColumn, writeColumn} from '../store/columns.js'
import {loadDataset} from '../store/dataset.js'
import type {Db} from '../store/open.js'
import {recordRun, requireFreshRun} from '../store/runs.js'
import {createRng, sampleWithoutReplacement} from '../util/rng.js'
import {type Audiences, buildAudiences, reach} from './build.js'
import {recencyRuleScores} from './recency-rule.js'

export interface TrainOptions {
  topN?: number
  quick?: boolean
  seed?: number
  skipEval?: boolean
  maxAudiencesPerUser?: number
  split?: number
  onProgress?: (text: string) => void
}

export interface RankerSummary {
  name: string
  metrics: MetricAtK[]
  returnLift: ReturnLift
}

export interface TrainEvaluation {
  split: {fraction: number; splitTime: string; trainInteractions: number; testInteractions: number}
  products: {testProducts: number; newProducts: number; onlyNewUsers: number; onlyRepeatUsers: number; scorable: number; evaluated: number}
  ks: number[]
  rankers: RankerSummary[]
  elapsedMs: number
}

export interface TrainReport {
  datasetVersion: number
  featuresRunId: number
  params: {topN: number; quick: boolean; seed: number; maxAudiencesPerUser: number | null; split: number}
  products: {total: number; trained: number}
  audiences: {slots: number; short: number; distinctUsers: number; distinctUsersWithoutCap: number}
  coldStart: Array<{rank: number; customerId: string; score: number}>
  evaluation: TrainEvaluation | null
  timings: {audiencesMs: number; writeMs: number; evaluationMs: number}
  elapsedMs: number
}

const EVAL_KS = [5, 10, 20]
const QUICK_SHARE = 0.1

/**
 * `recsys train`: the top-N users to target for every product (never one who interacted with it),
 * a cold-start list for unknown products, and (unless skipped) an evaluation of the ranking on a
 * temporal split against random users and the original recency rule.
 */
export function runTrain(db: Db, options: TrainOptions = {}): TrainReport {
  const started = Date.now()
  const topN = options.topN ?? 10
  const seed = options.seed ?? 42
  const quick = options.quick ?? false
  const cap = options.maxAudiencesPerUser
  const fraction = options.split ?? 0.8
  if (!Number.isInteger(topN) || topN < 1 || topN > 10_000) throw new RecsysError('USAGE', `--top-n must be an integer from 1 to 10000 (got ${topN})`, 'Pass e.g. --top-n 10.')
  if (cap !== undefined && (!Number.isInteger(cap) || cap < 1)) throw new RecsysError('USAGE', `--max-audiences-per-user must be a positive integer (got ${cap})`, 'Pass e.g. --max-audiences-per-user 50.')
  const featuresRun = requireFreshRun<{params: ResolvedEngagementOptions}>(db, 'features')
  const engagementParams = featuresRun.params as unknown as ResolvedEngagementOptions
  const data = loadDataset(db)
  const order = readColumn<Int32Array>(db, 'features.ranked_users')
  const engagement = readColumn<Float64Array>(db, 'features.engagement')
  if (!order || !engagement) throw new RecsysError('MISSING_STAGE', 'the features in this store are incomplete', 'Run `recsys features` again.')

  // Products, most interacted first (they get first pick of users under a cap), then by key.
  options.onProgress?.('train: ranking audiences')
  const tA = Date.now()
  const interactors = dedupeCsr(buildCsr(data.productKey, data.userKey, data.nProducts), data.nUsers)
  const popularity = new Int32Array(data.nProducts)
  for (let i = 0; i < data.nRows; i++) popularity[data.productKey[i]]++
  let products: Int32Array
  if (quick) {
    const rng = createRng(seed)
    products = sampleWithoutReplacement(data.nProducts, Math.max(1, Math.round(data.nProducts * QUICK_SHARE)), rng)
  } else {
    products = new Int32Array(data.nProducts)
    for (let p = 0; p < data.nProducts; p++) products[p] = p
  }
  products.sort((a, b) => popularity[b] - popularity[a] || a - b)
  const audiences = buildAudiences(order, interactors, data.nUsers, products, topN, cap)
  const distinctUsers = reach(audiences, data.nUsers)
  const distinctUsersWithoutCap = cap === undefined ? distinctUsers : reach(buildAudiences(order, interactors, data.nUsers, products, topN), data.nUsers)
  let slots = 0
  let short = 0
  for (let x = 0; x < products.length; x++) {
    slots += audiences.sizes[x]
    if (audiences.sizes[x] < topN) short++
  }
  const audiencesMs = Date.now() - tA

  const idOf = db.prepare('SELECT user_id FROM users WHERE user_key = ?').pluck()
  const coldUsers = order.slice(0, topN)
  const coldStart = Array.from(coldUsers, (u, i) => ({rank: i + 1, customerId: idOf.get(u) as string, score: engagement[u]}))

  let evaluation: TrainEvaluation | null = null
  if (!options.skipEval) {
    options.onProgress?.('train: evaluating on the temporal split')
    evaluation = evaluateTrain(data, engagementParams, fraction, seed, quick)
  }

  options.onProgress?.('train: writing audiences')
  const tW = Date.now()
  const params = {topN, quick, seed, maxAudiencesPerUser: cap ?? null, split: fraction}
  const reportBase = {
    datasetVersion: data.version,
    featuresRunId: featuresRun.runId,
    params,
    products: {total: data.nProducts, trained: products.length},
    audiences: {slots, short, distinctUsers, distinctUsersWithoutCap},
    coldStart,
    evaluation,
  }
  db.transaction(() => {
    writeAudiences(db, products, audiences, engagement)
    writeColumn(db, 'audience.cold_start', coldUsers)
    const summary = {...reportBase, timings: {audiencesMs, writeMs: 0, evaluationMs: evaluation?.elapsedMs ?? 0}, elapsedMs: Date.now() - started}
    recordRun(db, {stage: 'train', datasetVersion: data.version, params, startedAtMs: started, summary, inputs: {features: featuresRun.runId}})
  })()
  const writeMs = Date.now() - tW
  return {...reportBase, timings: {audiencesMs, writeMs, evaluationMs: evaluation?.elapsedMs ?? 0}, elapsedMs: Date.now() - started}
}

function writeAudiences(db: Db, products: Int32Array, audiences: Audiences, engagement: Float64Array): void {
  db.exec('DELETE FROM audiences')
  const insert = db.prepare('INSERT INTO audiences (product_key, size, user_keys, scores) VALUES (?, ?, ?, ?)')
  const {topN, users, sizes} = audiences
  const scores = new Float64Array(users.length)
  for (let i = 0; i < users.length; i++) scores[i] = users[i] >= 0 ? engagement[users[i]] : 0
  for (let x = 0; x < products.length; x++) {
    const size = sizes[x]
    insert.run(
      products[x],
      size,
      Buffer.from(users.buffer, users.byteOffset + x * topN * 4, size * 4),
      Buffer.from(scores.buffer, scores.byteOffset + x * topN * 8, size * 8),
    )
  }
}

function evaluateTrain(
  data: ReturnType<typeof loadDataset>,
  params: ResolvedEngagementOptions,
  fraction: number,
  seed: number,
  quick: boolean,
): TrainEvaluation {
  const started = Date.now()
  const rng = createRng(seed + 1)
  const setup = buildEvalSetup(data, fraction, quick ? {products: (scorable) => Math.max(1, Math.round(scorable * QUICK_SHARE)), rng} : undefined)
  const {trainRows} = setup.split
  const trainFeatures = computeFeatures(data, data.nUsers, data.nProducts, data.eventNames, params, 0, trainRows)
  const engagementOrder = rankUsers(trainFeatures.engagement, trainFeatures.active)
  const recencyOrder = rankUsers(recencyRuleScores(data.userKey, data.tsMs, data.nUsers, 0, trainRows), setup.trainUsers)
  const candidates = rankUsers(new Float64Array(data.nUsers), setup.trainUsers)
  const rankers = [globalOrderRanker('engagement', engagementOrder), randomRanker(candidates, createRng(seed + 2)), globalOrderRanker('recency rule', recencyOrder)]
  const results = rankers.map((ranker) => {
    const r = evaluateRanker(setup, ranker, EVAL_KS)
    return {name: r.name, metrics: r.metrics, returnLift: r.returnLift}
  })
  return {
    split: {
      fraction,
      splitTime: new Date(setup.split.splitTsMs).toISOString(),
      trainInteractions: trainRows,
      testInteractions: data.nRows - trainRows,
    },
    products: setup.counts,
    ks: EVAL_KS,
    rankers: results,
    elapsedMs: Date.now() - started,
  }
}
