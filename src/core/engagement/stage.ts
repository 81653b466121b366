import {isoDateTime, utcDay} from '../ingest/timestamps.js'
import {writeColumn} from '../store/columns.js'
import {loadDataset} from '../store/dataset.js'
import type {Db} from '../store/open.js'
import {recordRun} from '../store/runs.js'
import {writeFileAtomically} from '../util/atomic-file.js'
import {writeFeaturesCsv} from './export.js'
import {COMPONENTS, type Component, computeFeatures, type EngagementOptions, rankUsers, resolveEngagementOptions, type ResolvedEngagementOptions} from './score.js'

export interface TopUser {
  rank: number
  customerId: string
  engagement: number
  interactions: number
  distinctProducts: number
  lastSeen: string
  components: Record<Component, number>
}

export interface FeaturesReport {
  datasetVersion: number
  params: ResolvedEngagementOptions
  users: number
  referenceTime: string
  distribution: {min: number; p25: number; p50: number; p75: number; p90: number; p99: number; max: number; mean: number}
  histogram: Array<{from: number; to: number; users: number}>
  top: TopUser[]
  /** With --out: where every user's features went. */
  exported?: {path: string; rows: number}
  /** Events named in --event-weights that this data does not have (a typo weighs nothing). */
  unknownEvents: string[]
  elapsedMs: number
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0
  const pos = q * (sorted.length - 1)
  const lo = Math.floor(pos)
  const hi = Math.min(sorted.length - 1, lo + 1)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo)
}

/** `recsys features`: engagement per user, stored as columns (by user key) and in ranked order. */
export function runFeatures(db: Db, options: EngagementOptions & {top?: number; out?: string; rawCsv?: boolean} = {}): FeaturesReport {
  const started = Date.now()
  const params = resolveEngagementOptions(options)
  const data = loadDataset(db)
  const f = computeFeatures(data, data.nUsers, data.nProducts, data.eventNames, params)
  const ranked = rankUsers(f.engagement, f.active)

  const scores = Float64Array.from(ranked, (u) => f.engagement[u]).sort()
  let sum = 0
  for (const s of scores) sum += s
  // Ten equal-width bins from 0 to the top score.
  const bins = 10
  const maxScore = scores.length ? scores[scores.length - 1] : 0
  const width = maxScore > 0 ? maxScore / bins : 1
  const histogram = Array.from({length: bins}, (_, b) => ({from: b * width, to: (b + 1) * width, users: 0}))
  for (const s of scores) histogram[Math.min(bins - 1, Math.floor(s / width))].users++
  const idOf = db.prepare('SELECT user_id FROM users WHERE user_key = ?').pluck()
  const top: TopUser[] = Array.from(ranked.subarray(0, options.top ?? 10), (u, i) => ({
    rank: i + 1,
    customerId: idOf.get(u) as string,
    engagement: f.engagement[u],
    interactions: f.interactions[u],
    distinctProducts: f.distinctProducts[u],
    lastSeen: isoDateTime(f.lastTsMs[u]),
    components: Object.fromEntries(COMPONENTS.map((c) => [c, f.normalised(c, u)])) as Record<Component, number>,
  }))
  const present = new Set(data.eventNames)
  const unknownEvents = Object.keys(options.eventWeights ?? {}).filter((name) => !present.has(name))
  const report: Omit<FeaturesReport, 'elapsedMs'> = {
    unknownEvents,
    datasetVersion: data.version,
    params,
    users: ranked.length,
    referenceTime: isoDateTime(f.referenceTsMs),
    distribution: {
      min: scores[0] ?? 0,
      p25: quantile(scores, 0.25),
      p50: quantile(scores, 0.5),
      p75: quantile(scores, 0.75),
      p90: quantile(scores, 0.9),
      p99: quantile(scores, 0.99),
      max: maxScore,
      mean: scores.length ? sum / scores.length : 0,
    },
    histogram,
    top,
  }
  // The CSV first: a file that cannot be written leaves the store as it was.
  const rows = options.out ? writeFileAtomically(options.out, (write) => writeFeaturesCsv(db, f, write, options.rawCsv)) : undefined
  db.transaction(() => {
    writeColumn(db, 'features.engagement', f.engagement)
    writeColumn(db, 'features.ranked_users', ranked)
    // Per-user facts that lookups read a user at a time: small chunks make each read small.
    writeColumn(db, 'features.interactions', f.interactions, 4096)
    writeColumn(db, 'features.distinct_products', f.distinctProducts, 4096)
    // Outputs show the last day a user was seen, so whole UTC days (Int32) are kept, not milliseconds.
    writeColumn(db, 'features.last_day', Int32Array.from(f.lastTsMs, (t) => utcDay(t)), 4096)
    recordRun(db, {stage: 'features', datasetVersion: data.version, params, startedAtMs: started, summary: report})
  })()
  if (options.out) return {...report, exported: {path: options.out, rows: rows!}, elapsedMs: Date.now() - started}
  return {...report, elapsedMs: Date.now() - started}
}
