import {RecsysError} from '../errors.js'
import {csvField} from '../util/csv.js'
import {createRng, type Rng, sampleWithoutReplacement, shuffleInPlace} from '../util/rng.js'
import {LineBuffer, secondsClock} from './lines.js'
import {productName} from './names.js'
import {botCountFor, DIRT, REFERENCE} from './targets.js'

export interface GenerateOptions {
  rows: number
  seed: number
  /** Events per bot above this many in a day (the default of `prepare --bot-threshold`). */
  botThreshold?: number
}

export interface InjectedDirt {
  duplicates: number
  nullUserId: number
  nullProductId: number
  invalidUserId: number
  invalidProductId: number
  badTimestamp: number
  botUsers: number
  botRows: number
}

export interface GenerateSummary {
  seed: number
  rows: number
  cleanRows: number
  users: number
  products: number
  injected: InjectedDirt
  header: string[]
}

export const GENERATED_HEADER = ['customer_id', 'product_id', 'product_name', 'event', 'event_date']

const ROW_DUPLICATE = 1
const ROW_NULL_USER = 2
const ROW_NULL_PRODUCT = 3
const ROW_INVALID_USER = 4
const ROW_INVALID_PRODUCT = 5
const ROW_BAD_TIME = 6

const NULL_USER_TEXT = ['', 'null', 'NaN', ' ']
const NULL_PRODUCT_TEXT = ['', 'None', 'N/A']
const INVALID_USER_TEXT = ['user_abc', 'ERR#', '12x34', 'guest-7']
const INVALID_PRODUCT_TEXT = ['SKU-??', 'n.a.', 'X12']
const BAD_TIME_TEXT = ['not-a-date', '2023-02-30 10:00:00+00:00', '', '31/31/2023', '0000-00-00 00:00:00']

/** Integer count of expected share, at least `min` when the share is positive. */
const count = (rows: number, share: number, min = 0): number => Math.max(min, Math.round(rows * share))

/**
 * Gaps between one user's events: mostly within a session (mean an hour), some a later visit
 * (mean ten days, at most sixty), so cohorts show a little return from month to month. Every gap
 * is at least one second, so one user never repeats a timestamp. `sessionOnly` keeps a cluster
 * short enough for a narrow period.
 */
function clusterGaps(rng: Rng, k: number, out: Int32Array, sessionOnly: boolean): number {
  let total = 0
  for (let j = 0; j < k - 1; j++) {
    const revisit = !sessionOnly && rng.next() < 0.3
    const meanSec = revisit ? 864_000 : 3600
    const gap = 1 + Math.min(revisit ? 5_184_000 : 172_800, Math.floor(-Math.log(1 - rng.next()) * meanSec))
    out[j] = gap
    total += gap
  }
  return total
}

/** Cumulative Zipf-like weights 1/(rank+10)^0.9 for drawing popular products more often. */
function zipfCdf(n: number): Float64Array {
  const cdf = new Float64Array(n)
  let acc = 0
  for (let i = 0; i < n; i++) {
    acc += 1 / Math.pow(i + 10, 0.9)
    cdf[i] = acc
  }
  for (let i = 0; i < n; i++) cdf[i] /= acc
  return cdf
}

