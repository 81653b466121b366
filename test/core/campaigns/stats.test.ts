import * as fc from 'fast-check'
import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {
  type Interval,
  jsonSafe,
  meanInterval,
  minimumDetectableEffect,
  newcombeDifference,
  normalCdf,
  normalQuantile,
  relativeLift,
  studentTCdf,
  studentTQuantile,
  twoProportionPValue,
  welchDifference,
  wilsonInterval,
} from '../../../src/core/campaigns/stats.js'
import {RecsysError} from '../../../src/core/errors.js'

// Reference values come from published tables and papers (cited where used) or were worked out
// outside this code: mpmath at 30 digits, bc -l, scipy.stats, R's t.test.
const Z975 = 1.959963984540054 // Φ⁻¹(0.975), A&S Table 26.5 / mpmath
const Z80 = 0.8416212335729143 // Φ⁻¹(0.8)
const Z90 = 1.2815515655446004 // Φ⁻¹(0.9)

const near = (actual: number, expected: number, tolerance: number, what = ''): void => {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what} ${actual} is not within ${tolerance} of ${expected}`)
}
const nearRel = (actual: number, expected: number, tolerance: number, what = ''): void => {
  assert.ok(Math.abs(actual / expected - 1) <= tolerance, `${what} ${actual} is not within ${tolerance} (relative) of ${expected}`)
}
/** The same interval to 4 decimals, as the papers print it. */
const printed = (actual: Interval, estimate: number, low: number, high: number, what: string): void => {
  near(actual.estimate, estimate, 5e-5, `${what} estimate`)
  near(actual.low, low, 5e-5, `${what} low`)
  near(actual.high, high, 5e-5, `${what} high`)
}
const throwsCode = (fn: () => unknown, code: string): void => {
  try {
    fn()
  } catch (error) {
    assert.instance(error, RecsysError)
    assert.is((error as RecsysError).code, code)
    return
  }
  assert.unreachable(`expected a RecsysError ${code}`)
}

// --- normal distribution --------------------------------------------------------------------

test('normalCdf matches mpmath values, tails to relative precision', () => {
  assert.is(normalCdf(0), 0.5)
  near(normalCdf(1), 0.841344746068542948, 1e-15)
  near(normalCdf(Z975), 0.975, 1e-15)
  near(normalCdf(-Z975), 0.025, 1e-15)
  near(normalCdf(2.5), 0.993790334674223865, 1e-15)
  nearRel(normalCdf(-3), 0.00134989803163009453, 1e-13)
  nearRel(normalCdf(-5), 2.86651571879193912e-7, 1e-13)
  nearRel(normalCdf(-10), 7.61985302416052607e-24, 1e-13)
  nearRel(normalCdf(-20), 2.75362411860623370e-89, 1e-12)
  assert.is(normalCdf(Number.NEGATIVE_INFINITY), 0)
  assert.is(normalCdf(Number.POSITIVE_INFINITY), 1)
})

test('normalCdf is continuous where the series hands over to the continued fraction (|z| = 3)', () => {
  for (const z of [-3, 3]) near(normalCdf(z - 1e-12), normalCdf(z + 1e-12), 1e-14, `at ${z}`)
  // Symmetry Φ(−z) = 1 − Φ(z) holds across both methods.
  for (let z = 0; z < 8; z += 0.25) near(normalCdf(-z), 1 - normalCdf(z), 2e-16, `z=${z}`)
})

test('normalQuantile matches mpmath values and handles 0, 1 and bad input', () => {
  near(normalQuantile(0.975), Z975, 1e-13)
  near(normalQuantile(0.025), -Z975, 1e-13)
  near(normalQuantile(0.8), Z80, 1e-13)
  near(normalQuantile(0.9), Z90, 1e-13)
  assert.is(normalQuantile(0.5), 0)
  nearRel(normalQuantile(0.001), -3.09023230616781354, 1e-13)
  nearRel(normalQuantile(1e-10), -6.36134090240405620, 1e-13)
  assert.is(normalQuantile(0), Number.NEGATIVE_INFINITY)
  assert.is(normalQuantile(1), Number.POSITIVE_INFINITY)
  throwsCode(() => normalQuantile(1.5), 'USAGE')
  throwsCode(() => normalQuantile(Number.NaN), 'USAGE')
})

test('normalQuantile and normalCdf are inverses over a grid', () => {
  for (let e = -300; e <= -1; e += 7) {
    const p = 10 ** e
    nearRel(normalCdf(normalQuantile(p)), p, 1e-12, `p=${p}`)
  }
  for (let p = 0.001; p < 1; p += 0.001) near(normalCdf(normalQuantile(p)), p, 1e-15, `p=${p}`)
  // Φ(z) for z > 0 is held to about 1e-16 absolute, so z comes back to about 1e-16/φ(z) at best.
  for (let z = -8; z <= 8; z += 0.01) {
    const tolerance = z > 0 ? 1e-12 + 4e-16 / (Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI)) : 1e-12
    near(normalQuantile(normalCdf(z)), z, tolerance, `z=${z}`)
  }
})

// --- Student's t ----------------------------------------------------------------------------

test('studentTQuantile matches tables, the closed forms for 1 and 2 degrees of freedom, and mpmath past 10,000', () => {
  near(studentTQuantile(0.975, 4), 2.776445105197793, 1e-12) // tables: 2.776445 (scipy 2.7764451051977934)
  near(studentTQuantile(0.025, 4), -2.776445105197793, 1e-12)
  near(studentTQuantile(0.975, 17.776), 2.102821310380221, 1e-11) // scipy.stats.t.ppf
  for (const p of [0.0001, 0.01, 0.2, 0.6, 0.9, 0.975, 0.999]) {
    // df = 1 (Cauchy): tan(π(p − ½)); df = 2: (2p − 1)/√(2p(1 − p)).
    nearRel(studentTQuantile(p, 1), Math.tan(Math.PI * (p - 0.5)), 1e-12, `df=1 p=${p}`)
    nearRel(studentTQuantile(p, 2), (2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 1e-12, `df=2 p=${p}`)
  }
  // Past 10,000 degrees of freedom (the Cornish–Fisher branch); mpmath at 40 digits, scipy agrees.
  nearRel(studentTQuantile(0.975, 20_000), 1.9600826051581352, 1e-14)
  nearRel(studentTQuantile(0.9999, 20_000), 3.719706062884869, 1e-14)
  nearRel(1 - studentTCdf(2, 20_000), 0.02275688097924997, 1e-13)
  nearRel(studentTCdf(-4, 50_000), 3.1716767340426008e-5, 1e-13)
  // Very many degrees of freedom: the normal quantile.
  near(studentTQuantile(0.975, 1e9), Z975, 1e-8)
  assert.is(studentTQuantile(0.5, 3), 0)
  throwsCode(() => studentTQuantile(0.5, 0), 'USAGE')
})

test('studentTCdf matches the closed form for 3 degrees of freedom and inverts the quantile', () => {
  // df = 3 (A&S 26.7.3): F(t) = ½ + (θ + sin θ cos θ)/π, θ = atan(t/√3).
  for (let t = -30; t <= 30; t += 0.37) {
    const theta = Math.atan(t / Math.sqrt(3))
    near(studentTCdf(t, 3), 0.5 + (theta + Math.sin(theta) * Math.cos(theta)) / Math.PI, 1e-14, `t=${t}`)
  }
  for (const df of [1, 2.5, 4, 17.776, 100, 1e4, 1e6]) {
    for (const p of [0.001, 0.025, 0.3, 0.5, 0.7, 0.975, 0.999]) near(studentTCdf(studentTQuantile(p, df), df), p, 1e-12, `df=${df} p=${p}`)
  }
})

// --- Wilson ---------------------------------------------------------------------------------

test('Wilson interval: Newcombe (1998, Stat. Med. 17:857) Table I, method 3', () => {
  printed(wilsonInterval(81, 263), 0.308, 0.2553, 0.3662, '81/263')
  printed(wilsonInterval(15, 148), 0.1014, 0.0624, 0.1605, '15/148')
  printed(wilsonInterval(0, 20), 0, 0, 0.1611, '0/20')
  printed(wilsonInterval(1, 29), 0.0345, 0.0061, 0.1718, '1/29')
})

test('Wilson bounds are the roots of (p̂ − π)² = z²π(1 − π)/n', () => {
  // Rearranged: (1 + z²/n)π² − (2p̂ + z²/n)π + p̂² = 0, solved by the quadratic formula.
  for (const [x, n] of [[81, 263], [3, 7], [1, 1000], [999, 1000], [50, 100]]) {
    const p = x / n
    const a = 1 + (Z975 * Z975) / n
    const b = -(2 * p + (Z975 * Z975) / n)
    const c = p * p
    const root = Math.sqrt(b * b - 4 * a * c)
    const interval = wilsonInterval(x, n)
    near(interval.low, (-b - root) / (2 * a), 1e-12, `${x}/${n} low`)
    near(interval.high, (-b + root) / (2 * a), 1e-12, `${x}/${n} high`)
    assert.is(interval.estimate, p)
  }
})

test('Wilson at the edges: 0 below for x = 0, 1 above for x = n, inside [0, 1]', () => {
  const none = wilsonInterval(0, 50)
  assert.is(none.low, 0)
  assert.is(none.estimate, 0)
  near(none.high, (Z975 * Z975) / (50 + Z975 * Z975), 1e-14) // closed form at x = 0: z²/(n + z²)
  const all = wilsonInterval(50, 50)
  assert.is(all.high, 1)
  near(all.low, 50 / (50 + Z975 * Z975), 1e-14) // n/(n + z²)
  const one = wilsonInterval(1, 1)
  assert.ok(one.low > 0 && one.high === 1)
  // A higher level gives a wider interval around the same estimate.
  const wide = wilsonInterval(81, 263, 0.99)
  assert.ok(wide.low < 0.2553 && wide.high > 0.3662)
  throwsCode(() => wilsonInterval(5, 0), 'NO_DATA')
  throwsCode(() => wilsonInterval(6, 5), 'BAD_DATA')
  throwsCode(() => wilsonInterval(-1, 5), 'BAD_DATA')
  throwsCode(() => wilsonInterval(1, 5, 1), 'USAGE')
})

// --- Newcombe difference --------------------------------------------------------------------

test('Newcombe difference: Newcombe (1998, Stat. Med. 17:873) Table II, method 10', () => {
  printed(newcombeDifference(56, 70, 48, 80), 0.2, 0.0524, 0.3339, '56/70 − 48/80')
  printed(newcombeDifference(9, 10, 3, 10), 0.6, 0.1705, 0.809, '9/10 − 3/10')
  printed(newcombeDifference(5, 56, 0, 29), 0.0893, -0.0381, 0.1926, '5/56 − 0/29')
  printed(newcombeDifference(0, 10, 0, 20), 0, -0.1611, 0.2775, '0/10 − 0/20')
  printed(newcombeDifference(10, 10, 0, 20), 1, 0.6791, 1, '10/10 − 0/20')
  printed(newcombeDifference(10, 10, 0, 10), 1, 0.6075, 1, '10/10 − 0/10')
})

test('Newcombe difference by hand from two Wilson intervals, and antisymmetric', () => {
  // 10/10 − 0/20: l₁ = n₁/(n₁ + z²), u₂ = z²/(n₂ + z²), so low = 1 − √((1 − l₁)² + u₂²), high = 1.
  const z2 = Z975 * Z975
  const l1 = 10 / (10 + z2)
  const u2 = z2 / (20 + z2)
  const d = newcombeDifference(10, 10, 0, 20)
  near(d.low, 1 - Math.hypot(1 - l1, u2), 1e-14)
  assert.is(d.high, 1)
  const ab = newcombeDifference(30, 120, 45, 110)
  const ba = newcombeDifference(45, 110, 30, 120)
  near(ab.estimate, -ba.estimate, 1e-15)
  near(ab.low, -ba.high, 1e-15)
  near(ab.high, -ba.low, 1e-15)
})

// --- relative lift --------------------------------------------------------------------------

test('relative lift, Katz log interval, by hand', () => {
  // 20/100 vs 10/100: ratio 2, SE(ln ratio) = √(1/20 − 1/100 + 1/10 − 1/100) = √0.13;
  // with bc -l: e(l(2) ∓ 1.959963984540054·sqrt(0.13)) − 1 = −0.0134367932682, 3.0544791988046.
  const lift = relativeLift(20, 100, 10, 100)
  near(lift.estimate, 1, 1e-14)
  near(lift.low, -0.0134367932682178, 1e-12)
  near(lift.high, 3.0544791988046269, 1e-12)
  // The reverse comparison is the reciprocal ratio: (1 + lift) inverts, bounds swap.
  const back = relativeLift(10, 100, 20, 100)
  near((1 + back.low) * (1 + lift.high), 1, 1e-12)
  near((1 + back.high) * (1 + lift.low), 1, 1e-12)
})

test('relative lift with zero counts: documented bounds, never NaN, JSON-safe', () => {
  // No success in group 1: the lift is −1 and so is its lower bound; the upper bound comes from
  // the ½-corrected table: 0.5/101 vs 10.5/101, SE = √(1/0.5 − 1/101 + 1/10.5 − 1/101).
  const none = relativeLift(0, 100, 10, 100)
  assert.is(none.estimate, -1)
  assert.is(none.low, -1)
  const se = Math.sqrt(1 / 0.5 - 1 / 101 + 1 / 10.5 - 1 / 101)
  near(none.high, Math.exp(Math.log(0.5 / 10.5) + Z975 * se) - 1, 1e-12)
  // No success in group 2: estimate and upper bound unbounded, lower bound finite.
  const unbounded = relativeLift(10, 100, 0, 100)
  assert.is(unbounded.estimate, Number.POSITIVE_INFINITY)
  assert.is(unbounded.high, Number.POSITIVE_INFINITY)
  near(unbounded.low, Math.exp(Math.log(10.5 / 0.5) - Z975 * se) - 1, 1e-12)
  assert.equal(JSON.parse(JSON.stringify(jsonSafe(unbounded))), {estimate: null, low: unbounded.low, high: null})
  // Neither: no lift observed, nothing known about it.
  assert.equal(relativeLift(0, 10, 0, 20), {estimate: 0, low: -1, high: Number.POSITIVE_INFINITY})
  // Everyone in both groups: ratio exactly 1, and a real interval around it (not a point).
  const full = relativeLift(10, 10, 20, 20)
  assert.is(full.estimate, 0)
  assert.ok(full.low < 0 && full.high > 0 && Number.isFinite(full.low) && Number.isFinite(full.high))
})

test('jsonSafe keeps finite numbers and other fields, nulls the rest', () => {
  const safe = jsonSafe({estimate: 1.5, low: Number.NEGATIVE_INFINITY, high: Number.NaN, pValue: 0.2})
  assert.equal(safe, {estimate: 1.5, low: null, high: null, pValue: 0.2})
})

// --- p-value --------------------------------------------------------------------------------

test('two-proportion p-value equals the χ² test of the 2×2 table, by hand', () => {
  // 56/70 vs 48/80, table [[56, 14], [48, 32]]: χ² = (ad − bc)²N/(r₁r₂c₁c₂)
  //   = (56·32 − 14·48)²·150/(70·80·104·46) = 7.023411371237458, p = erfc(√(χ²/2)) = 0.008045081368196583
  // (scipy.stats.chi2.sf(7.023411371237458, 1) agrees).
  near(twoProportionPValue(56, 70, 48, 80), 0.008045081368196583, 1e-14)
  // Symmetric in the groups.
  assert.is(twoProportionPValue(48, 80, 56, 70), twoProportionPValue(56, 70, 48, 80))
  near(twoProportionPValue(3, 17, 40, 91), twoProportionPValue(40, 91, 3, 17), 1e-16)
  // Equal rates: z = 0, p-value 1.
  assert.is(twoProportionPValue(10, 100, 20, 200), 1)
  // No variance at all (nobody or everybody converted): 1 by convention.
  assert.is(twoProportionPValue(0, 10, 0, 20), 1)
  assert.is(twoProportionPValue(10, 10, 20, 20), 1)
  // A large difference gives a tiny but positive p-value.
  const tiny = twoProportionPValue(900, 1000, 100, 1000)
  assert.ok(tiny > 0 && tiny < 1e-100)
})

// --- MDE ------------------------------------------------------------------------------------

test('minimum detectable effect by the formula (z_{1−α/2} + z_power)·√(p(1 − p)(1/n₁ + 1/n₂))', () => {
  // p = 0.1, n₁ = n₂ = 10,000: (1.959964 + 0.841621)·√(0.09·0.0002) = 2.801585·0.00424264 = 0.0118861.
  near(minimumDetectableEffect(0.1, 10_000, 10_000), 0.011886119434798, 1e-12)
  near(minimumDetectableEffect(0.1, 10_000, 10_000), 0.0119, 5e-5)
  // power 0.9: (1.959964 + 1.281552)·0.00424264 = 0.0137526 (Python).
  near(minimumDetectableEffect(0.1, 10_000, 10_000, {power: 0.9}), 0.013752585760719, 1e-12)
  // Unequal groups, p = 0.05: 2.801585·√(0.0475·(1/2000 + 1/8000)) = 0.0152648 (Python).
  near(minimumDetectableEffect(0.05, 2000, 8000), 0.015264783559340, 1e-12)
  // alpha 0.01 uses z_{0.995} = 2.5758293035489 (tables).
  near(minimumDetectableEffect(0.1, 10_000, 10_000, {alpha: 0.01}), (2.5758293035489 + Z80) * Math.sqrt(0.09 * 0.0002), 1e-12)
  throwsCode(() => minimumDetectableEffect(0, 100, 100), 'BAD_DATA')
  throwsCode(() => minimumDetectableEffect(0.1, 0, 100), 'BAD_DATA')
  throwsCode(() => minimumDetectableEffect(0.1, 100, 100, {power: 1}), 'USAGE')
})

test('minimum detectable effect falls as the groups grow, by 1/√n', () => {
  let previous = Number.POSITIVE_INFINITY
  for (const n of [100, 1000, 5000, 20_000, 1e6]) {
    const mde = minimumDetectableEffect(0.1, n, n)
    assert.ok(mde < previous, `n=${n}`)
    previous = mde
  }
  near(minimumDetectableEffect(0.1, 400, 400) / minimumDetectableEffect(0.1, 1600, 1600), 2, 1e-12)
})

// --- means ----------------------------------------------------------------------------------

test('meanInterval on 1..5 by hand: 3 ± t(0.975, 4)·√(2.5/5)', () => {
  // s² = (4 + 1 + 0 + 1 + 4)/4 = 2.5; t(0.975, 4) = 2.776445 (tables); half = 2.776445·0.7071068 = 1.963243.
  const interval = meanInterval([1, 2, 3, 4, 5])
  assert.is(interval.estimate, 3)
  near(interval.low, 3 - 2.776445105197793 * Math.sqrt(0.5), 1e-12)
  near(interval.high, 3 + 2.776445105197793 * Math.sqrt(0.5), 1e-12)
  near(interval.low, 1.036757, 1e-6)
  assert.equal(meanInterval(Float64Array.from([1, 2, 3, 4, 5])), interval)
  // A large constant offset does not disturb the spread (two-pass variance).
  const shifted = meanInterval([1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4, 1e9 + 5])
  near(shifted.high - shifted.low, interval.high - interval.low, 1e-6)
})

test('meanInterval: one value has unknown spread, no value or NaN throws', () => {
  const one = meanInterval([4])
  assert.equal(one, {estimate: 4, low: Number.NEGATIVE_INFINITY, high: Number.POSITIVE_INFINITY})
  assert.equal(jsonSafe(one), {estimate: 4, low: null, high: null})
  throwsCode(() => meanInterval([]), 'NO_DATA')
  throwsCode(() => meanInterval([1, Number.NaN]), 'BAD_DATA')
  throwsCode(() => meanInterval([1e308, 1e308]), 'BAD_DATA') // the sum overflows
})

test('welchDifference on Student\'s sleep data matches R', () => {
  // R: t.test(extra ~ group, data = sleep) → t = −1.8608, df = 17.776, p-value = 0.07939,
  // 95 percent CI −3.3654832 to 0.2054832 (scipy.stats.ttest_ind(equal_var=False): p 0.0793941401873583).
  const group1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
  const group2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
  const welch = welchDifference(group1, group2)
  near(welch.estimate, -1.58, 1e-12)
  near(welch.low, -3.3654832, 5e-8)
  near(welch.high, 0.2054832, 5e-8)
  near(welch.pValue, 0.0793941401873583, 1e-12)
  const swapped = welchDifference(group2, group1)
  near(swapped.pValue, welch.pValue, 1e-15)
  near(swapped.low, -welch.high, 1e-12)
})

test('welchDifference with equal variances and sizes matches the pooled t by hand', () => {
  // a = 1..5, b = 3..7: d = −2, s² = 2.5 each, se = √(2.5/5 + 2.5/5) = 1, df = 8 (equal n and s²).
  // t(0.975, 8) = 2.306004 (tables); p = 2·P(T₈ > 2) = 0.08051623795726 (scipy.stats.t.sf(2, 8)·2).
  const welch = welchDifference([1, 2, 3, 4, 5], [3, 4, 5, 6, 7])
  near(welch.estimate, -2, 1e-14)
  near(welch.low, -2 - 2.306004135204166, 1e-9)
  near(welch.high, -2 + 2.306004135204166, 1e-9)
  near(welch.pValue, 0.08051623795726, 1e-11)
})

test('welchDifference degenerate groups', () => {
  assert.equal(welchDifference([1], [1, 2, 3]), {estimate: -1, low: Number.NEGATIVE_INFINITY, high: Number.POSITIVE_INFINITY, pValue: 1})
  assert.equal(welchDifference([2, 2, 2], [2, 2]), {estimate: 0, low: 0, high: 0, pValue: 1})
  assert.equal(welchDifference([3, 3], [2, 2]), {estimate: 1, low: 1, high: 1, pValue: 0})
  // One constant group: the other alone sets the spread, df = n − 1.
  const oneSided = welchDifference([0, 0, 0], [1, 2, 3, 4, 5])
  near(oneSided.high - oneSided.estimate, 2.776445105197793 * Math.sqrt(0.5), 1e-12)
  throwsCode(() => welchDifference([], [1, 2]), 'NO_DATA')
})

// --- properties over random inputs ----------------------------------------------------------

const RUNS = Number(process.env.RECSYS_FUZZ_RUNS ?? 300)
const SEED = Number(process.env.RECSYS_FUZZ_SEED ?? 20_261_201)

const ordered = (i: Interval, what: string): void => {
  assert.ok(!Number.isNaN(i.estimate) && !Number.isNaN(i.low) && !Number.isNaN(i.high), `${what}: NaN in ${JSON.stringify(i)}`)
  assert.ok(i.low <= i.estimate && i.estimate <= i.high, `${what}: not low ≤ estimate ≤ high: ${JSON.stringify(i)}`)
}
const finite = (i: Interval, what: string): void => {
  assert.ok(Number.isFinite(i.estimate) && Number.isFinite(i.low) && Number.isFinite(i.high), `${what}: not finite: ${JSON.stringify(i)}`)
}

const groupArb = fc.integer({min: 1, max: 2_000_000}).chain((n) => fc.tuple(fc.oneof(fc.constant(0), fc.constant(n), fc.integer({min: 0, max: n}), fc.integer({min: 0, max: Math.min(n, 5)})), fc.constant(n)))
const levelArb = fc.oneof(fc.constant(0.95), fc.double({min: 0.01, max: 0.9999, noNaN: true}))

test('property: proportion intervals are ordered, bounded and finite as documented', () => {
  fc.assert(
    fc.property(groupArb, groupArb, levelArb, ([x1, n1], [x2, n2], level) => {
      const w = wilsonInterval(x1, n1, level)
      ordered(w, 'wilson')
      finite(w, 'wilson')
      assert.ok(w.low >= 0 && w.high <= 1)
      const d = newcombeDifference(x1, n1, x2, n2, level)
      ordered(d, 'newcombe')
      finite(d, 'newcombe')
      assert.ok(d.low >= -1 && d.high <= 1)
      const lift = relativeLift(x1, n1, x2, n2, level)
      ordered(lift, 'lift')
      assert.ok(Number.isFinite(lift.low) && lift.low >= -1, 'lift low finite and ≥ −1')
      if (x2 > 0) finite(lift, 'lift with x2 > 0')
      const safe = jsonSafe(lift)
      assert.ok(Object.values(safe).every((v) => v === null || Number.isFinite(v)))
      const p = twoProportionPValue(x1, n1, x2, n2)
      assert.ok(p >= 0 && p <= 1, `p-value ${p}`)
      assert.is(twoProportionPValue(x2, n2, x1, n1), p)
    }),
    {numRuns: RUNS, seed: SEED},
  )
})

test('property: MDE is finite, positive and falls with n', () => {
  fc.assert(
    fc.property(fc.double({min: 1e-6, max: 1 - 1e-6, noNaN: true}), fc.integer({min: 1, max: 1e8}), fc.integer({min: 1, max: 1e8}), (p, n1, n2) => {
      const mde = minimumDetectableEffect(p, n1, n2)
      assert.ok(Number.isFinite(mde) && mde > 0)
      assert.ok(minimumDetectableEffect(p, n1 * 2, n2) < mde)
    }),
    {numRuns: RUNS, seed: SEED},
  )
})

test('property: mean intervals are ordered, finite from two values on, p-values in [0, 1]', () => {
  const sampleArb = fc.array(fc.oneof(fc.double({min: -1e6, max: 1e6, noNaN: true}), fc.integer({min: 0, max: 3})), {minLength: 1, maxLength: 60})
  fc.assert(
    fc.property(sampleArb, sampleArb, levelArb, (a, b, level) => {
      const m = meanInterval(a, level)
      ordered(m, 'mean')
      if (a.length >= 2) finite(m, 'mean')
      const w = welchDifference(a, b, level)
      ordered(w, 'welch')
      if (a.length >= 2 && b.length >= 2) finite(w, 'welch')
      assert.ok(w.pValue >= 0 && w.pValue <= 1, `p-value ${w.pValue}`)
    }),
    {numRuns: RUNS, seed: SEED},
  )
})

test.run()
