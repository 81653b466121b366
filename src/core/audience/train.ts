import type {AlsOptions} from '../als/als.js'
import {loadProductCatalog} from '../catalog/catalog.js'
import type {ResolvedEngagementOptions} from '../engagement/score.js'
import {RecsysError} from '../errors.js'
import {type Choice, chooseRanking} from '../evaluation/choose.js'
import {buildEvalSetup, type EvalSetup, evaluateModel, intervalsAt, type MetricAtK, type RankerEvaluation, type RankerIntervals, type ReturnLift} from '../evaluation/protocol.js'
import type {Interval} from '../metrics/bootstrap.js'
import {trainAlsOn} from '../rankings/als.js'
import {type ContentIndex, fitContent} from '../rankings/content.js'
import {PER_PRODUCT, type ProductAttributes, type RankingData, type RankingModel, type RankingName} from '../rankings/contract.js'
import {DEFAULT_NEIGHBORS} from '../rankings/cooccurrence.js'
import {rankingData} from '../rankings/data.js'
import {fitEngagement, fitRandom} from '../rankings/global.js'
import {fitHybrid, hybridGrid, type HybridWeights} from '../rankings/hybrid.js'
import {type FitContext, fitRanking} from '../rankings/registry.js'
import {readColumn, writeColumn} from '../store/columns.js'
import {type Dataset, loadDataset} from '../store/dataset.js'
import type {Db} from '../store/open.js'
import {latestRun, recordRun, requireFreshRun} from '../store/runs.js'
import {bulkInsert} from '../store/bulk.js'
import {createRng} from '../util/rng.js'
import {Growable} from '../util/growable.js'
import {AudienceEngine, type HeadSource, type ModelParts, type ShippedMeta} from './model.js'
import {writeShippedModel} from './model-store.js'
import {type Reach, ReachCounter} from './reach.js'

export type RankerChoice = 'auto' | RankingName

export const DEFAULT_TOP_N = 10
/** The largest n a lookup may ask for by default; heads are stored this deep. */
export const DEFAULT_MAX_N = 100
export const DEFAULT_SPLIT = 0.8
export const EVAL_KS = [5, 10, 20]
/** The k the choice is made at. */
export const CHOICE_K = 10
const QUICK_SHARE = 0.1
/** Products the evaluation scores by default: enough for tight paired intervals, bounded at any size. */
export const DEFAULT_EVAL_PRODUCTS = 2000

export interface TrainOptions {
  ranker?: RankerChoice
  topN?: number
  maxN?: number
  quick?: boolean
  /** Evaluate a seeded sample of at most this many products (0: all). */
  evalProducts?: number
  seed?: number
  skipEval?: boolean
  maxAudiencesPerUser?: number
  split?: number
  neighbors?: number
  decayDays?: number
  bootstrapRounds?: number
  onProgress?: (text: string) => void
}

/** One ranking's results at k = 10 (with 95% bootstrap intervals), and its means at every k. */
export interface RankerSummary extends RankerIntervals {
  coverage: number
  returnLift: ReturnLift
  atK: MetricAtK[]
}

export interface TrainEvaluation {
  split: {fraction: number; splitTime: string; trainInteractions: number; testInteractions: number}
  products: EvalSetup['counts'] & {sampled: boolean}
  ks: number[]
  k: number
  rankers: RankerSummary[]
  /** (best − other) NDCG@k over the same products, paired 95% bootstrap intervals. */
  differences: Array<{name: string; minusBest: Interval}>
  best: string
  hybridWeights: HybridWeights | null
  /** Products new after the split, scored apart on the same kind of truth. */
  newProducts: {products: number; rankers: RankerSummary[]}
  elapsedMs: number
}

