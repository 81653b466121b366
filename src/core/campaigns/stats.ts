import {RecsysError} from '../errors.js'

/**
 * Statistics for measuring a campaign's lift: a treatment group against a control group, as
 * proportions (who converted) and as means (revenue per member). Pure functions, no I/O.
 *
 * Conventions, the same in every function:
 * - `level` is the two-sided confidence level, 0.95 unless given, strictly between 0 and 1.
 * - Counts are checked (0 ≤ x ≤ n, n > 0); bad input throws a RecsysError instead of returning NaN.
 * - No output is ever NaN. A bound the data cannot fix (a ratio over zero, the spread of one value)
 *   is ±Infinity and says so in its doc; `jsonSafe` turns those into null for JSON.
 */

export interface Interval {
  estimate: number
  low: number
  high: number
}

/** The same fields with every non-finite number as null (JSON has no Infinity). */
export type JsonSafe<T> = {[K in keyof T]: T[K] extends number ? number | null : T[K]}

/** A copy of an interval (or any flat result) fit for JSON.stringify: ±Infinity and NaN become null. */
export function jsonSafe<T extends object>(result: T): JsonSafe<T> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(result)) out[key] = typeof value === 'number' && !Number.isFinite(value) ? null : value
  return out as JsonSafe<T>
}

// ---------------------------------------------------------------------------------------------
// The standard normal distribution
// ---------------------------------------------------------------------------------------------

const SQRT_2PI = Math.sqrt(2 * Math.PI)

/** φ(z), the standard normal density. */
function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / SQRT_2PI
}

/**
 * Φ(z), the standard normal CDF, to about 1e-15 absolute and 1e-13 relative, tails included.
 *
 * |z| < 3, Marsaglia's series (J. Stat. Software 11(4), 2004):
 *   Φ(z) = ½ + φ(z)·(z + z³/3 + z⁵/(3·5) + z⁷/(3·5·7) + …)
 * |z| ≥ 3, Laplace's continued fraction for the upper tail (Abramowitz & Stegun 26.2.14):
 *   Q(z) = φ(z) / (z + 1/(z + 2/(z + 3/(z + …))))
 * The series alone would lose the relative accuracy of small tails to cancellation against ½; the
 * fraction converges to double precision within 60 terms for z ≥ 3 (checked against mpmath).
 */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN
  if (Math.abs(z) < 3) return 0.5 + normalPdf(z) * marsagliaSeries(z)
  const tail = upperTail(Math.abs(z))
  return z > 0 ? 1 - tail : tail
}

/** z + z³/3 + z⁵/(3·5) + …, summed until a term no longer changes the sum. */
function marsagliaSeries(z: number): number {
  const z2 = z * z
  let term = z
  let sum = z
  for (let k = 1; k < 200; k++) {
    term *= z2 / (2 * k + 1)
    const next = sum + term
    if (next === sum) break
    sum = next
  }
  return sum
}

/** Q(z) = 1 − Φ(z) for z ≥ 3 by the continued fraction, evaluated from the 60th term back. */
function upperTail(z: number): number {
  let f = z
  for (let k = 60; k >= 1; k--) f = z + k / f
  return normalPdf(z) / f
}

// Acklam's rational approximations to Φ⁻¹ (P. J. Acklam, "An algorithm for computing the inverse
// normal cumulative distribution function", 2003): relative error below 1.15e-9 before refinement.
const ACKLAM_A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239]
const ACKLAM_B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1]
const ACKLAM_C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783]
const ACKLAM_D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416]
const ACKLAM_P_LOW = 0.02425

