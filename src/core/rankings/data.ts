import {computeFeatures, rankUsers, type ResolvedEngagementOptions} from '../engagement/score.js'
import {type PairCsr, pairCsr, transposeCsr} from '../matrix/csr.js'
import type {Dataset} from '../store/dataset.js'
import type {ProductAttributes, RankingData} from './contract.js'

export interface RankingDataOptions {
  /** Products beyond the dataset's (catalog-only, with no interactions). */
  nProducts?: number
  attributes?: ProductAttributes
  /**
   * Keep each pair's summed event weight and last time (co-occurrence, content and ALS need them;
   * a global ranking does not, and at tens of millions of pairs they cost a gigabyte).
   */
  aggregates?: boolean
  /** The period's engagement, when it is already known (the features stage's, for all the data). */
  engagement?: {scores: Float64Array; order: Int32Array}
}

/**
 * The fit input of every ranking for interactions [0, rows): interactors as a sorted pair matrix,
 * the period's active users and its engagement; histories (the transpose) are built on first use.
 * `nProducts` may exceed the dataset's (catalog-only products, with no interactions).
 */
export function rankingData(data: Dataset, rows: number, engagementOptions: ResolvedEngagementOptions, options: RankingDataOptions = {}): RankingData {
  const nProducts = Math.max(data.nProducts, options.nProducts ?? 0)
  const eventWeight = Float64Array.from(data.eventNames, (e) => engagementOptions.eventWeights[e] ?? engagementOptions.otherEventWeight)
  const aggregates = options.aggregates ?? true
  let weights: Float64Array | undefined
  if (aggregates) {
    weights = new Float64Array(rows)
    for (let i = 0; i < rows; i++) weights[i] = eventWeight[data.eventKey[i]]
  }
  const interactors = pairCsr(data.productKey, data.userKey, nProducts, data.nUsers, 0, rows, aggregates ? {weights, tsMs: data.tsMs} : {})
  weights = undefined
  let scores: Float64Array
  let order: Int32Array
  const active = new Uint8Array(data.nUsers)
  for (let i = 0; i < rows; i++) active[data.userKey[i]] = 1
  if (options.engagement) {
    scores = options.engagement.scores
    order = options.engagement.order
  } else {
    const features = computeFeatures(data, data.nUsers, data.nProducts, data.eventNames, engagementOptions, 0, rows)
    scores = features.engagement
    order = rankUsers(features.engagement, features.active)
  }
  let activeCount = 0
  for (let u = 0; u < data.nUsers; u++) activeCount += active[u]
  let histories: PairCsr | undefined
  return {
    nUsers: data.nUsers,
    nProducts,
    rows,
    userKey: data.userKey,
    productKey: data.productKey,
    eventKey: data.eventKey,
    tsMs: data.tsMs,
    eventWeight,
    interactors,
    get histories(): PairCsr {
      histories ??= transposeCsr(interactors, data.nUsers)
      return histories
    },
    active,
    activeCount,
    engagement: scores,
    engagementOrder: order,
    endTsMs: rows > 0 ? data.tsMs[rows - 1] : 0,
    attributes: options.attributes,
  }
}