export interface TrainReport {
  datasetVersion: number
  featuresRunId: number
  ranker: {requested: RankerChoice; shipped: RankingName; reason: string; newProducts: {shipped: 'content' | 'engagement'; reason: string}}
  params: {topN: number; maxN: number; quick: boolean; seed: number; maxAudiencesPerUser: number | null; split: number; neighbors: number; decayDays: number | null}
  products: {total: number; withHistory: number; withoutHistory: number; withHeads: number}
  reach: Reach & {distinctUsersWithoutCap: number}
  audiences: {short: number; storedSlots: number}
  coldStart: Array<{rank: number; customerId: string; score: number}>
  evaluation: TrainEvaluation | null
  meta: ShippedMeta
  timings: {evaluationMs: number; fitMs: number; audiencesMs: number; writeMs: number}
  elapsedMs: number
}

/**
 * ALS as cf-attempt measured it on this dataset version: usable in the comparison when that run
 * scored exactly these products at k = 10 on the same split. Its config is what a shipped ALS is
 * trained with.
 */
function storedAlsEvaluation(db: Db, version: number, setup: EvalSetup): {evaluation?: RankerEvaluation; config?: AlsOptions & {alpha?: number; binary?: boolean}} {
  const run = latestRun<{config: {split: number; k: number} & AlsOptions & {alpha: number; binary: boolean}}>(db, 'cf-attempt')
  if (!run || run.datasetVersion !== version) return {}
  const config = run.summary.config
  const products = readColumn<Int32Array>(db, 'cf.als.products')
  if (config.k !== CHOICE_K || config.split !== setup.split.fraction || !products) return {config}
  // cf-attempt scored all products (or a sample); train may score a sample of them: line them up.
  const at = new Map<number, number>()
  for (let i = 0; i < products.length; i++) at.set(products[i], i)
  const index = Int32Array.from(setup.products, (p) => at.get(p) ?? -1)
  if (index.includes(-1)) return {config}
  const series = (name: string): Float64Array => {
    const stored = readColumn<Float64Array>(db, `cf.als.${name}`) ?? new Float64Array(products.length)
    return Float64Array.from(index, (i) => stored[i])
  }
  const m = {k: CHOICE_K, precision: series('precision'), recall: series('recall'), hitRate: series('hit_rate'), ndcg: series('ndcg')}
  const mean = (x: Float64Array): number => (x.length ? x.reduce((a, b) => a + b, 0) / x.length : 0)
  return {
    config,
    evaluation: {
      name: 'als',
      // Coverage needs the audiences themselves, which cf-attempt does not keep: not measured.
      metrics: [{k: CHOICE_K, precision: mean(m.precision), recall: mean(m.recall), hitRate: mean(m.hitRate), ndcg: mean(m.ndcg), coverage: Number.NaN}],
      perProduct: [m],
      returnLift: {audienceUsers: 0, audienceActiveAfter: 0, audienceShare: 0, baseShare: 0, lift: 0},
      elapsedMs: 0,
    },
  }
}

function summarise(evaluations: RankerEvaluation[], intervals: RankerIntervals[], k: number): RankerSummary[] {
  return evaluations.map((e, i) => ({
    ...intervals[i],
    coverage: e.metrics.find((m) => m.k === k)?.coverage ?? 0,
    returnLift: e.returnLift,
    atK: e.metrics,
  }))
}

/** Answers a model's heads from a cache of precomputed lists (tuning re-blends them many times). */
function cachedHeads(model: RankingModel, products: Int32Array, depth: number): RankingModel {
  const cache = new Map<number, {users: Int32Array; scores: Float64Array}>()
  const users = new Int32Array(depth)
  const scores = new Float64Array(depth)
  for (const p of products) {
    const n = model.head(p, depth, users, scores)
    cache.set(p, {users: users.slice(0, n), scores: scores.slice(0, n)})
  }
  return {
    ...model,
    head(p, d, outUsers, outScores) {
      const c = cache.get(p)
      if (!c) return model.head(p, d, outUsers, outScores)
      const n = Math.min(d, c.users.length)
      outUsers.set(c.users.subarray(0, n))
      outScores.set(c.scores.subarray(0, n))
      return n
    },
  }
}

/**
 * Tunes the hybrid blend on a validation slice carved from the training period only: the period is
 * split again at the same quantile, the parts are fit on its first part, and every weight on the
 * grid is scored on its second part. The test period is never seen.
 */
