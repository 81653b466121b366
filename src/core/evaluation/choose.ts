import type {Interval} from '../metrics/bootstrap.js'
import {type RankingName, SIMPLICITY} from '../rankings/contract.js'
import type {Rng} from '../util/rng.js'
import {pairedDifference, type RankerEvaluation} from './protocol.js'

export interface Choice {
  best: RankingName
  shipped: RankingName
  reason: string
  /** (best − other) NDCG@k over the same products, 95% paired bootstrap interval, for every other candidate. */
  differences: Array<{name: RankingName; minusBest: Interval}>
}

const includesZero = (i: Interval): boolean => i.low <= 0 && i.high >= 0
const f4 = (x: number): string => x.toFixed(4)

/**
 * The best ranking by mean NDCG@k; then the simplest ranking that cannot be told apart from it:
 * the paired bootstrap interval of (best − simpler) over the same products includes zero.
 * (Overlapping marginal intervals would be too weak a test: they hide real, paired gains.)
 */
export function chooseRanking(evaluations: RankerEvaluation[], k: number, rng: () => Rng, rounds = 1000): Choice {
  const ndcg = (e: RankerEvaluation): Float64Array => e.perProduct.find((m) => m.k === k)!.ndcg
  const meanAt = (e: RankerEvaluation): number => e.metrics.find((m) => m.k === k)!.ndcg
  const simplicity = (name: string): number => SIMPLICITY.indexOf(name as RankingName)
  const ordered = [...evaluations].sort((a, b) => meanAt(b) - meanAt(a) || simplicity(a.name) - simplicity(b.name))
  const best = ordered[0]
  const differences = evaluations
    .filter((e) => e !== best)
    .map((e) => ({name: e.name as RankingName, minusBest: pairedDifference(ndcg(best), ndcg(e), rng(), rounds)}))
  const products = ndcg(best).length
  if (products === 0) {
    return {best: best.name as RankingName, shipped: 'engagement', reason: 'no product could be scored on the temporal split, so nothing was measured; shipping engagement, the default', differences}
  }
  const simpler = differences
    .filter((d) => simplicity(d.name) < simplicity(best.name) && includesZero(d.minusBest))
    .sort((a, b) => simplicity(a.name) - simplicity(b.name))
  if (simpler.length > 0) {
    const s = simpler[0]
    const e = evaluations.find((x) => x.name === s.name)!
    return {
      best: best.name as RankingName,
      shipped: s.name,
      reason: `${best.name} has the best NDCG@${k} (${f4(meanAt(best))}), but ${s.name} (${f4(meanAt(e))}) cannot be told apart from it: the 95% paired interval of the difference over ${products} products, [${f4(s.minusBest.low)}, ${f4(s.minusBest.high)}], includes zero, and ${s.name} is simpler`,
      differences,
    }
  }
  // The closest simpler contender, to say by how much it lost.
  const closest = ordered.find((e) => simplicity(e.name) < simplicity(best.name))
  const gap = closest ? differences.find((d) => d.name === closest.name)!.minusBest : undefined
  return {
    best: best.name as RankingName,
    shipped: best.name as RankingName,
    reason: closest
      ? `${best.name} has the best NDCG@${k} (${f4(meanAt(best))}) and every simpler ranking is measurably below it: the closest, ${closest.name} (${f4(meanAt(closest))}), trails by a 95% paired interval of [${f4(gap!.low)}, ${f4(gap!.high)}] over ${products} products, which excludes zero`
      : `${best.name} has the best NDCG@${k} (${f4(meanAt(best))}) and is the simplest ranking measured`,
    differences,
  }
}