/**
 * Φ⁻¹(p): Acklam's approximation, then one Halley step on Φ(x) − p with the CDF above, which brings
 * it to about 1e-15 relative (the CDF's own accuracy). The work is done in the lower tail, where
 * q = min(p, 1 − p) is exact, so quantiles near 1 keep their precision. Φ⁻¹(0) = −∞, Φ⁻¹(1) = +∞.
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RecsysError('USAGE', `a probability must be between 0 and 1, got ${p}`, 'Pass a probability such as 0.975.')
  if (p === 0) return Number.NEGATIVE_INFINITY
  if (p === 1) return Number.POSITIVE_INFINITY
  const q = p < 0.5 ? p : 1 - p
  let x = acklamLower(q)
  // Halley: x ← x − u / (1 + x·u/2), u = (Φ(x) − q) / φ(x).
  const u = (normalCdf(x) - q) / normalPdf(x)
  x -= u / (1 + (x * u) / 2)
  return p < 0.5 ? x : -x
}

/** Acklam's approximation for q ≤ ½ (result ≤ 0). */
function acklamLower(q: number): number {
  const [a1, a2, a3, a4, a5, a6] = ACKLAM_A
  const [b1, b2, b3, b4, b5] = ACKLAM_B
  const [c1, c2, c3, c4, c5, c6] = ACKLAM_C
  const [d1, d2, d3, d4] = ACKLAM_D
  if (q < ACKLAM_P_LOW) {
    const r = Math.sqrt(-2 * Math.log(q))
    return (((((c1 * r + c2) * r + c3) * r + c4) * r + c5) * r + c6) / ((((d1 * r + d2) * r + d3) * r + d4) * r + 1)
  }
  const s = q - 0.5
  const r = s * s
  return ((((((a1 * r + a2) * r + a3) * r + a4) * r + a5) * r + a6) * s) / (((((b1 * r + b2) * r + b3) * r + b4) * r + b5) * r + 1)
}

// ---------------------------------------------------------------------------------------------
// Student's t distribution
// ---------------------------------------------------------------------------------------------

/**
 * ln Γ(z) for z > 0: shift up to z ≥ 15 with Γ(z) = Γ(z + 1)/z, then Stirling's series
 *   ln Γ(z) ≈ (z − ½) ln z − z + ½ ln 2π + 1/(12z) − 1/(360z³) + 1/(1260z⁵) − 1/(1680z⁷) + 1/(1188z⁹)
 * whose first omitted term is below 1e-14 at z = 15.
 */
function lnGamma(z: number): number {
  let shift = 0
  while (z < 15) {
    shift += Math.log(z)
    z += 1
  }
  return (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + stirlingSeries(z) - shift
}

/** The Stirling series part of ln Γ(z) for z ≥ 15: 1/(12z) − 1/(360z³) + 1/(1260z⁵) − 1/(1680z⁷) + 1/(1188z⁹). */
function stirlingSeries(z: number): number {
  const w = 1 / (z * z)
  return (1 / z) * (1 / 12 - w * (1 / 360 - w * (1 / 1260 - w * (1 / 1680 - w / 1188))))
}

/**
 * ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). For a large argument A (the other B), ln Γ(A) and
 * ln Γ(A + B) are huge and nearly equal, so their difference is taken inside Stirling's formula:
 *   ln Γ(A) − ln Γ(A + B) = −(A − ½)·ln(1 + B/A) − B·ln(A + B) + B + S(A) − S(A + B)
 * which keeps full precision at a million degrees of freedom (the plain sum loses about 7 digits).
 */
function lnBeta(a: number, b: number): number {
  const big = Math.max(a, b)
  const small = Math.min(a, b)
  if (big < 15) return lnGamma(a) + lnGamma(b) - lnGamma(a + b)
  const ratio = -(big - 0.5) * Math.log1p(small / big) - small * Math.log(big + small) + small + stirlingSeries(big) - stirlingSeries(big + small)
  return lnGamma(small) + ratio
}

/**
 * The regularized incomplete beta I_x(a, b), with 1 − x passed too so that callers who know it
 * exactly (t²/(ν + t²)) do not lose it to rounding. Continued fraction of Abramowitz & Stegun 26.5.8,
 *   I_x(a, b) = x^a (1 − x)^b / (a B(a, b)) · 1/(1 + d₁/(1 + d₂/(1 + …)))
 *   d_{2m+1} = −(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)),  d_{2m} = m (b − m) x / ((a + 2m − 1)(a + 2m)),
 * evaluated by the modified Lentz method; it converges fast for x < (a + 1)/(a + b + 2), and the
 * other side uses I_x(a, b) = 1 − I_{1−x}(b, a).
 */
function incompleteBeta(x: number, oneMinusX: number, a: number, b: number): number {
  if (x <= 0) return 0
  if (oneMinusX <= 0) return 1
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(oneMinusX, x, b, a)
  // ln x from 1 − x when x is near 1 (and the other way round), where the direct log loses digits.
  const lnX = x < 0.5 ? Math.log(x) : Math.log1p(-oneMinusX)
  const lnOneMinusX = x < 0.5 ? Math.log1p(-x) : Math.log(oneMinusX)
  const front = Math.exp(a * lnX + b * lnOneMinusX - lnBeta(a, b)) / a
  return front * betaContinuedFraction(x, a, b)
}

/**
 * 1/(1 + d₁/(1 + d₂/(1 + …))) by the modified Lentz method (Thompson & Barnett, J. Comput. Phys. 64,
 * 1986): the fraction b₀ + a₁/(b₁ + a₂/(b₂ + …)) with b₀ = 0, every b_j = 1, a₁ = 1, a_{j+1} = d_j.
 */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300
  let f = tiny
  let c = tiny
  let d = 0
  for (let j = 1; j < 100_000; j++) {
    const aj = j === 1 ? 1 : betaTerm(j - 1, x, a, b)
    d = 1 + aj * d
    if (Math.abs(d) < tiny) d = tiny
    d = 1 / d
    c = 1 + aj / c
    if (Math.abs(c) < tiny) c = tiny
    const delta = c * d
    f *= delta
    if (Math.abs(delta - 1) < 1e-15) break
  }
  return f
}

