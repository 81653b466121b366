import type {Rng} from '../util/rng.js'

export interface Interval {
  mean: number
  low: number
  high: number
}

/**
 * Percentile bootstrap over products: resample the per-product values with replacement `rounds`
 * times and take the (1−level)/2 and (1+level)/2 quantiles of the resampled means. Given several
 * series measured on the same products (e.g. a model and a baseline), `paired` resamples the
 * same product indices for all, so differences keep their pairing.
 */
export function bootstrapMeans(series: Float64Array[], rng: Rng, rounds = 1000, level = 0.95): Interval[] {
  const n = series[0]?.length ?? 0
  const means = series.map(() => new Float64Array(rounds))
  for (let r = 0; r < rounds; r++) {
    const sums = new Float64Array(series.length)
    for (let i = 0; i < n; i++) {
      const j = rng.int(n)
      for (let s = 0; s < series.length; s++) sums[s] += series[s][j]
    }
    for (let s = 0; s < series.length; s++) means[s][r] = n > 0 ? sums[s] / n : 0
  }
  return series.map((values, s) => {
    const sorted = means[s].sort()
    let total = 0
    for (let i = 0; i < n; i++) total += values[i]
    const lowIndex = Math.floor(((1 - level) / 2) * (rounds - 1))
    const highIndex = Math.ceil(((1 + level) / 2) * (rounds - 1))
    return {mean: n > 0 ? total / n : 0, low: sorted[lowIndex] ?? 0, high: sorted[highIndex] ?? 0}
  })
}

/** Per-product differences a − b. */
export function difference(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length)
  for (let i = 0; i < a.length; i++) out[i] = a[i] - b[i]
  return out
}