function drawFromCdf(cdf: Float64Array, u: number): number {
  let lo = 0
  let hi = cdf.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (cdf[mid] < u) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** One label per event: every product in `pool` once, the rest drawn by popularity, shuffled. */
function productLabels(rng: Rng, pool: Int32Array, events: number): Int32Array {
  const labels = new Int32Array(events)
  const first = Math.min(pool.length, events)
  labels.set(pool.subarray(0, first))
  const cdf = zipfCdf(pool.length)
  for (let i = first; i < events; i++) labels[i] = pool[drawFromCdf(cdf, rng.next())]
  return shuffleInPlace(labels, rng)
}

/**
 * Writes a reference-shaped interaction log as CSV through `write`, deterministically from the
 * seed. The shares (one-time users, retention across the 80% time split, new products, event
 * mix) are built in by construction rather than hoped for; then dirt is added: exact duplicates,
 * null and non-numeric ids, bad timestamps and bot users, each counted in the summary.
 */
export function generateReferenceCsv(options: GenerateOptions, write: (chunk: string) => void): GenerateSummary {
  const N = Math.floor(options.rows)
  if (!Number.isFinite(N) || N < 100) {
    throw new RecsysError('USAGE', `--rows must be at least 100 (got ${options.rows})`, 'Pass --rows 100 or more.')
  }
  if (N > 100_000_000) throw new RecsysError('USAGE', `--rows ${N} is more than this generator supports (100,000,000)`, 'Pass fewer rows.')
  const rng = createRng(options.seed)
  const botThreshold = options.botThreshold ?? 1000

  // Dirt budget first; the rest of the rows are clean events.
  const nBots = botCountFor(N)
  const botRowsEach = Array.from({length: nBots}, () => botThreshold + 1 + rng.int(200))
  const botRows = botRowsEach.reduce((a, b) => a + b, 0)
  const injected: InjectedDirt = {
    duplicates: count(N, DIRT.duplicateShare, 1),
    nullUserId: count(N, DIRT.nullUserIdShare, 1),
    nullProductId: count(N, DIRT.nullProductIdShare, 1),
    invalidUserId: count(N, DIRT.invalidUserIdShare, 1),
    invalidProductId: count(N, DIRT.invalidProductIdShare, 1),
    badTimestamp: count(N, DIRT.badTimestampShare, 1),
    botUsers: nBots,
    botRows,
  }
  const dirtRows = injected.duplicates + injected.nullUserId + injected.nullProductId + injected.invalidUserId + injected.invalidProductId + injected.badTimestamp
  const Nc = N - botRows - dirtRows

  // Users: one-time users and multi-event users, with the reference's user-per-row ratio. Bots
  // are a population of their own, so the ratios apply to the rows that are not theirs.
  const base = N - botRows
  let U = Math.min(Nc, Math.max(1, Math.round(base * REFERENCE.usersPerRow)))
  const U1 = Math.round(U * REFERENCE.oneTimeUserShare)
  let Um = U - U1
  while (Um > 0 && Nc - U1 < 2 * Um) Um--
  U = U1 + Um
  const eventsPerUser = new Int32Array(U).fill(1)
  if (Um > 0) {
    const multiEvents = Nc - U1
    const meanExtra = Math.max(0, multiEvents / Um - 2)
    const p = 1 / (1 + meanExtra)
    let total = 0
    for (let u = U1; u < U; u++) {
      let extra = 0
      while (rng.next() > p && extra < 200) extra++
      eventsPerUser[u] = 2 + extra
      total += 2 + extra
    }
    while (total > multiEvents) {
      const u = U1 + rng.int(Um)
      if (eventsPerUser[u] > 2) {
        eventsPerUser[u]--
        total--
      }
    }
    while (total < multiEvents) {
      eventsPerUser[U1 + rng.int(Um)]++
      total++
    }
  } else {
    // Tiny outputs: more events than users go to user 0.
    eventsPerUser[0] += Nc - U
  }

  // Periods. Returners (multi-event users with events on both sides of the split) are solved
  // from the retention target: R = r·(pEarly·(U − R) + R).
  const q = REFERENCE.splitQuantile
  const r = REFERENCE.retention
  let pEarly: number = q
  let returners = 0
  for (let iter = 0; iter < 4 && Um > 0; iter++) {
    returners = Math.min(Um, Math.round((r * pEarly * U) / (1 - r * (1 - pEarly))))
    const returnerEvents = returners * ((Nc - U1) / Um)
    // Early events must be a share q of all events; returners put about half of theirs early.
    pEarly = Math.min(0.99, Math.max(0.01, (q * Nc - returnerEvents / 2) / (Nc - returnerEvents)))
  }
  // Returners are drawn with weight (events − 1): more active users come back more often, as in
  // real shops (weighted sampling without replacement by keys u^(1/w), Efraimidis & Spirakis 2006).
  const isReturner = new Uint8Array(U)
  {
    const keys = new Float64Array(Um)
    for (let i = 0; i < Um; i++) keys[i] = Math.pow(rng.next(), 1 / (eventsPerUser[U1 + i] - 1))
    const byKey = Int32Array.from({length: Um}, (_, i) => i).sort((a, b) => keys[b] - keys[a] || a - b)
    for (let j = 0; j < returners; j++) isReturner[U1 + byKey[j]] = 1
  }
  const userEarly = new Uint8Array(U)
  const earlyCountOf = new Int32Array(U)
  let E_e = 0
  for (let u = 0; u < U; u++) {
    const k = eventsPerUser[u]
    if (isReturner[u]) {
      let early = 1
      for (let j = 0; j < k - 2; j++) if (rng.next() < 0.5) early++
      earlyCountOf[u] = early
    } else {
      userEarly[u] = rng.next() < pEarly ? 1 : 0
      earlyCountOf[u] = userEarly[u] ? k : 0
    }
    E_e += earlyCountOf[u]
  }
  const E_l = Nc - E_e
  const spanSec = Math.floor((REFERENCE.endMs - REFERENCE.startMs) / 1000)
  const boundarySec = Math.round((E_e / Nc) * spanSec)

  // Products: early-active ones (the most popular carry on into the late period) and new ones.
  let P = Math.max(2, Math.round(base * REFERENCE.productsPerRow))
  let PEa = Math.max(1, Math.min(E_e, Math.round(P * REFERENCE.earlyProductShare)))
  let PL = Math.max(1, Math.min(E_l, P - PEa))
  let PB = Math.max(0, Math.min(PEa, E_l - PL, Math.round(PL / REFERENCE.newProductShare) - PL))
  if (E_l === 0) PL = PB = 0
  if (E_e === 0) PEa = 0
  P = PEa + PL
  const earlyPool = new Int32Array(PEa)
  for (let i = 0; i < PEa; i++) earlyPool[i] = i
  const latePool = new Int32Array(PB + PL)
  for (let i = 0; i < PB; i++) latePool[i] = i
  for (let i = 0; i < PL; i++) latePool[PB + i] = PEa + i
  shuffleInPlace(latePool, rng)
  const earlyLabels = productLabels(rng, earlyPool, E_e)
  const lateLabels = productLabels(rng, latePool, E_l)

  // Clean events: per user, a cluster in each period it is active in.
  const totalRows = Nc + dirtRows + botRows
  const rowUser = new Int32Array(totalRows)
  const rowProduct = new Int32Array(totalRows)
  const rowEvent = new Uint8Array(totalRows)
  const rowSec = new Int32Array(totalRows)
  const rowKind = new Uint8Array(totalRows)
  const mixCdf = new Float64Array(REFERENCE.eventMix.length)
  {
    let acc = 0
    REFERENCE.eventMix.forEach(([, share], i) => {
      acc += share
      mixCdf[i] = acc
    })
    for (let i = 0; i < mixCdf.length; i++) mixCdf[i] /= acc
  }
  const drawEvent = (): number => drawFromCdf(mixCdf, rng.next())
  const gaps = new Int32Array(512)
  let w = 0
  let ei = 0
  let li = 0
  const placeCluster = (u: number, k: number, from: number, to: number, labels: Int32Array, early: boolean): void => {
    let len = clusterGaps(rng, k, gaps, false)
    if (len >= to - from) len = clusterGaps(rng, k, gaps, true)
    const room = Math.max(1, to - from - len)
    let t = from + rng.int(room)
    for (let j = 0; j < k; j++) {
      rowUser[w] = u
      rowProduct[w] = labels[early ? ei++ : li++]
      rowEvent[w] = drawEvent()
      rowSec[w] = Math.min(t, to - 1)
      w++
      if (j < k - 1) t += gaps[j]
    }
  }
  for (let u = 0; u < U; u++) {
    const k = eventsPerUser[u]
    const early = earlyCountOf[u]
    if (early > 0) placeCluster(u, early, 0, boundarySec, earlyLabels, true)
    if (k - early > 0) placeCluster(u, k - early, boundarySec, spanSec, lateLabels, false)
  }

  // Dirt rows copy a clean event and spoil one field; duplicates copy distinct clean events whole.
  const addCopy = (base: number, kind: number): void => {
    rowUser[w] = rowUser[base]
    rowProduct[w] = rowProduct[base]
    rowEvent[w] = rowEvent[base]
    rowSec[w] = rowSec[base]
    rowKind[w] = kind
    w++
  }
  for (const base of sampleWithoutReplacement(Nc, injected.duplicates, rng)) addCopy(base, ROW_DUPLICATE)
  const spoil: Array<[number, number]> = [
    [injected.nullUserId, ROW_NULL_USER],
    [injected.nullProductId, ROW_NULL_PRODUCT],
    [injected.invalidUserId, ROW_INVALID_USER],
    [injected.invalidProductId, ROW_INVALID_PRODUCT],
    [injected.badTimestamp, ROW_BAD_TIME],
  ]
  for (const [n, kind] of spoil) for (let i = 0; i < n; i++) addCopy(rng.int(Nc), kind)

  // Bots: one busy day each, distinct seconds, browsing existing products.
  const botUserBase = U
  for (let b = 0; b < nBots; b++) {
    const day = rng.int(Math.max(1, Math.floor(boundarySec / 86_400)))
    const seconds = sampleWithoutReplacement(86_400, botRowsEach[b], rng)
    for (let j = 0; j < seconds.length; j++) {
      rowUser[w] = botUserBase + b
      rowProduct[w] = rng.int(Math.max(1, P))
      rowEvent[w] = drawEvent()
      rowSec[w] = day * 86_400 + seconds[j]
      w++
    }
  }

  // Ids: distinct numbers in scrambled order; names from category and brand words.
  const userIdOf = (u: number): string => (u >= botUserBase ? String(9_000_000 + (u - botUserBase)) : String(10_000_000 + ((u * 1_000_003 + 7919) % U)))
  const productIdOf = (p: number): string => String(100_000 + ((p * 1_000_033 + 104_729) % Math.max(1, P)))
  const names: string[] = Array.from({length: P}, () => productName(rng))
  const eventNames = REFERENCE.eventMix.map(([name]) => name)

  // Output in time order (duplicates and spoiled rows beside their originals).
  const order = new Float64Array(totalRows)
  for (let i = 0; i < totalRows; i++) order[i] = rowSec[i] * 536_870_912 + i
  order.sort()
  const startSec = Math.floor(REFERENCE.startMs / 1000)
  const clock = secondsClock(startSec)
  const out = new LineBuffer(write, `${GENERATED_HEADER.join(',')}\n`)
  for (let o = 0; o < totalRows; o++) {
    const i = order[o] % 536_870_912
    const kind = rowKind[i]
    let time = `${clock(rowSec[i])}+00:00`
    let user = userIdOf(rowUser[i])
    let product = productIdOf(rowProduct[i])
    if (kind === ROW_NULL_USER) user = NULL_USER_TEXT[o % NULL_USER_TEXT.length]
    else if (kind === ROW_NULL_PRODUCT) product = NULL_PRODUCT_TEXT[o % NULL_PRODUCT_TEXT.length]
    else if (kind === ROW_INVALID_USER) user = INVALID_USER_TEXT[o % INVALID_USER_TEXT.length]
    else if (kind === ROW_INVALID_PRODUCT) product = INVALID_PRODUCT_TEXT[o % INVALID_PRODUCT_TEXT.length]
    else if (kind === ROW_BAD_TIME) time = BAD_TIME_TEXT[o % BAD_TIME_TEXT.length]
    const name = kind === ROW_NULL_PRODUCT || kind === ROW_INVALID_PRODUCT ? '' : csvField(names[rowProduct[i]])
    out.push(`${user},${product},${name},${eventNames[rowEvent[i]]},${time}\n`)
  }
  out.end()
  return {seed: options.seed, rows: totalRows, cleanRows: Nc, users: U, products: P, injected, header: GENERATED_HEADER}
}