/** d_k of the incomplete beta fraction. */
function betaTerm(k: number, x: number, a: number, b: number): number {
  if (k % 2 === 0) {
    const m = k / 2
    return (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m))
  }
  const m = (k - 1) / 2
  return (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1))
}

/**
 * Above this many degrees of freedom the t distribution is handled through its Cornish–Fisher
 * expansion around the normal: there the incomplete beta's continued fraction sits near its
 * switch-over point and loses digits (1e-10 at a million degrees of freedom), while the expansion's
 * error, of order z¹¹/ν⁵, is negligible for any tail that matters.
 */
const LARGE_DF = 1e4

/**
 * P(T > t) for t ≥ 0 and ν degrees of freedom: ½ I_{ν/(ν+t²)}(ν/2, ½) up to LARGE_DF, about 1e-14
 * relative (checked against mpmath); beyond, Q(z) for the z whose Cornish–Fisher quantile is t:
 * about 1e-14 relative for tails above 1e-20, degrading to 1e-6 in tails below 1e-190.
 */
function studentUpperTail(t: number, df: number): number {
  // Past t = 38 the tail is below 1e-300 and the expansion no longer converges; the fraction,
  // far from its switch-over point there, is accurate again.
  if (df > LARGE_DF && t < 38) return normalCdf(-cornishFisherInverse(t, df))
  const t2 = t * t
  return 0.5 * incompleteBeta(df / (df + t2), t2 / (df + t2), df / 2, 0.5)
}

/** The CDF of Student's t with `df` > 0 degrees of freedom (need not be an integer). */
export function studentTCdf(t: number, df: number): number {
  checkDf(df)
  if (Number.isNaN(t)) return Number.NaN
  if (t === Number.POSITIVE_INFINITY) return 1
  if (t === Number.NEGATIVE_INFINITY) return 0
  const tail = studentUpperTail(Math.abs(t), df)
  return t >= 0 ? 1 - tail : tail
}

/** Student's t density, for the Newton steps of the quantile. */
function studentPdf(t: number, df: number): number {
  return Math.exp(-lnBeta(df / 2, 0.5) - 0.5 * Math.log(df) - ((df + 1) / 2) * Math.log1p((t * t) / df))
}

