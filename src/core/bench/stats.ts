/** Small pure helpers for benchmark figures. */

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/** The q-quantile (0..1) by linear interpolation between order statistics. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN
  const s = [...values].sort((a, b) => a - b)
  const pos = q * (s.length - 1)
  const lo = Math.floor(pos)
  const hi = Math.min(s.length - 1, lo + 1)
  return s[lo] + (s[hi] - s[lo]) * (pos - lo)
}

/**
 * How time grows per 10× rows between two sizes: (t2/t1)^(1 / log10(n2/n1)). 10 means linear;
 * above 10, worse than linear.
 */
export function growthPer10x(rows1: number, ms1: number, rows2: number, ms2: number): number {
  if (!(rows2 > rows1) || !(ms1 > 0) || !(ms2 > 0)) return Number.NaN
  return Math.pow(ms2 / ms1, 1 / Math.log10(rows2 / rows1))
}
