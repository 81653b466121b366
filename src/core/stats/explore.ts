import {isoDate, utcDay} from '../ingest/timestamps.js'
import type {Dataset} from '../store/dataset.js'
import {temporalSplit} from '../split/temporal.js'

/** What each failed threshold means, in words. */
const BLOCKER_TEXT: Record<string, string> = {
  retention: 'too few users come back',
  oneTimeUserShare: 'too many users are seen once',
  newProductShare: 'too many products are new after the split',
}

export interface ExploreOptions {
  split?: number
  /** Thresholds behind the verdict. */
  minRetention?: number
  maxOneTimeShare?: number
  maxNewProductShare?: number
}

export interface HistogramBucket {
  label: string
  from: number
  to: number | null
  users: number
  share: number
}

export interface Cohort {
  month: string
  users: number
  /** Share of the cohort active in month offset 0, 1, 2, … after its first month. */
  active: number[]
}

export interface VerdictReason {
  metric: string
  value: number
  threshold: number
  blocks: boolean
  text: string
}

export interface ExploreReport {
  datasetVersion: number
  totals: {interactions: number; users: number; products: number; userProductPairs: number; sparsity: number}
  /** First and last dates, the UTC days with interactions, and the hours from first to last interaction. */
  dateRange: {first: string; last: string; days: number; hours: number}
  split: {
    fraction: number
    splitTime: string
    trainInteractions: number
    testInteractions: number
    earlyUsers: number
    lateUsers: number
    returningUsers: number
    retention: number
    earlyProducts: number
    lateProducts: number
    newProducts: number
    newProductShare: number
  }
  users: {median: number; mean: number; max: number; oneTimeShare: number; twoToFiveShare: number; moreThanFiveShare: number; histogram: HistogramBucket[]}
  products: {median: number; mean: number; max: number; oneTimeShare: number}
  events: Array<{event: string; count: number; share: number}>
  cohorts: Cohort[]
  activity: {firstDay: string; perDay: number[]}
  verdict: {cfViable: boolean; summary: string; reasons: VerdictReason[]}
}

const BUCKETS: Array<[number, number | null]> = [
  [1, 1],
  [2, 2],
  [3, 5],
  [6, 10],
  [11, 20],
  [21, 50],
  [51, 100],
  [101, 1000],
  [1001, null],
]

function bucketOf(count: number): number {
  let b = 0
  while (BUCKETS[b][1] !== null && count > (BUCKETS[b][1] as number)) b++
  return b
}

function countsPer(keys: Int32Array | Uint16Array, n: number, from = 0, to = keys.length): Int32Array {
  const counts = new Int32Array(n)
  for (let i = from; i < to; i++) counts[keys[i]]++
  return counts
}

/** Median of non-negative counts, by a histogram of their values (no sort of millions of values). */
function median(values: Int32Array): number {
  const n = values.length
  if (n === 0) return 0
  let max = 0
  for (let i = 0; i < n; i++) if (values[i] > max) max = values[i]
  const histogram = new Int32Array(max + 1)
  for (let i = 0; i < n; i++) histogram[values[i]]++
  // The value at sorted position k.
  const at = (k: number): number => {
    let seen = 0
    for (let v = 0; v <= max; v++) {
      seen += histogram[v]
      if (seen > k) return v
    }
    return max
  }
  const mid = n >> 1
  return n % 2 ? at(mid) : (at(mid - 1) + at(mid)) / 2
}

function monthIndex(ms: number): number {
  const d = new Date(ms)
  return d.getUTCFullYear() * 12 + d.getUTCMonth()
}