/**
 * The p-quantile of Student's t with `df` > 0 degrees of freedom (Welch's df are not integers).
 * Solves P(T > t) = min(p, 1 − p) by Newton's method kept inside a bracket (bisection when a step
 * leaves it), started from the Cornish–Fisher expansion (Abramowitz & Stegun 26.7.5); above
 * LARGE_DF degrees of freedom, the expansion alone. Relative error about 1e-13 or better at any df
 * (checked against mpmath on a grid of df from 0.5 to 1e9 and p from 1e-10 to 1 − 1e-4).
 */
export function studentTQuantile(p: number, df: number): number {
  checkDf(df)
  if (!(p >= 0 && p <= 1)) throw new RecsysError('USAGE', `a probability must be between 0 and 1, got ${p}`, 'Pass a probability such as 0.975.')
  if (p === 0) return Number.NEGATIVE_INFINITY
  if (p === 1) return Number.POSITIVE_INFINITY
  if (p === 0.5) return 0
  const q = p < 0.5 ? p : 1 - p
  const t = df > LARGE_DF ? cornishFisher(-normalQuantile(q), df) : solveUpperTail(q, df)
  return p < 0.5 ? -t : t
}

/** t ≈ z + g₁/ν + g₂/ν² + g₃/ν³ + g₄/ν⁴ (Abramowitz & Stegun 26.7.5). */
function cornishFisher(z: number, df: number): number {
  const z2 = z * z
  const g1 = (z * (z2 + 1)) / 4
  const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96
  const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384
  const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92_160
  return z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df
}

/**
 * The z with cornishFisher(z, df) = t, by the fixed-point iteration z ← t − (cornishFisher(z) − z):
 * the correction's slope is about (3z² + 1)/(4ν), below 0.11 for z < 38 once ν > LARGE_DF, so
 * each step gains about a digit.
 */
function cornishFisherInverse(t: number, df: number): number {
  let z = t
  for (let i = 0; i < 100; i++) {
    const next = t - (cornishFisher(z, df) - z)
    if (next === z) break
    z = next
  }
  return z
}

/** The t ≥ 0 with P(T > t) = q (0 < q < ½). */
function solveUpperTail(q: number, df: number): number {
  // Bracket: tail(low) ≥ q ≥ tail(high).
  let low = 0
  let high = Math.max(1, cornishFisher(-normalQuantile(q), df))
  while (studentUpperTail(high, df) > q) {
    low = high
    high *= 2
  }
  let t = Math.min(Math.max(cornishFisher(-normalQuantile(q), df), low), high)
  for (let i = 0; i < 200; i++) {
    const excess = studentUpperTail(t, df) - q
    if (excess === 0) return t
    if (excess > 0) low = t
    else high = t
    // The tail falls with slope −pdf(t).
    let next = t + excess / studentPdf(t, df)
    if (!(next > low && next < high)) next = (low + high) / 2
    if (Math.abs(next - t) <= 1e-15 * t || high - low <= 1e-15 * high) return next
    t = next
  }
  return t
}

function checkDf(df: number): void {
  if (!(df > 0)) throw new RecsysError('USAGE', `degrees of freedom must be positive, got ${df}`, 'Pass df > 0.')
}

// ---------------------------------------------------------------------------------------------
// Proportions
// ---------------------------------------------------------------------------------------------

/** z such that a two-sided interval at `level` is ± z standard errors. */
function twoSidedZ(level: number): number {
  checkLevel(level)
  return normalQuantile((1 + level) / 2)
}

/**
 * Wilson score interval for x successes of n (Wilson, JASA 1927; method 3 in Newcombe, Stat. Med.
 * 17, 1998): the π with |p̂ − π| ≤ z·√(π(1 − π)/n), i.e.
 *   (p̂ + z²/2n ± z·√(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n).
 * The estimate is p̂ = x/n. Exactly 0 below when x = 0 and 1 above when x = n; always in [0, 1].
 * Counts need not be integers (weighted counts work the same).
 */
