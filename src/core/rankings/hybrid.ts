import {type RankingData, type RankingModel, TopList} from './contract.js'

/** Blend weights: co-occurrence, content and the engagement prior (each part normalised to [0, 1]). */
export interface HybridWeights {
  cooccurrence: number
  content: number
  prior: number
}

/** The grid the weights are tuned over (on a validation slice of the training period). */
export function hybridGrid(): HybridWeights[] {
  const grid: HybridWeights[] = []
  for (const prior of [0, 0.1, 0.3]) {
    for (const a of [0, 0.25, 0.5, 0.75, 1]) grid.push({cooccurrence: a * (1 - prior), content: (1 - a) * (1 - prior), prior})
  }
  return grid
}

/**
 * The hybrid ranking: score(u, p) = a·ĉ(u, p) + b·t̂(u, p) + g·ê(u), where ĉ and t̂ are the
 * co-occurrence and content scores divided by p's best score of each (so both lie in [0, 1]) and
 * ê is engagement over its maximum. Its head is the union of the two parts' heads, re-scored;
 * every other user scores g·ê(u), so head and prior interleave by score. A user beyond a part's
 * head counts 0 for that part (the heads are deep enough that this rarely matters).
 */
export function fitHybrid(data: RankingData, cooccurrence: RankingModel, content: RankingModel, weights: HybridWeights): RankingModel {
  let maxEngagement = 0
  for (let u = 0; u < data.nUsers; u++) if (data.engagement[u] > maxEngagement) maxEngagement = data.engagement[u]
  const prior = (u: number): number => (maxEngagement > 0 ? (weights.prior * data.engagement[u]) / maxEngagement : 0)
  const acc = new Float64Array(data.nUsers)
  const seen = new Int32Array(data.nUsers).fill(-1)
  let tag = 0
  let bufUsers = new Int32Array(256)
  let bufScores = new Float64Array(256)
  let touched = new Int32Array(512)
  let top = new TopList(128)
  return {
    name: 'hybrid',
    head(p, depth, users, scores) {
      if (bufUsers.length < depth) {
        bufUsers = new Int32Array(depth)
        bufScores = new Float64Array(depth)
        touched = new Int32Array(2 * depth)
      }
      const t = ++tag
      let nTouched = 0
      const add = (part: RankingModel, weight: number): void => {
        if (weight === 0) return
        const n = part.head(p, depth, bufUsers, bufScores)
        const best = n > 0 ? bufScores[0] : 0
        if (!(best > 0)) return
        for (let i = 0; i < n; i++) {
          const u = bufUsers[i]
          if (seen[u] !== t) {
            seen[u] = t
            acc[u] = prior(u)
            touched[nTouched++] = u
          }
          acc[u] += (weight * bufScores[i]) / best
        }
      }
      add(cooccurrence, weights.cooccurrence)
      add(content, weights.content)
      if (top.depth < depth) top = new TopList(depth)
      top.reset()
      for (let i = 0; i < nTouched; i++) top.push(touched[i], acc[touched[i]], data.engagement[touched[i]])
      return top.copyTo(users, scores, depth)
    },
    prior: data.engagementOrder,
    priorScore: prior,
    interleave: true,
    reasons: {head: blendReason(weights), prior: 'highly engaged customer'},
  }
}

/** The "why" of a hybrid head: only the parts the tuned blend actually weighs. */
function blendReason(w: HybridWeights): string {
  const parts = [w.content > 0 ? 'similar products' : '', w.cooccurrence > 0 ? 'co-occurring products' : '', w.prior > 0 ? 'engagement' : ''].filter(Boolean)
  if (parts.length === 0) return 'blend'
  return `blend: ${parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : parts[0]}`
}
