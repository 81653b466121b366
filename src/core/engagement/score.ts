import {RecsysError} from '../errors.js'
import {DAY_MS} from '../ingest/timestamps.js'
import {radixByFloat} from '../util/radix.js'

export const COMPONENTS = ['volume', 'breadth', 'quality', 'frequency', 'recency'] as const
export type Component = (typeof COMPONENTS)[number]

export const DEFAULT_COMPONENT_WEIGHTS: Record<Component, number> = {volume: 0.35, breadth: 0.25, quality: 0.2, frequency: 0.15, recency: 0.05}
/**
 * The reference log's events, and the names other public logs use for the same actions (REES46:
 * purchase/cart/view; RetailRocket: transaction/addtocart/view), so a purchase never weighs less
 * than a cart on another schema. Any other event weighs --other-event-weight (1).
 */
export const DEFAULT_EVENT_WEIGHTS: Record<string, number> = {
  purchased: 5,
  purchase: 5,
  transaction: 5,
  order: 5,
  cart: 3,
  addtocart: 3,
  add_to_cart: 3,
  rating: 2.5,
  review: 2.5,
  wishlist: 2,
  search_keyword: 1,
}
export const DEFAULT_OTHER_EVENT_WEIGHT = 1
export const DEFAULT_DECAY_DAYS = 90

export interface EngagementOptions {
  weights?: Partial<Record<Component, number>>
  eventWeights?: Record<string, number>
  otherEventWeight?: number
  decayDays?: number
}

export interface ResolvedEngagementOptions {
  /** Component weights, summing to 1. */
  weights: Record<Component, number>
  /** What the given weights summed to (1 unless they were scaled to sum to 1). */
  weightsSum: number
  eventWeights: Record<string, number>
  otherEventWeight: number
  decayDays: number
}

export function resolveEngagementOptions(options: EngagementOptions = {}): ResolvedEngagementOptions {
  const given = {...DEFAULT_COMPONENT_WEIGHTS, ...options.weights}
  const decayDays = options.decayDays ?? DEFAULT_DECAY_DAYS
  if (!(decayDays > 0) || !Number.isFinite(decayDays)) throw new RecsysError('USAGE', `decay days must be a positive number (got ${decayDays})`, 'Pass e.g. --decay-days 90.')
  for (const [k, v] of Object.entries(given)) {
    if (!Number.isFinite(v) || v < 0) throw new RecsysError('USAGE', `weight ${k}=${v} must be a non-negative number`, 'Pass e.g. --weights volume=0.35,breadth=0.25.')
  }
  const otherEventWeight = options.otherEventWeight ?? DEFAULT_OTHER_EVENT_WEIGHT
  if (!Number.isFinite(otherEventWeight) || otherEventWeight < 0) {
    throw new RecsysError('USAGE', `the weight of other events must be a non-negative number (got ${otherEventWeight})`, 'Pass e.g. --other-event-weight 1.')
  }
  const sum = COMPONENTS.reduce((a, c) => a + given[c], 0)
  if (!(sum > 0)) {
    throw new RecsysError('USAGE', 'the component weights are all zero, so every user would score 0', `Give at least one of ${COMPONENTS.join(', ')} a positive weight, e.g. --weights volume=1.`)
  }
  // Scores stay in [0, 1]: weights that do not sum to 1 are scaled so that they do (and the report says so).
  const normalised = Math.abs(sum - 1) > 1e-9
  const weights = Object.fromEntries(COMPONENTS.map((c) => [c, normalised ? given[c] / sum : given[c]])) as Record<Component, number>
  return {
    weights,
    weightsSum: normalised ? sum : 1,
    eventWeights: {...DEFAULT_EVENT_WEIGHTS, ...options.eventWeights},
    otherEventWeight,
    decayDays,
  }
}

/** Parses "a=1,b=2.5" into a record, naming the flag in any error. */
export function parseWeightList(text: string, flag: string, allowed?: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [rawKey, rawValue] = part.split('=')
    const key = rawKey?.trim().toLowerCase()
    const value = Number(rawValue)
    if (!key || rawValue === undefined || rawValue.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1e6) {
      throw new RecsysError('USAGE', `${flag}: cannot read "${part}"`, `Write ${flag} name=number,name=number (numbers from 0 to 1,000,000).`)
    }
    if (allowed && !allowed.includes(key)) throw new RecsysError('USAGE', `${flag}: unknown name "${key}"`, `Use some of: ${allowed.join(', ')}.`)
    if (key in out) throw new RecsysError('USAGE', `${flag}: "${key}" is given twice`, 'Give each name once.')
    out[key] = value
  }
  return out
}

/**
 * Per-user features; users with no rows in range are inactive. Components are computed when asked
 * (raw, or min-max normalised), not held as arrays: ten arrays of a double per user would be most of
 * the memory at tens of millions of users.
 */
export interface UserFeatures {
  nUsers: number
  active: Uint8Array
  interactions: Int32Array
  distinctProducts: Int32Array
  firstTsMs: Float64Array
  lastTsMs: Float64Array
  /** Summed event weights per user (quality = weightSum / interactions). */
  weightSum: Float64Array
  raw(c: Component, u: number): number
  normalised(c: Component, u: number): number
  engagement: Float64Array
  referenceTsMs: number
}