export function wilsonInterval(x: number, n: number, level = 0.95): Interval {
  checkCounts(x, n)
  const z = twoSidedZ(level)
  return wilson(x, n, z)
}

function wilson(x: number, n: number, z: number): Interval {
  const p = x / n
  const z2n = (z * z) / n
  const centre = (p + z2n / 2) / (1 + z2n)
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n))
  // Rounding must not push a bound past p̂ or out of [0, 1].
  const low = x === 0 ? 0 : Math.min(p, Math.max(0, centre - half))
  const high = x === n ? 1 : Math.max(p, Math.min(1, centre + half))
  return {estimate: p, low, high}
}

/**
 * Newcombe's hybrid score interval for p₁ − p₂ (method 10 in Newcombe, Stat. Med. 17, 1998), built
 * from the Wilson intervals (l₁, u₁) and (l₂, u₂) of each proportion:
 *   low  = p₁ − p₂ − √((p₁ − l₁)² + (u₂ − p₂)²)
 *   high = p₁ − p₂ + √((u₁ − p₁)² + (p₂ − l₂)²)
 * Stays within [−1, 1] and behaves at zero counts, unlike the Wald interval.
 */
export function newcombeDifference(x1: number, n1: number, x2: number, n2: number, level = 0.95): Interval {
  checkCounts(x1, n1)
  checkCounts(x2, n2)
  const z = twoSidedZ(level)
  const a = wilson(x1, n1, z)
  const b = wilson(x2, n2, z)
  const estimate = a.estimate - b.estimate
  const low = estimate - Math.hypot(a.estimate - a.low, b.high - b.estimate)
  const high = estimate + Math.hypot(a.high - a.estimate, b.estimate - b.low)
  return {estimate, low: Math.max(-1, low), high: Math.min(1, high)}
}

/**
 * Relative lift p₁/p₂ − 1, with the log-ratio interval of Katz et al. (Biometrics 34, 1978):
 *   ln(p₁/p₂) ± z·√(1/x₁ − 1/n₁ + 1/x₂ − 1/n₂), exponentiated, minus 1.
 * Zero counts, where the log ratio or its variance is undefined:
 * - x₁ = 0 (no success in group 1): estimate −1 and low −1 (exact: the ratio cannot go below 0).
 * - x₂ = 0 < x₁: estimate +Infinity and high +Infinity (p₂ may be as near 0 as the data allow, so
 *   no finite bound holds). With x₁ = x₂ = 0 the estimate is 0 (no lift observed), low −1, high +Infinity.
 * - The bound that stays finite in these cases, and both bounds when every member of both groups
 *   succeeded (variance 0), come from the same formula with ½ added to each cell of the 2×2 table
 *   (x + ½ of n + 1; Haldane's correction), widened if need be to contain the estimate.
 * So low is always finite (≥ −1); estimate and high are finite whenever x₂ > 0. Use `jsonSafe` for JSON.
 */
export function relativeLift(x1: number, n1: number, x2: number, n2: number, level = 0.95): Interval {
  checkCounts(x1, n1)
  checkCounts(x2, n2)
  const z = twoSidedZ(level)
  const allSucceeded = x1 === n1 && x2 === n2
  if (x1 > 0 && x2 > 0 && !allSucceeded) return katz(x1, n1, x2, n2, z)
  const corrected = katz(x1 + 0.5, n1 + 1, x2 + 0.5, n2 + 1, z)
  if (x1 > 0 && x2 > 0) {
    // Both groups all successes: the ratio is exactly 1; only the interval needed the correction.
    return {estimate: 0, low: Math.min(0, corrected.low), high: Math.max(0, corrected.high)}
  }
  if (x2 > 0) return {estimate: -1, low: -1, high: Math.max(-1, corrected.high)}
  if (x1 > 0) return {estimate: Number.POSITIVE_INFINITY, low: corrected.low, high: Number.POSITIVE_INFINITY}
  return {estimate: 0, low: -1, high: Number.POSITIVE_INFINITY}
}