function monthLabel(index: number): string {
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`
}

/**
 * Number of distinct (user, product) pairs: rows grouped by user with a counting sort (`perUser`
 * are the rows per user), then each user's products counted once with a stamp per product. O(rows),
 * where sorting 50M combined keys took seconds.
 */
export function distinctPairs(user: Int32Array, product: Int32Array, nProducts: number, perUser: Int32Array): number {
  const nUsers = perUser.length
  const start = new Int32Array(nUsers + 1)
  for (let u = 0; u < nUsers; u++) start[u + 1] = start[u] + perUser[u]
  const fill = start.slice(0, nUsers)
  const byUser = new Int32Array(user.length)
  for (let i = 0; i < user.length; i++) byUser[fill[user[i]]++] = product[i]
  const stamp = new Int32Array(nProducts)
  let distinct = 0
  for (let u = 0; u < nUsers; u++) {
    const tag = u + 1
    for (let j = start[u]; j < start[u + 1]; j++) {
      const p = byUser[j]
      if (stamp[p] !== tag) {
        stamp[p] = tag
        distinct++
      }
    }
  }
  return distinct
}

/** The statistics that decide the method, from the prepared interactions. */
export function explore(data: Dataset, options: ExploreOptions = {}): ExploreReport {
  const {nRows: n, nUsers, nProducts, userKey, productKey, tsMs} = data
  const minRetention = options.minRetention ?? 0.1
  const maxOneTime = options.maxOneTimeShare ?? 0.8
  const maxNew = options.maxNewProductShare ?? 0.5

  const perUser = countsPer(userKey, nUsers)
  const pairs = distinctPairs(userKey, productKey, nProducts, perUser)
  const perProduct = countsPer(productKey, nProducts)

  // Temporal split: who and what is active on each side.
  const split = temporalSplit(data, options.split ?? 0.8)
  const userEarly = new Uint8Array(nUsers)
  const productEarly = new Uint8Array(nProducts)
  for (let i = 0; i < split.trainRows; i++) {
    userEarly[userKey[i]] = 1
    productEarly[productKey[i]] = 1
  }
  const userLate = new Uint8Array(nUsers)
  const productLate = new Uint8Array(nProducts)
  for (let i = split.trainRows; i < n; i++) {
    userLate[userKey[i]] = 1
    productLate[productKey[i]] = 1
  }
  let earlyUsers = 0
  let lateUsers = 0
  let returning = 0
  for (let u = 0; u < nUsers; u++) {
    earlyUsers += userEarly[u]
    lateUsers += userLate[u]
    returning += userEarly[u] & userLate[u]
  }
  let earlyProducts = 0
  let lateProducts = 0
  let newProducts = 0
  for (let p = 0; p < nProducts; p++) {
    earlyProducts += productEarly[p]
    lateProducts += productLate[p]
    if (productLate[p] && !productEarly[p]) newProducts++
  }

  // Interactions per user.
  let oneTime = 0
  let twoToFive = 0
  let maxUser = 0
  const histogram = BUCKETS.map(([from, to]) => ({label: to === null ? `${from}+` : from === to ? String(from) : `${from}-${to}`, from, to, users: 0, share: 0}))
  for (let u = 0; u < nUsers; u++) {
    const c = perUser[u]
    if (c === 1) oneTime++
    else if (c <= 5) twoToFive++
    if (c > maxUser) maxUser = c
    histogram[bucketOf(c)].users++
  }
  for (const h of histogram) h.share = h.users / nUsers
  let oneTimeProducts = 0
  let maxProduct = 0
  for (let p = 0; p < nProducts; p++) {
    if (perProduct[p] === 1) oneTimeProducts++
    if (perProduct[p] > maxProduct) maxProduct = perProduct[p]
  }

  // Events.
  const perEvent = countsPer(data.eventKey, data.eventNames.length)
  const events = data.eventNames
    .map((event, k) => ({event, count: perEvent[k], share: perEvent[k] / n}))
    .sort((a, b) => b.count - a.count || a.event.localeCompare(b.event))

  // Monthly cohorts: month of first activity; share active in each later month.
  const firstMonth = new Int32Array(nUsers).fill(-1)
  const m0 = monthIndex(tsMs[0])
  const months = monthIndex(tsMs[n - 1]) - m0 + 1
  const activeCells = new Int32Array(months * months)
  const lastCounted = new Int32Array(nUsers).fill(-1)
  // Rows are in time order: the month changes only at month boundaries, found as they pass.
  let m = 0
  let nextMonthMs = Number.NEGATIVE_INFINITY
  for (let i = 0; i < n; i++) {
    const u = userKey[i]
    if (tsMs[i] >= nextMonthMs) {
      const index = monthIndex(tsMs[i])
      m = index - m0
      nextMonthMs = Date.UTC(Math.floor((index + 1) / 12), (index + 1) % 12, 1)
    }
    if (firstMonth[u] === -1) firstMonth[u] = m
    if (lastCounted[u] !== m) {
      lastCounted[u] = m
      activeCells[firstMonth[u] * months + (m - firstMonth[u])]++
    }
  }
  const cohorts: Cohort[] = []
  for (let c = 0; c < months; c++) {
    const size = activeCells[c * months]
    if (size === 0) continue
    const active: number[] = []
    for (let off = 0; c + off < months; off++) active.push(activeCells[c * months + off] / size)
    cohorts.push({month: monthLabel(m0 + c), users: size, active})
  }

  // Activity per UTC day.
  const day0 = utcDay(tsMs[0])
  const perDay = Array.from({length: utcDay(tsMs[n - 1]) - day0 + 1}, () => 0)
  for (let i = 0; i < n; i++) perDay[utcDay(tsMs[i]) - day0]++

  const retention = earlyUsers > 0 ? returning / earlyUsers : 0
  const oneTimeShare = oneTime / nUsers
  const newProductShare = lateProducts > 0 ? newProducts / lateProducts : 0
  const pctText = (x: number): string => `${(x * 100).toFixed(1)}%`
  const reasons: VerdictReason[] = [
    {
      metric: 'retention',
      value: retention,
      threshold: minRetention,
      blocks: retention < minRetention,
      text: `${pctText(retention)} of users active before the split come back after it (${retention < minRetention ? 'below' : 'at or above'} ${pctText(minRetention)})`,
    },
    {
      metric: 'oneTimeUserShare',
      value: oneTimeShare,
      threshold: maxOneTime,
      blocks: oneTimeShare > maxOneTime,
      text: `${pctText(oneTimeShare)} of users have a single interaction (${oneTimeShare > maxOneTime ? 'above' : 'at or below'} ${pctText(maxOneTime)})`,
    },
    {
      metric: 'newProductShare',
      value: newProductShare,
      threshold: maxNew,
      blocks: newProductShare > maxNew,
      text: `${pctText(newProductShare)} of products active after the split are new (${newProductShare > maxNew ? 'above' : 'at or below'} ${pctText(maxNew)})`,
    },
  ]
  const blocking = reasons.filter((r) => r.blocks)
  const cfViable = blocking.length === 0
  const summary = cfViable
    ? 'Collaborative filtering looks viable: users come back and products persist across the split.'
    : `Collaborative filtering is unlikely to work: ${blocking.map((r) => BLOCKER_TEXT[r.metric]).join(', ')}; a per-product ranking may still help (train --ranker auto measures it).`

  return {
    datasetVersion: data.version,
    totals: {interactions: n, users: nUsers, products: nProducts, userProductPairs: pairs, sparsity: 1 - pairs / (nUsers * nProducts)},
    dateRange: {first: isoDate(tsMs[0]), last: isoDate(tsMs[n - 1]), days: perDay.length, hours: (tsMs[n - 1] - tsMs[0]) / 3_600_000},
    split: {
      fraction: split.fraction,
      splitTime: new Date(split.splitTsMs).toISOString(),
      trainInteractions: split.trainRows,
      testInteractions: n - split.trainRows,
      earlyUsers,
      lateUsers,
      returningUsers: returning,
      retention,
      earlyProducts,
      lateProducts,
      newProducts,
      newProductShare,
    },
    users: {
      median: median(perUser),
      mean: n / nUsers,
      max: maxUser,
      oneTimeShare,
      twoToFiveShare: twoToFive / nUsers,
      moreThanFiveShare: (nUsers - oneTime - twoToFive) / nUsers,
      histogram,
    },
    products: {median: median(perProduct), mean: n / nProducts, max: maxProduct, oneTimeShare: oneTimeProducts / nProducts},
    events,
    cohorts,
    activity: {firstDay: isoDate(tsMs[0]), perDay},
    verdict: {cfViable, summary, reasons},
  }
}