function tuneHybrid(data: Dataset, trainRows: number, fraction: number, engagement: ResolvedEngagementOptions, attributes: ProductAttributes | undefined, nProducts: number, base: Omit<FitContext, 'data'>): HybridWeights {
  const fallback = {cooccurrence: 0.5, content: 0.4, prior: 0.1}
  let setup: EvalSetup
  try {
    setup = buildEvalSetup(data, fraction, {rows: trainRows})
  } catch {
    return fallback
  }
  if (setup.products.length === 0) return fallback
  const val = rankingData(data, setup.split.trainRows, engagement, {nProducts, attributes})
  const ctx: FitContext = {...base, data: val}
  const depth = 2 * CHOICE_K
  const cooccurrence = cachedHeads(fitRanking('cooccurrence', ctx), setup.products, depth)
  const content = cachedHeads(fitRanking('content', ctx), setup.products, depth)
  let best = fallback
  let bestScore = Number.NEGATIVE_INFINITY
  for (const w of hybridGrid()) {
    const e = evaluateModel(setup, fitHybrid(val, cooccurrence, content, w), val.interactors, [CHOICE_K])
    const score = e.metrics[0].ndcg
    if (score > bestScore + 1e-12) {
      bestScore = score
      best = w
    }
  }
  return best
}

interface EvaluationOutcome {
  evaluation: TrainEvaluation
  choice: Choice
  hybridWeights?: HybridWeights
  newProductsChoice: {shipped: 'content' | 'engagement'; reason: string}
}