/** The Katz interval itself, for positive x₁ and x₂. */
function katz(x1: number, n1: number, x2: number, n2: number, z: number): Interval {
  const logRatio = Math.log(x1 / n1) - Math.log(x2 / n2)
  const se = Math.sqrt(Math.max(0, 1 / x1 - 1 / n1 + 1 / x2 - 1 / n2))
  return {estimate: Math.expm1(logRatio), low: Math.expm1(logRatio - z * se), high: Math.expm1(logRatio + z * se)}
}

/**
 * Two-sided p-value of the pooled two-proportion z-test of H₀: p₁ = p₂:
 *   z = (p₁ − p₂) / √(p̄(1 − p̄)(1/n₁ + 1/n₂)),  p̄ = (x₁ + x₂)/(n₁ + n₂),  p-value = 2·Φ(−|z|).
 * z² is Pearson's χ² of the 2×2 table without continuity correction. When p̄ is 0 or 1 there is
 * no variance and nothing to test: the p-value is 1.
 */
export function twoProportionPValue(x1: number, n1: number, x2: number, n2: number): number {
  checkCounts(x1, n1)
  checkCounts(x2, n2)
  const pooled = (x1 + x2) / (n1 + n2)
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
  if (!(variance > 0)) return 1
  const z = (x1 / n1 - x2 / n2) / Math.sqrt(variance)
  return Math.min(1, 2 * normalCdf(-Math.abs(z)))
}

/**
 * The smallest absolute difference in proportions a two-sided z-test at `alpha` detects with
 * probability `power`, for groups of n₁ and n₂ and baseline rate p (normal approximation, both
 * groups given the baseline variance p(1 − p)):
 *   MDE = (z_{1−α/2} + z_{power}) · √(p(1 − p)(1/n₁ + 1/n₂))
 * Defaults: alpha 0.05, power 0.8. p must be strictly between 0 and 1: at 0 or 1 the approximation
 * has no variance and would claim any effect is detectable, so it throws instead.
 */
export function minimumDetectableEffect(p: number, n1: number, n2: number, options: {alpha?: number; power?: number} = {}): number {
  const alpha = options.alpha ?? 0.05
  const power = options.power ?? 0.8
  if (!(p > 0 && p < 1)) throw new RecsysError('BAD_DATA', `the baseline rate must be strictly between 0 and 1, got ${p}`, 'With no (or only) conversions in the baseline, plan with an expected rate instead.')
  if (!(n1 > 0 && n2 > 0 && Number.isFinite(n1) && Number.isFinite(n2))) throw new RecsysError('BAD_DATA', `group sizes must be positive, got ${n1} and ${n2}`, 'Both groups need members.')
  checkProbability('alpha', alpha)
  checkProbability('power', power)
  const z = normalQuantile(1 - alpha / 2) + normalQuantile(power)
  return z * Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
}

// ---------------------------------------------------------------------------------------------
// Means
// ---------------------------------------------------------------------------------------------

interface Moments {
  n: number
  mean: number
  /** Sample variance (n − 1 in the denominator); NaN when n < 2, never returned to callers. */
  variance: number
}

/** Mean and sample variance in two passes (the one-pass formula cancels badly for large means). */
function moments(values: Float64Array | number[], name: string): Moments {
  const n = values.length
  if (n === 0) throw new RecsysError('NO_DATA', `${name} has no values`, 'A mean needs at least one value.')
  let sum = 0
  for (let i = 0; i < n; i++) {
    const v = values[i]
    if (!Number.isFinite(v)) throw new RecsysError('BAD_DATA', `${name} holds a non-finite value (${v}) at index ${i}`, 'Drop or fix missing values before measuring.')
    sum += v
  }
  const mean = sum / n
  let squares = 0
  for (let i = 0; i < n; i++) {
    const d = values[i] - mean
    squares += d * d
  }
  // Finite values can still overflow a sum or a square (|x| near 1e154 and up); refuse rather than return NaN.
  if (!Number.isFinite(mean) || !Number.isFinite(squares)) throw new RecsysError('BAD_DATA', `${name} holds values too large to average`, 'Rescale the values (e.g. to thousands) before measuring.')
  return {n, mean, variance: n > 1 ? squares / (n - 1) : Number.NaN}
}

