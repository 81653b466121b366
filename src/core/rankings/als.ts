import {type AlsModel, type AlsOptions, confidenceMatrices, scoreUsers, trainAls} from '../als/als.js'
import {type RankingData, type RankingModel, TopList} from './contract.js'

/** The factors an ALS ranking needs (X: users × f, Y: products × f, row-major). */
export interface AlsFactors {
  factors: number
  nUsers: number
  nItems: number
  X: Float64Array | Float32Array
  Y: Float64Array | Float32Array
}

export interface AlsFitOptions extends AlsOptions {
  alpha?: number
  binary?: boolean
}

/** Trains implicit ALS on the period's interactions (c = 1 + α·r, r the summed event weight). */
export async function trainAlsOn(data: RankingData, options: AlsFitOptions = {}): Promise<AlsModel> {
  const weights = new Float64Array(data.rows)
  for (let i = 0; i < data.rows; i++) weights[i] = data.eventWeight[data.eventKey[i]]
  const {users, items} = confidenceMatrices(
    data.userKey.subarray(0, data.rows),
    data.productKey.subarray(0, data.rows),
    weights,
    data.nUsers,
    data.nProducts,
    options.alpha ?? 1,
    options.binary ?? false,
  )
  return trainAls(users, items, options)
}

/**
 * ALS as a ranking: the head of p is the `depth` active users with the highest x_u·y_p (a dense
 * pass over users), ties by engagement, interactors left out; users without factors follow
 * engagement.
 */
export function alsModel(data: RankingData, model: AlsFactors): RankingModel {
  const candidates = new Int32Array(data.activeCount)
  let n = 0
  for (let u = 0; u < Math.min(data.nUsers, model.nUsers); u++) if (data.active[u]) candidates[n++] = u
  const users = candidates.subarray(0, n)
  const scores = new Float64Array(n)
  const stamp = new Int32Array(data.nUsers).fill(-1)
  let tag = 0
  let top = new TopList(128)
  return {
    name: 'als',
    head(p, depth, outUsers, outScores) {
      if (p >= model.nItems) return 0
      scoreUsers(model, p, users, scores)
      tag++
      const {interactors} = data
      if (p < interactors.nRows) for (let y = interactors.offsets[p]; y < interactors.offsets[p + 1]; y++) stamp[interactors.cols[y]] = tag
      if (top.depth < depth) top = new TopList(depth)
      top.reset()
      for (let k = 0; k < users.length; k++) {
        const s = scores[k]
        if (s < top.floor) continue
        const u = users[k]
        if (stamp[u] !== tag) top.push(u, s, data.engagement[u])
      }
      return top.copyTo(outUsers, outScores, depth)
    },
    prior: data.engagementOrder,
    priorScore: () => 0,
    interleave: false,
    reasons: {head: 'taste profile (ALS factors) matches this product', prior: 'highly engaged customer (no factors)'},
  }
}