function evaluateRankings(
  data: Dataset,
  requested: RankerChoice,
  options: Required<Pick<TrainOptions, 'seed' | 'split' | 'quick' | 'evalProducts' | 'neighbors' | 'bootstrapRounds'>> & {decayDays?: number},
  engagement: ResolvedEngagementOptions,
  attributes: ProductAttributes | undefined,
  nProducts: number,
  storedAls: (setup: EvalSetup) => RankerEvaluation | undefined,
  progress: (text: string) => void,
): EvaluationOutcome {
  const started = Date.now()
  const {seed, split: fraction} = options
  const cap = options.evalProducts > 0 ? options.evalProducts : Number.POSITIVE_INFINITY
  const wanted = (n: number): number => Math.min(cap, options.quick ? Math.max(1, Math.round(n * QUICK_SHARE)) : n)
  const setup = buildEvalSetup(data, fraction, {sample: {products: wanted, rng: createRng(seed + 1)}})
  const trainData = rankingData(data, setup.split.trainRows, engagement, {nProducts, attributes})
  const base = {cooccurrence: {neighbors: options.neighbors, decayDays: options.decayDays}, content: {}}
  const described = attributes !== undefined
  const als = storedAls(setup)
  const all: RankingName[] = ['most-recent', 'most-active', 'recency-rule', 'engagement', 'cooccurrence']
  if (described) all.push('content', 'hybrid')
  const candidates: RankingName[] = requested === 'auto' ? all : [...new Set<RankingName>([requested, 'engagement'])].filter((n) => n !== 'als')
  let hybridWeights: HybridWeights | undefined
  if (candidates.includes('hybrid')) {
    progress('train: tuning the hybrid blend on a validation slice of the training period')
    hybridWeights = tuneHybrid(data, setup.split.trainRows, fraction, engagement, attributes, nProducts, base)
  }
  const ctx: FitContext = {...base, data: trainData, hybridWeights}
  const evaluations: RankerEvaluation[] = []
  for (const name of candidates) {
    progress(`train: evaluating ${name} on ${setup.products.length.toLocaleString('en-US')} products`)
    evaluations.push(evaluateModel(setup, fitRanking(name, ctx), trainData.interactors, EVAL_KS))
  }
  // ALS as cf-attempt measured it on these same products (training it here would repeat that work).
  if (als && (requested === 'auto' || requested === 'als')) evaluations.push(als)
  const random = evaluateModel(setup, fitRandom(trainData, seed + 2), trainData.interactors, EVAL_KS)
  const rounds = options.bootstrapRounds
  let rngSeed = seed + 11
  const rng = () => createRng(rngSeed++)
  const choice = chooseRanking(evaluations, CHOICE_K, rng, rounds)
  const withRandom = [...evaluations, random]
  const rankers = summarise(withRandom, intervalsAt(withRandom, CHOICE_K, rng, rounds), CHOICE_K)

  // New products: content (and the hybrid, whose co-occurrence part is empty for them) against the
  // global fallback every other ranking gives them, on the same truth.
  const fresh = {products: setup.newProducts, truth: setup.newTruth}
  const newModels: RankingModel[] = [fitEngagement(trainData)]
  if (described) newModels.unshift(fitRanking('content', ctx))
  const newEvaluations = newModels.map((m) => evaluateModel(setup, m, trainData.interactors, EVAL_KS, fresh))
  const newRankers = summarise(newEvaluations, intervalsAt(newEvaluations, CHOICE_K, rng, rounds), CHOICE_K)
  let newProductsChoice: EvaluationOutcome['newProductsChoice']
  if (!described) newProductsChoice = {shipped: 'engagement', reason: 'no product has a name, category or brand, so new products get the most engaged users'}
  else if (setup.newProducts.length === 0) newProductsChoice = {shipped: 'content', reason: 'no new product could be measured on the split; new products are ranked by their name, category and brand'}
  else {
    const c = newRankers.find((r) => r.name === 'content')!
    const e = newRankers.find((r) => r.name === 'engagement')!
    newProductsChoice =
      c.ndcg.mean >= e.ndcg.mean
        ? {shipped: 'content', reason: `on ${setup.newProducts.length} products new after the split, content NDCG@${CHOICE_K} ${c.ndcg.mean.toFixed(4)} against ${e.ndcg.mean.toFixed(4)} for the global fallback`}
        : {shipped: 'engagement', reason: `on ${setup.newProducts.length} products new after the split, the global fallback (NDCG@${CHOICE_K} ${e.ndcg.mean.toFixed(4)}) beat content (${c.ndcg.mean.toFixed(4)})`}
  }
  return {
    choice,
    hybridWeights,
    newProductsChoice,
    evaluation: {
      split: {fraction, splitTime: new Date(setup.split.splitTsMs).toISOString(), trainInteractions: setup.split.trainRows, testInteractions: data.nRows - setup.split.trainRows},
      products: {...setup.counts, sampled: setup.counts.evaluated < setup.counts.scorable},
      ks: EVAL_KS,
      k: CHOICE_K,
      rankers,
      differences: choice.differences,
      best: choice.best,
      hybridWeights: hybridWeights ?? null,
      newProducts: {products: setup.newProducts.length, rankers: newRankers},
      elapsedMs: Date.now() - started,
    },
  }
}

/** Flat per-product lists built while materialising (no object per product). */
class ListBuilder {
  readonly offsets: Int32Array
  readonly users = new Growable(Int32Array)
  readonly scores = new Growable(Float32Array)
  readonly origins = new Growable(Uint8Array)
  private filled: Uint8Array

  constructor(n: number) {
    this.offsets = new Int32Array(n + 1)
    this.filled = new Uint8Array(n)
  }

  /** Lists must be added in product-key order (missing products count empty). */
  private next = 0

  add(p: number, users: Int32Array, scores: Float64Array, count: number, origins?: Uint8Array): void {
    while (this.next < p) this.offsets[++this.next] = this.users.length
    for (let i = 0; i < count; i++) {
      this.users.push(users[i])
      this.scores.push(scores[i])
      if (origins) this.origins.push(origins[i])
    }
    this.filled[p] = 1
    this.offsets[p + 1] = this.users.length
    this.next = p + 1
  }

  finish(): void {
    while (this.next < this.offsets.length - 1) this.offsets[++this.next] = this.users.length
  }

