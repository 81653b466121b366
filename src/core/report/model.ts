import {basename} from 'node:path'

import type {RankerSummary, TrainReport} from '../audience/train.js'
import {isRecsysError} from '../errors.js'
import type {PrepareReport} from '../ingest/prepare.js'
import {DROP_REASONS} from '../ingest/rows.js'
import type {Interval} from '../metrics/bootstrap.js'
import type {ExploreReport} from '../stats/explore.js'
import {recentCampaigns, type StoredCampaign} from '../campaigns/store.js'
import {latestDatasetRecord} from '../store/dataset.js'
import type {Db} from '../store/open.js'
import {latestRun, requireFreshRun, STAGE_COMMAND, type StageName} from '../store/runs.js'

/**
 * Everything the report shows, read from the store into one plain object, already cut down to what
 * a page can plot: the page's size depends on these caps, not on the number of interactions.
 */
export const REPORT_LIMITS = {
  /** Days of activity plotted one by one; longer spans are summed into weeks (or longer bins). */
  activityPoints: 1000,
  /** The latest cohorts shown, and month offsets per cohort. */
  cohorts: 36,
  cohortOffsets: 36,
  /** Events named in the mix; the rest are summed into one "other" bar. */
  events: 12,
  /** The newest campaigns shown, and product ids listed per campaign. */
  campaigns: 50,
  campaignProducts: 10,
  botUsers: 10,
  coldStart: 10,
}

/** A section the store cannot fill yet, and the command that fills it. */
export interface MissingSection {
  available: false
  command: string
}

/** A filled section; `stale` says why its results may be out of date, and what to run. */
export type Filled<T> = {available: true; stale: string | null} & T

export type Section<T> = MissingSection | Filled<T>

export interface DatasetSection {
  version: number
  source: string
  preparedAt: string
  readAs: string
  lines: number
  rowsRead: number
  rowsKept: number
  droppedTotal: number
  /** Only the reasons that dropped rows, with their first line numbers. */
  dropped: Array<{reason: string; rows: number; lines: number[]}>
  users: number
  products: number
  firstEvent: string | null
  lastEvent: string | null
  botUsers: {count: number; shown: string[]}
  hints: string[]
  warnings: string[]
}

export interface ExploreSection {
  ranAt: string
  totals: ExploreReport['totals']
  dateRange: ExploreReport['dateRange']
  /** trainShare: the share of interactions before the split, as it came out. */
  split: Pick<ExploreReport['split'], 'fraction' | 'splitTime' | 'retention' | 'returningUsers' | 'earlyUsers' | 'newProducts' | 'newProductShare' | 'lateProducts'> & {trainShare: number}
  users: Pick<ExploreReport['users'], 'median' | 'mean' | 'max' | 'oneTimeShare'>
  verdict: ExploreReport['verdict']
  histogram: Array<{label: string; users: number; share: number}>
  /** The latest cohorts, each cut to `offsets` months; `hidden` older cohorts are left out. */
  cohorts: {rows: Array<{month: string; users: number; active: number[]}>; offsets: number; hidden: number}
  /** Interactions per day from `firstDay`; when `binDays` > 1, each value is the mean over that many days. */
  activity: {firstDay: string; binDays: number; values: number[]}
  events: Array<{event: string; count: number; share: number}>
}

export interface RankerView {
  name: string
  ndcg: Interval
  precision: Interval
  recall: Interval
  hitRate: Interval
  coverage: number
}

export interface TrainSection {
  ranAt: string
  shipped: TrainReport['ranker']
  params: {topN: number; maxN: number; cap: number | null}
  products: TrainReport['products']
  reach: TrainReport['reach']
  coldStart: Array<{rank: number; customerId: string; score: number}>
  /** Null when train ran a named ranking with --skip-eval. */
  evaluation: {
    k: number
    splitTime: string
    productsEvaluated: number
    sampled: boolean
    best: string
    rankers: RankerView[]
    newProducts: {products: number; rankers: RankerView[]} | null
  } | null
}

export interface GroupResult {
  users: number | null
  converted: number | null
  rate: number | null
}

export interface NullableInterval {
  estimate: number | null
  low: number | null
  high: number | null
}

export interface CampaignView {
  id: string
  createdAt: string
  products: string[]
  productCount: number
  ranking: string
  audienceSize: number | null
  holdout: number | null
  control: string
  /** Null: not measured yet. `readable` false: a stored result this report cannot read. */
  result: null | {measuredAt: string; readable: false} | {
    measuredAt: string
    readable: true
    treatment: GroupResult
    control: GroupResult
    absolute: NullableInterval
    relative: NullableInterval
    pValue: number | null
    minimumDetectableEffect: number | null
  }
}

