/**
 * Ranking metrics for one product's top-k list against its ground-truth users. `hitsAt[i]` is 1
 * when the user at rank i+1 is in the truth set. One small function per metric.
 */

/** Hits among the first k ranks / k. */
export function precisionAtK(hitsAt: Uint8Array, k: number): number {
  let hits = 0
  for (let i = 0; i < k && i < hitsAt.length; i++) hits += hitsAt[i]
  return hits / k
}

/** Hits among the first k ranks / number of truth users. */
export function recallAtK(hitsAt: Uint8Array, k: number, truthSize: number): number {
  if (truthSize === 0) return 0
  let hits = 0
  for (let i = 0; i < k && i < hitsAt.length; i++) hits += hitsAt[i]
  return hits / truthSize
}

/** 1 when any of the first k ranks is a hit. */
export function hitRateAtK(hitsAt: Uint8Array, k: number): number {
  for (let i = 0; i < k && i < hitsAt.length; i++) if (hitsAt[i]) return 1
  return 0
}

/** DCG of the first k ranks (gain 1 per hit, discount log2(rank+1)) over the ideal DCG. */
export function ndcgAtK(hitsAt: Uint8Array, k: number, truthSize: number): number {
  if (truthSize === 0) return 0
  let dcg = 0
  for (let i = 0; i < k && i < hitsAt.length; i++) if (hitsAt[i]) dcg += 1 / Math.log2(i + 2)
  let ideal = 0
  for (let i = 0; i < Math.min(k, truthSize); i++) ideal += 1 / Math.log2(i + 2)
  return dcg / ideal
}

export function mean(values: Float64Array): number {
  if (values.length === 0) return 0
  let s = 0
  for (let i = 0; i < values.length; i++) s += values[i]
  return s / values.length
}