export interface InteractionColumns {
  userKey: Int32Array
  productKey: Int32Array
  eventKey: Uint16Array
  tsMs: Float64Array
}

/**
 * engagement = Σ weight_c · minmax(c) over c in volume (interactions), breadth (distinct products),
 * quality (mean event weight), frequency (interactions / (whole days from first to last event + 1)),
 * recency (exp(−whole days since the last event / decayDays), days counted to the last timestamp
 * of the rows used). Min-max runs over active users; a component equal for all of them is 0.
 */
export function computeFeatures(
  cols: InteractionColumns,
  nUsers: number,
  nProducts: number,
  eventNames: readonly string[],
  options: ResolvedEngagementOptions,
  from = 0,
  to = cols.userKey.length,
): UserFeatures {
  const {userKey, productKey, eventKey, tsMs} = cols
  const eventWeight = Float64Array.from(eventNames, (name) => options.eventWeights[name] ?? options.otherEventWeight)
  const interactions = new Int32Array(nUsers)
  const weightSum = new Float64Array(nUsers)
  const firstTsMs = new Float64Array(nUsers).fill(Number.POSITIVE_INFINITY)
  const lastTsMs = new Float64Array(nUsers).fill(Number.NEGATIVE_INFINITY)
  for (let i = from; i < to; i++) {
    const u = userKey[i]
    interactions[u]++
    weightSum[u] += eventWeight[eventKey[i]]
    const t = tsMs[i]
    if (t < firstTsMs[u]) firstTsMs[u] = t
    if (t > lastTsMs[u]) lastTsMs[u] = t
  }
  // Distinct products per user: group rows by user (counting sort), then stamp products.
  const start = new Int32Array(nUsers + 1)
  for (let u = 0; u < nUsers; u++) start[u + 1] = start[u] + interactions[u]
  const byUser = new Int32Array(to - from)
  {
    const fill = start.slice(0, nUsers)
    for (let i = from; i < to; i++) byUser[fill[userKey[i]]++] = productKey[i]
  }
  const stamp = new Int32Array(nProducts).fill(-1)
  const distinctProducts = new Int32Array(nUsers)
  for (let u = 0; u < nUsers; u++) {
    let d = 0
    for (let j = start[u]; j < start[u + 1]; j++) {
      const p = byUser[j]
      if (stamp[p] !== u) {
        stamp[p] = u
        d++
      }
    }
    distinctProducts[u] = d
  }

  const referenceTsMs = to > from ? tsMs[to - 1] : 0
  const active = new Uint8Array(nUsers)
  for (let u = 0; u < nUsers; u++) if (interactions[u] > 0) active[u] = 1
  const decay = options.decayDays
  const raw = (c: Component, u: number): number => {
    const n = interactions[u]
    if (n === 0) return 0
    switch (c) {
      case 'volume':
        return n
      case 'breadth':
        return distinctProducts[u]
      case 'quality':
        return weightSum[u] / n
      case 'frequency':
        return n / (Math.floor((lastTsMs[u] - firstTsMs[u]) / DAY_MS) + 1)
      case 'recency':
        return Math.exp(-Math.floor((referenceTsMs - lastTsMs[u]) / DAY_MS) / decay)
    }
  }
  const min = {} as Record<Component, number>
  const range = {} as Record<Component, number>
  for (const c of COMPONENTS) {
    let lo = Number.POSITIVE_INFINITY
    let hi = Number.NEGATIVE_INFINITY
    for (let u = 0; u < nUsers; u++) {
      if (!active[u]) continue
      const x = raw(c, u)
      if (x < lo) lo = x
      if (x > hi) hi = x
    }
    min[c] = lo
    range[c] = hi - lo
  }
  const normalised = (c: Component, u: number): number => (active[u] && range[c] > 0 ? (raw(c, u) - min[c]) / range[c] : 0)
  const engagement = new Float64Array(nUsers)
  // Summed component by component, in the same order as before, so scores are bit-identical.
  for (const c of COMPONENTS) {
    const w = options.weights[c]
    for (let u = 0; u < nUsers; u++) if (active[u]) engagement[u] += w * normalised(c, u)
  }
  for (let u = 0; u < nUsers; u++) {
    if (!active[u]) {
      firstTsMs[u] = 0
      lastTsMs[u] = 0
    }
  }
  return {nUsers, active, interactions, distinctProducts, firstTsMs, lastTsMs, weightSum, raw, normalised, engagement, referenceTsMs}
}

/**
 * Active users ordered by score, highest first; ties by user key (lowest first), so rankings are
 * deterministic. Inactive users (active[u] = 0) are left out. An LSD radix sort over the scores'
 * bits (stable, so ties keep key order): a comparison sort of tens of millions of users in JS is
 * slow and copies the whole index into a JS array.
 */
export function rankUsers(score: Float64Array, active: Uint8Array): Int32Array {
  let n = 0
  for (let u = 0; u < active.length; u++) n += active[u]
  const order = new Uint32Array(n)
  for (let u = 0, w = 0; u < active.length; u++) if (active[u]) order[w++] = u
  // Descending by score: sort ascending on the order-preserving key of −score (−0 and 0 as one).
  const keys = new Float64Array(score.length)
  for (let u = 0; u < score.length; u++) keys[u] = score[u] === 0 ? 0 : score[u]
  radixByFloat(keys, order, true)
  return new Int32Array(order.buffer, order.byteOffset, n)
}