export interface CampaignSection {
  total: number
  shown: CampaignView[]
}

export interface ReportModel {
  generatedAt: string
  store: string
  dataset: Section<DatasetSection>
  explore: Section<ExploreSection>
  train: Section<TrainSection>
  campaigns: Section<CampaignSection>
}

/** Commands named in "run X to fill this section" lines. */
export const FILL_COMMANDS = {
  dataset: STAGE_COMMAND.prepare,
  explore: STAGE_COMMAND.explore,
  train: STAGE_COMMAND.train,
  campaigns: 'recsys recommend PRODUCT --holdout 10% --campaign NAME --out audience.csv',
  campaignReport: 'recsys campaign report',
}

export interface ReportModelOptions {
  /** The time printed as "generated at" (tests pin it). */
  now?: Date
}

/** Reads every section the store can fill; a stage that never ran leaves its section missing. */
export function buildReportModel(db: Db, options: ReportModelOptions = {}): ReportModel {
  return {
    generatedAt: (options.now ?? new Date()).toISOString(),
    store: basename(db.name),
    dataset: datasetSection(db),
    explore: exploreSection(db),
    train: trainSection(db),
    campaigns: campaignSection(db),
  }
}

/** Null when the run is current; otherwise the store's own "stale" message and what to run. */
function staleness(db: Db, stage: StageName): string | null {
  try {
    requireFreshRun(db, stage)
    return null
  } catch (error) {
    if (isRecsysError(error)) return `${error.message}. ${error.hint}`
    throw error
  }
}

function datasetSection(db: Db): Section<DatasetSection> {
  const record = latestDatasetRecord<PrepareReport>(db)
  if (!record) return {available: false, command: FILL_COMMANDS.dataset}
  const r = record.report
  const f = r.format
  const dropped: DatasetSection['dropped'] = []
  for (const [key, label] of DROP_REASONS) {
    const rows = r.dropped[key] ?? 0
    if (rows > 0) dropped.push({reason: label, rows, lines: r.droppedLines[key] ?? []})
  }
  return {
    available: true,
    stale: null,
    version: record.version,
    source: r.source,
    preparedAt: record.preparedAt,
    readAs: [f.compression !== 'none' ? f.compression : '', f.encoding].filter(Boolean).join(', '),
    lines: r.lines,
    rowsRead: r.rowsRead,
    rowsKept: r.rowsKept,
    droppedTotal: r.droppedTotal,
    dropped,
    users: r.users,
    products: r.products,
    firstEvent: r.firstEvent,
    lastEvent: r.lastEvent,
    botUsers: {count: r.botUsers.length, shown: r.botUsers.slice(0, REPORT_LIMITS.botUsers)},
    hints: r.hints,
    warnings: r.warnings,
  }
}

function exploreSection(db: Db): Section<ExploreSection> {
  const run = latestRun<ExploreReport>(db, 'explore')
  if (!run) return {available: false, command: FILL_COMMANDS.explore}
  const e = run.summary
  const s = e.split
  return {
    available: true,
    stale: staleness(db, 'explore'),
    ranAt: run.finishedAt,
    totals: e.totals,
    dateRange: e.dateRange,
    split: {
      fraction: s.fraction,
      trainShare: s.trainInteractions / Math.max(1, s.trainInteractions + s.testInteractions),
      splitTime: s.splitTime,
      retention: s.retention,
      returningUsers: s.returningUsers,
      earlyUsers: s.earlyUsers,
      newProducts: s.newProducts,
      newProductShare: s.newProductShare,
      lateProducts: s.lateProducts,
    },
    users: {median: e.users.median, mean: e.users.mean, max: e.users.max, oneTimeShare: e.users.oneTimeShare},
    verdict: e.verdict,
    histogram: e.users.histogram.map((h) => ({label: h.label, users: h.users, share: h.share})),
    cohorts: latestCohorts(e.cohorts),
    activity: foldActivity(e.activity.firstDay, e.activity.perDay),
    events: topEvents(e.events, REPORT_LIMITS.events),
  }
}

function latestCohorts(cohorts: ExploreReport['cohorts']): ExploreSection['cohorts'] {
  const kept = cohorts.slice(-REPORT_LIMITS.cohorts)
  const rows = kept.map((c) => ({month: c.month, users: c.users, active: c.active.slice(0, REPORT_LIMITS.cohortOffsets)}))
  return {rows, offsets: rows.reduce((a, r) => Math.max(a, r.active.length), 0), hidden: cohorts.length - kept.length}
}

/**
 * Daily counts as they are up to `activityPoints` days; beyond that, the mean per day over bins of
 * whole weeks, so a decade of data is still about a thousand points, the unit stays "per day", and
 * a last bin with fewer days does not look like a drop.
 */
