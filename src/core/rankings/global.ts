import {recencyRuleScores} from './recency-rule.js'
import {rankUsers} from '../engagement/score.js'
import {rowHas} from '../matrix/csr.js'
import {createRng} from '../util/rng.js'
import type {RankingData, RankingModel} from './contract.js'

/**
 * Rankings by one global order of users: every product's audience is the same order with the
 * product's interactors skipped. Their head is empty; the prior is the ranking.
 */
function globalModel(name: RankingModel['name'], score: Float64Array, order: Int32Array, reason: string): RankingModel {
  return {
    name,
    head: () => 0,
    prior: order,
    priorScore: (u) => score[u],
    interleave: false,
    reasons: {head: reason, prior: reason},
  }
}

/**
 * Scales a global score to [0, 1] over the period's users ((x − min) / (max − min)), so every
 * audience shows a score a person can read; the order is unchanged.
 */
function unitScale(score: Float64Array, active: Uint8Array): Float64Array {
  let min = Number.POSITIVE_INFINITY
  let max = Number.NEGATIVE_INFINITY
  for (let u = 0; u < score.length; u++) {
    if (!active[u]) continue
    if (score[u] < min) min = score[u]
    if (score[u] > max) max = score[u]
  }
  const out = new Float64Array(score.length)
  const range = max - min
  for (let u = 0; u < score.length; u++) if (active[u]) out[u] = range > 0 ? (score[u] - min) / range : 1
  return out
}

/** The engagement score of the period (features' formula), highest first; ties by user key. */
export function fitEngagement(data: RankingData): RankingModel {
  return globalModel('engagement', data.engagement, data.engagementOrder, 'highly engaged customer')
}

/** Users by their last interaction in the period, latest first (score: that time, scaled to [0, 1]). */
export function fitMostRecent(data: RankingData): RankingModel {
  const last = new Float64Array(data.nUsers)
  for (let i = 0; i < data.rows; i++) last[data.userKey[i]] = data.tsMs[i]
  return globalModel('most-recent', unitScale(last, data.active), rankUsers(last, data.active), 'active most recently')
}

/** Users by their number of interactions in the period. */
export function fitMostActive(data: RankingData): RankingModel {
  const count = new Float64Array(data.nUsers)
  for (let i = 0; i < data.rows; i++) count[data.userKey[i]]++
  return globalModel('most-active', unitScale(count, data.active), rankUsers(count, data.active), 'most interactions')
}

/** The original system's rule: events in the last 30 days / (whole days since the last event + 1). */
export function fitRecencyRule(data: RankingData): RankingModel {
  const score = recencyRuleScores(data.userKey, data.tsMs, data.nUsers, 0, data.rows)
  return globalModel('recency-rule', unitScale(score, data.active), rankUsers(score, data.active), 'recent and frequent (the original rule)')
}

/**
 * The evaluation's null model: for each product, k users drawn uniformly from the period's users
 * (seeded per product, so the draw does not depend on which products are evaluated), never an
 * interactor. Not shippable.
 */
export function fitRandom(data: RankingData, seed: number): RankingModel {
  const candidates = new Int32Array(data.activeCount)
  for (let u = 0, w = 0; u < data.nUsers; u++) if (data.active[u]) candidates[w++] = u
  const empty = new Int32Array(0)
  return {
    name: 'random',
    head(p, depth, users, scores) {
      const rng = createRng(seed * 1_000_003 + p)
      let w = 0
      for (let tries = 0; w < depth && tries < depth * 50 && candidates.length > 0; tries++) {
        const u = candidates[rng.int(candidates.length)]
        if (rowHas(data.interactors, p, u)) continue
        let seen = false
        for (let j = 0; j < w; j++) if (users[j] === u) seen = true
        if (seen) continue
        users[w] = u
        scores[w] = 0
        w++
      }
      return w
    },
    prior: empty,
    priorScore: () => 0,
    interleave: false,
    reasons: {head: 'drawn at random', prior: 'drawn at random'},
  }
}