  get(p: number): {users: Int32Array; scores: Float32Array; origins: Uint8Array} | undefined {
    if (!this.filled[p]) return undefined
    const a = this.offsets[p]
    const b = this.offsets[p + 1]
    return {users: this.users.view().subarray(a, b), scores: this.scores.view().subarray(a, b), origins: this.origins.view().subarray(a, b)}
  }
}

/**
 * `recsys train`: measures the candidate rankings on the temporal split, ships the best (or the one
 * asked for), and stores for every product the head of its audience plus the ranking's prior, so
 * any n up to `maxN` is answered exactly by one lookup. Products without history (catalog-only)
 * get content audiences. Reports reach; `maxAudiencesPerUser` caps how many audiences a user joins.
 */
export async function runTrain(db: Db, options: TrainOptions = {}): Promise<TrainReport> {
  const started = Date.now()
  const requested = options.ranker ?? 'auto'
  const topN = options.topN ?? DEFAULT_TOP_N
  const maxN = Math.max(options.maxN ?? DEFAULT_MAX_N, topN)
  const seed = options.seed ?? 42
  const quick = options.quick ?? false
  const cap = options.maxAudiencesPerUser
  const fraction = options.split ?? DEFAULT_SPLIT
  const neighbors = options.neighbors ?? DEFAULT_NEIGHBORS
  const progress = options.onProgress ?? (() => {})
  if (!Number.isInteger(topN) || topN < 1 || topN > 10_000) throw new RecsysError('USAGE', `top-n must be an integer from 1 to 10000 (got ${topN})`, 'Pass e.g. --top-n 10.')
  if (!Number.isInteger(maxN) || maxN > 100_000) throw new RecsysError('USAGE', `max-n must be an integer up to 100000 (got ${maxN})`, 'Pass e.g. --max-n 100.')
  if (cap !== undefined && (!Number.isInteger(cap) || cap < 1)) throw new RecsysError('USAGE', `the frequency cap must be a positive integer (got ${cap})`, 'Pass e.g. --max-audiences-per-user 50.')
  if (!Number.isInteger(neighbors) || neighbors < 1) throw new RecsysError('USAGE', `neighbors must be a positive integer (got ${neighbors})`, 'Pass e.g. --neighbors 100.')
  if (options.decayDays !== undefined && !(options.decayDays > 0)) throw new RecsysError('USAGE', `decay days must be positive (got ${options.decayDays})`, 'Pass e.g. --decay-days 30.')

  const featuresRun = requireFreshRun<{params: ResolvedEngagementOptions}>(db, 'features')
  const engagement = featuresRun.params as unknown as ResolvedEngagementOptions
  const data = loadDataset(db)
  const catalog = loadProductCatalog(db, data.nProducts)
  const nProducts = data.nProducts + catalog.withoutHistory.length
  const attributes = catalog.attributes
  if ((requested === 'content' || requested === 'hybrid') && !attributes) {
    throw new RecsysError('NO_DATA', `the ${requested} ranking needs product names, categories or brands, and this store has none`, 'Prepare with --name-col/--category-col/--brand-col, or import attributes with `recsys catalog FILE`.')
  }
  let alsConfig: (AlsOptions & {alpha?: number; binary?: boolean}) | undefined
  const storedAls = (setup: EvalSetup): RankerEvaluation | undefined => {
    const found = storedAlsEvaluation(db, data.version, setup)
    alsConfig = found.config
    return found.evaluation
  }

  let outcome: EvaluationOutcome | undefined
  const tEval = Date.now()
  if (requested === 'auto' || !options.skipEval) {
    outcome = evaluateRankings(
      data,
      requested,
      {seed, split: fraction, quick, evalProducts: options.evalProducts ?? DEFAULT_EVAL_PRODUCTS, neighbors, decayDays: options.decayDays, bootstrapRounds: options.bootstrapRounds ?? 1000},
      engagement,
      attributes,
      nProducts,
      storedAls,
      progress,
    )
  }
  const evaluationMs = Date.now() - tEval
  const shipped: RankingName = requested === 'auto' ? outcome!.choice.shipped : requested
  const reason = requested === 'auto' ? outcome!.choice.reason : `asked for with --ranker ${requested}`
  const newProducts = outcome?.newProductsChoice ?? (attributes ? {shipped: 'content' as const, reason: 'new products are ranked by their name, category and brand'} : {shipped: 'engagement' as const, reason: 'no product attributes: new products get the most engaged users'})

  // Fit the shipped ranking on all the data.
  progress(`train: fitting ${shipped} on all ${data.nRows.toLocaleString('en-US')} interactions`)
  const tFit = Date.now()
  // All the data: engagement is the features stage's own (same rows, same options), and pair
  // aggregates are built only when a ranking that reads them is fitted.
  const needsPairs = PER_PRODUCT.includes(shipped) || (attributes !== undefined && newProducts.shipped === 'content')
  const storedEngagement = readColumn<Float64Array>(db, 'features.engagement')
  const storedOrder = readColumn<Int32Array>(db, 'features.ranked_users')
  const full = rankingData(data, data.nRows, engagement, {
    nProducts,
    attributes,
    aggregates: needsPairs,
    engagement: storedEngagement && storedOrder ? {scores: storedEngagement, order: storedOrder} : undefined,
  })
  const ctx: FitContext = {data: full, cooccurrence: {neighbors, decayDays: options.decayDays}, content: {}, hybridWeights: outcome?.hybridWeights}
  if (shipped === 'als') {
    // ALS is trained on all the data with cf-attempt's settings (or the defaults).
    ctx.als = await trainAlsOn(full, {...(alsConfig ?? {}), seed, lossEvery: 0})
  }
  const model = fitRanking(shipped, ctx)
  const contentModel = attributes && newProducts.shipped === 'content' ? (ctx.fitted?.content ?? fitContent(full)) : undefined
  const fitMs = Date.now() - tFit

  // Heads: product-specific evidence, to the largest n a lookup may ask.
  progress('train: ranking audiences')
  const tA = Date.now()
  const perProduct = PER_PRODUCT.includes(shipped)
  const heads = new ListBuilder(nProducts)
  const headUsers = new Int32Array(maxN)
  const headScores = new Float64Array(maxN)
  let withHeads = 0
  for (let p = 0; p < nProducts; p++) {
    const source = p < data.nProducts ? (perProduct ? model : undefined) : contentModel
    if (!source) continue
    const n = source.head(p, maxN, headUsers, headScores)
    if (n > 0) {
      heads.add(p, headUsers, headScores, n)
      withHeads++
    }
  }
  heads.finish()
  const priorScore = new Float32Array(data.nUsers)
  for (let u = 0; u < data.nUsers; u++) priorScore[u] = model.priorScore(u)
  const meta: ShippedMeta = {
    ranking: shipped,
    newProducts: newProducts.shipped,
    interleave: model.interleave,
    depth: maxN,
    topN,
    cap: cap ?? null,
    nData: data.nProducts,
    nProducts,
    reasons: model.reasons,
    newReasons: contentModel ? contentModel.reasons : {head: 'highly engaged customer', prior: 'highly engaged customer (a new product)'},
  }
  const headSource: HeadSource = {head: (p) => heads.get(p), capped: () => undefined}
  const parts: ModelParts = {
    meta: {...meta, cap: null},
    prior: model.prior,
    priorScore,
    engagementOrder: full.engagementOrder,
    engagement: full.engagement,
    interactors: full.interactors,
    heads: headSource,
    nUsers: full.engagement.length,
  }
  // Reach of the top-n audiences as they will be served; under a cap, the capped lists are built
  // greedily, most interacted products first, and users a cap has used up are recorded.
  const engine = new AudienceEngine(parts)
  const uncapped = new ReachCounter(data.nUsers)
  let short = 0
  const reuse = {kind: 'history' as const, count: 0, users: new Int32Array(topN), scores: new Float64Array(topN), origins: new Uint8Array(topN)}
  for (let p = 0; p < nProducts; p++) {
    const r = engine.rank(p, topN, undefined, reuse)
    uncapped.add(r.users, r.count)
    if (r.count < topN) short++
  }
  let reach: Reach = uncapped.result()
  const distinctUsersWithoutCap = reach.distinctUsers
  let capped: ListBuilder | undefined
  let exhausted: Uint8Array | undefined
  if (cap !== undefined) {
    const popularity = new Int32Array(nProducts)
    for (let i = 0; i < data.nRows; i++) popularity[data.productKey[i]]++
    const order = Int32Array.from({length: nProducts}, (_, p) => p).sort((a, b) => popularity[b] - popularity[a] || a - b)
    const used = new Int32Array(data.nUsers)
    const lists: Array<{users: Int32Array; scores: Float64Array; origins: Uint8Array; count: number}> = Array.from({length: nProducts})
    const counter = new ReachCounter(data.nUsers)
    short = 0
    for (const p of order) {
      const r = engine.rank(p, topN, (u) => used[u] >= cap)
      for (let i = 0; i < r.count; i++) used[r.users[i]]++
      lists[p] = r
      counter.add(r.users, r.count)
      if (r.count < topN) short++
    }
    capped = new ListBuilder(nProducts)
    for (let p = 0; p < nProducts; p++) capped.add(p, lists[p].users, lists[p].scores, lists[p].count, lists[p].origins)
    capped.finish()
    exhausted = new Uint8Array(data.nUsers)
    for (let u = 0; u < data.nUsers; u++) if (used[u] >= cap) exhausted[u] = 1
    reach = counter.result()
  }
  const audiencesMs = Date.now() - tA

  const idOf = db.prepare('SELECT user_id FROM users WHERE user_key = ?').pluck()
  const cold = engine.rankCold(topN)
  const coldStart = Array.from(cold.users.subarray(0, cold.count), (u, i) => ({rank: i + 1, customerId: idOf.get(u) as string, score: cold.scores[i]}))

  progress('train: writing audiences')
  const tW = Date.now()
  const params = {topN, maxN, quick, seed, maxAudiencesPerUser: cap ?? null, split: fraction, neighbors, decayDays: options.decayDays ?? null}
  let storedSlots = 0
  const reportBase = {
    datasetVersion: data.version,
    featuresRunId: featuresRun.runId,
    ranker: {requested, shipped, reason, newProducts},
    params,
    products: {total: nProducts, withHistory: data.nProducts, withoutHistory: catalog.withoutHistory.length, withHeads},
    reach: {...reach, distinctUsersWithoutCap},
    coldStart,
    evaluation: outcome?.evaluation ?? null,
    meta,
  }
  db.transaction(() => {
    // Catalog products without history get keys after the data's products.
    db.prepare('DELETE FROM products WHERE product_key >= ?').run(data.nProducts)
    bulkInsert(db, 'products', ['product_key', 'product_id', 'name'], catalog.withoutHistory.length, (i, p, at) => {
      p[at] = data.nProducts + i
      p[at + 1] = catalog.withoutHistory[i].id
      p[at + 2] = catalog.withoutHistory[i].name
    })
    const written = writeShippedModel(db, {
      nProducts,
      prior: model.prior,
      priorScore,
      priorIsEngagement: shipped === 'engagement',
      interactors: full.interactors,
      exhausted,
      content: (contentModel as (RankingModel & {index?: ContentIndex}) | undefined)?.index,
      lists: (p) => ({head: heads.get(p), capped: capped?.get(p)}),
    })
    storedSlots = written.slots
    writeColumn(db, 'audience.cold_start', cold.users.slice(0, cold.count))
    const summary = {...reportBase, audiences: {short, storedSlots}, timings: {evaluationMs, fitMs, audiencesMs, writeMs: 0}, elapsedMs: Date.now() - started}
    recordRun(db, {stage: 'train', datasetVersion: data.version, params: {...params, ranker: requested, meta}, startedAtMs: started, summary, inputs: {features: featuresRun.runId}})
  })()
  const writeMs = Date.now() - tW
  return {...reportBase, audiences: {short, storedSlots}, timings: {evaluationMs, fitMs, audiencesMs, writeMs}, elapsedMs: Date.now() - started}
}

export type {RankingData}
