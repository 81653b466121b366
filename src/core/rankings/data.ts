import {computeFeatures, rankUsers, type ResolvedEngagementOptions} from '../engagement/score.js'
import {pairCsr, transposeCsr} from '../matrix/csr.js'
import type {Dataset} from '../store/dataset.js'
import type {ProductAttributes, RankingData} from './contract.js'

/**
 * The fit input of every ranking for interactions [0, rows): interactors and histories as sorted
 * pair matrices (with summed event weights and last times), the period's active users and its
 * engagement. `nProducts` may exceed the dataset's (catalog-only products, with no interactions).
 */
export function rankingData(
  data: Dataset,
  rows: number,
  engagementOptions: ResolvedEngagementOptions,
  options: {nProducts?: number; attributes?: ProductAttributes} = {},
): RankingData {
  const nProducts = Math.max(data.nProducts, options.nProducts ?? 0)
  const eventWeight = Float64Array.from(data.eventNames, (e) => engagementOptions.eventWeights[e] ?? engagementOptions.otherEventWeight)
  const weights = new Float64Array(rows)
  for (let i = 0; i < rows; i++) weights[i] = eventWeight[data.eventKey[i]]
  const interactors = pairCsr(data.productKey, data.userKey, nProducts, data.nUsers, 0, rows, {weights, tsMs: data.tsMs})
  const histories = transposeCsr(interactors, data.nUsers)
  const features = computeFeatures(data, data.nUsers, data.nProducts, data.eventNames, engagementOptions, 0, rows)
  let activeCount = 0
  for (let u = 0; u < data.nUsers; u++) activeCount += features.active[u]
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
    histories,
    active: features.active,
    activeCount,
    engagement: features.engagement,
    engagementOrder: rankUsers(features.engagement, features.active),
    endTsMs: rows > 0 ? data.tsMs[rows - 1] : 0,
    attributes: options.attributes,
  }
}