export function foldActivity(firstDay: string, perDay: number[], maxPoints = REPORT_LIMITS.activityPoints): ExploreSection['activity'] {
  if (perDay.length <= maxPoints) return {firstDay, binDays: 1, values: [...perDay]}
  const binDays = 7 * Math.ceil(perDay.length / (7 * maxPoints))
  const values = new Array<number>(Math.ceil(perDay.length / binDays)).fill(0)
  for (let d = 0; d < perDay.length; d++) values[Math.floor(d / binDays)] += perDay[d]
  for (let b = 0; b < values.length; b++) values[b] /= Math.min(binDays, perDay.length - b * binDays)
  return {firstDay, binDays, values}
}

/** The `max - 1` largest events and one "other" entry for the rest (only when there is a rest). */
export function topEvents(events: ExploreReport['events'], max: number): ExploreSection['events'] {
  const sorted = [...events].sort((a, b) => b.count - a.count)
  if (sorted.length <= max) return sorted
  const head = sorted.slice(0, max - 1)
  const rest = sorted.slice(max - 1)
  const other = rest.reduce((acc, e) => ({count: acc.count + e.count, share: acc.share + e.share}), {count: 0, share: 0})
  return [...head, {event: `other (${rest.length} events)`, ...other}]
}

function rankerView(r: RankerSummary): RankerView {
  return {name: r.name, ndcg: r.ndcg, precision: r.precision, recall: r.recall, hitRate: r.hitRate, coverage: r.coverage}
}

function trainSection(db: Db): Section<TrainSection> {
  const run = latestRun<TrainReport>(db, 'train')
  if (!run) return {available: false, command: FILL_COMMANDS.train}
  const t = run.summary
  const ev = t.evaluation
  return {
    available: true,
    stale: staleness(db, 'train'),
    ranAt: run.finishedAt,
    shipped: t.ranker,
    params: {topN: t.params.topN, maxN: t.params.maxN, cap: t.params.maxAudiencesPerUser},
    products: t.products,
    reach: t.reach,
    coldStart: t.coldStart.slice(0, REPORT_LIMITS.coldStart),
    evaluation: ev
      ? {
          k: ev.k,
          splitTime: ev.split.splitTime,
          productsEvaluated: ev.products.evaluated,
          sampled: ev.products.sampled,
          best: ev.best,
          rankers: ev.rankers.map(rankerView),
          newProducts: ev.newProducts.rankers.length > 0 ? {products: ev.newProducts.products, rankers: ev.newProducts.rankers.map(rankerView)} : null,
        }
      : null,
  }
}

function campaignSection(db: Db): Section<CampaignSection> {
  const {total, campaigns} = recentCampaigns(db, REPORT_LIMITS.campaigns)
  if (total === 0) return {available: false, command: FILL_COMMANDS.campaigns}
  return {available: true, stale: null, total, shown: campaigns.map(campaignView)}
}

function campaignView(c: StoredCampaign): CampaignView {
  const products = parseJson(c.products)
  const ids = Array.isArray(products) ? products.map(String) : []
  return {
    id: String(c.campaignId),
    createdAt: String(c.createdAt),
    products: ids.slice(0, REPORT_LIMITS.campaignProducts),
    productCount: ids.length,
    ranking: String(c.ranking),
    audienceSize: numberOrNull(c.audienceSize),
    holdout: numberOrNull(c.holdout),
    control: String(c.control),
    result: c.result === null ? null : measured(String(c.measuredAt), parseJson(c.result)),
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

const numberOrNull = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null)

function record(x: unknown): Record<string, unknown> | undefined {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : undefined
}

/**
 * A stored result read field by field: it is written by another command (and may change shape),
 * so a field this report cannot read shows as "n/a" instead of failing the whole report.
 */
function measured(measuredAt: string, json: unknown): CampaignView['result'] {
  const r = record(json)
  const groups = record(r?.groups)
  const lift = record(r?.lift)
  if (!r || !groups || !lift) return {measuredAt, readable: false}
  const group = (x: unknown): GroupResult => {
    const g = record(x)
    return {users: numberOrNull(g?.users), converted: numberOrNull(g?.converted), rate: numberOrNull(g?.rate)}
  }
  const interval = (x: unknown): NullableInterval => {
    const i = record(x)
    return {estimate: numberOrNull(i?.estimate), low: numberOrNull(i?.low), high: numberOrNull(i?.high)}
  }
  return {
    measuredAt,
    readable: true,
    treatment: group(groups.treatment),
    control: group(groups.control),
    absolute: interval(lift.absolute),
    relative: interval(lift.relative),
    pValue: numberOrNull(r.pValue),
    minimumDetectableEffect: numberOrNull(r.minimumDetectableEffect),
  }
}