/**
 * The mean with its t interval: mean ± t_{(1+level)/2, n−1} · s/√n (s the sample standard
 * deviation). With one value the spread is unknown: low −Infinity, high +Infinity. Throws on no
 * values or a non-finite one.
 */
export function meanInterval(values: Float64Array | number[], level = 0.95): Interval {
  checkLevel(level)
  const {n, mean, variance} = moments(values, 'the sample')
  if (n < 2) return {estimate: mean, low: Number.NEGATIVE_INFINITY, high: Number.POSITIVE_INFINITY}
  const half = studentTQuantile((1 + level) / 2, n - 1) * Math.sqrt(variance / n)
  return {estimate: mean, low: mean - half, high: mean + half}
}

/**
 * Welch's unequal-variance comparison of mean(a) − mean(b) (Welch, Biometrika 34, 1947):
 *   se² = s_a²/n_a + s_b²/n_b,  df = se⁴ / ((s_a²/n_a)²/(n_a − 1) + (s_b²/n_b)²/(n_b − 1))  (Satterthwaite),
 *   interval d ± t_{(1+level)/2, df}·se,  p-value = 2·P(T_df > |d|/se).
 * A group with a single value has unknown spread: bounds ±Infinity and p-value 1. When both groups
 * are constant (se = 0) the interval is the point d, with p-value 1 if d = 0 and 0 otherwise.
 */
export function welchDifference(a: Float64Array | number[], b: Float64Array | number[], level = 0.95): Interval & {pValue: number} {
  checkLevel(level)
  const ma = moments(a, 'the first sample')
  const mb = moments(b, 'the second sample')
  const estimate = ma.mean - mb.mean
  if (!Number.isFinite(estimate)) throw new RecsysError('BAD_DATA', 'the samples differ by more than a double can hold', 'Rescale the values (e.g. to thousands) before measuring.')
  if (ma.n < 2 || mb.n < 2) return {estimate, low: Number.NEGATIVE_INFINITY, high: Number.POSITIVE_INFINITY, pValue: 1}
  const va = ma.variance / ma.n
  const vb = mb.variance / mb.n
  const se2 = va + vb
  if (!(se2 > 0)) return {estimate, low: estimate, high: estimate, pValue: estimate === 0 ? 1 : 0}
  // Satterthwaite's df written with the shares of se², so tiny variances cannot underflow to 0/0.
  const shareA = va / se2
  const shareB = vb / se2
  const df = 1 / ((shareA * shareA) / (ma.n - 1) + (shareB * shareB) / (mb.n - 1))
  const se = Math.sqrt(se2)
  const half = studentTQuantile((1 + level) / 2, df) * se
  const pValue = Math.min(1, 2 * studentUpperTail(Math.abs(estimate) / se, df))
  return {estimate, low: estimate - half, high: estimate + half, pValue}
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

function checkLevel(level: number): void {
  if (!(level > 0 && level < 1)) throw new RecsysError('USAGE', `level must be strictly between 0 and 1, got ${level}`, 'Use a confidence level such as 0.95.')
}

function checkProbability(name: string, value: number): void {
  if (!(value > 0 && value < 1)) throw new RecsysError('USAGE', `${name} must be strictly between 0 and 1, got ${value}`, `Use a value such as ${name === 'alpha' ? '0.05' : '0.8'}.`)
}

function checkCounts(x: number, n: number): void {
  if (!(Number.isFinite(n) && n > 0)) throw new RecsysError('NO_DATA', `a group needs members, got n = ${n}`, 'Both groups must have at least one member.')
  if (!(Number.isFinite(x) && x >= 0 && x <= n)) throw new RecsysError('BAD_DATA', `successes must be between 0 and n = ${n}, got ${x}`, 'Count each member at most once.')
}
