import {excerpt, RecsysError} from '../errors.js'
import {type CsvHeader, type CsvSource, headerList, readCsv, sourceLabel} from '../ingest/csv-reader.js'
import {canonicalInteger} from '../ingest/ids.js'
import {parseTimestampMs} from '../ingest/timestamps.js'
import {loadDataset} from '../store/dataset.js'
import type {Db} from '../store/open.js'
import {campaignMembers, type CampaignRecord, loadCampaign} from './store.js'
import {type Interval, jsonSafe, meanInterval, minimumDetectableEffect, newcombeDifference, relativeLift, twoProportionPValue, welchDifference} from './stats.js'

export interface OutcomeColumns {
  user: string
  product?: string
  time?: string
  value?: string
}

export interface CampaignReportOptions {
  campaignId: string
  /** A CSV of outcomes (purchases, sign-ups); without one, the store's interactions after the campaign's data. */
  outcomes?: {source: CsvSource; columns?: Partial<OutcomeColumns>; delimiter?: string}
  since?: string
  until?: string
  /** The absolute lift (in percentage points) the user hopes to see: said plainly whether this test can detect it. */
  expectedLiftPoints?: number
}

type Nullable<T> = {[K in keyof T]: T[K] | null}

interface GroupResult {
  users: number
  converted: number
  rate: number
}

export interface CampaignReport {
  /** The campaign id. */
  campaign: string
  details: {createdAt: string; products: string[]; ranking: string; modelVersion: number; holdout: number; control: string; audienceSize: number}
  outcomes: {source: string; rows: number; counted: number; outsideCampaign: number; outsideWindow: number; otherProducts: number; unreadable: number; unreadableValues: number}
  /** sinceDefault: the window starts at the campaign's export because no --since was given. */
  window: {since: string | null; until: string | null; sinceDefault: boolean}
  groups: {treatment: GroupResult; control: GroupResult}
  lift: {absolute: Nullable<Interval>; relative: Nullable<Interval>}
  pValue: number
  /** The smallest absolute lift this test detects with 80% power at 5% (two-sided); null when the control rate is 0 or 1. */
  minimumDetectableEffect: number | null
  value: {treatment: Nullable<Interval>; control: Nullable<Interval>; difference: Nullable<Interval> & {pValue: number}} | null
  verdict: string
  elapsedMs: number
}

const DEFAULTS: OutcomeColumns = {user: 'customer_id', product: 'product_id', time: 'event_date', value: 'value'}

function findColumn(header: CsvHeader, wanted: string): number {
  const exact = header.names.indexOf(wanted)
  if (exact !== -1) return exact
  const loose = header.names.flatMap((n, i) => (n.toLowerCase() === wanted.toLowerCase() ? [i] : []))
  return loose.length === 1 ? loose[0] : -1
}

function windowBound(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined
  const ms = parseTimestampMs(text)
  if (Number.isNaN(ms)) throw new RecsysError('USAGE', `${flag} ${excerpt(text, 40)} is not a date`, `Pass e.g. ${flag} 2023-03-01.`)
  return ms
}

/**
 * `recsys campaign report`: who converted in each group of a recorded campaign, the lift with a
 * 95% interval (Newcombe for the difference, Katz for the ratio), a two-sided p-value, the
 * minimum detectable effect at 80% power, and value per user when outcomes carry one.
 */
export async function reportCampaign(db: Db, options: CampaignReportOptions): Promise<CampaignReport> {
  const started = Date.now()
  const campaign = loadCampaign(db, options.campaignId)
  let since = windowBound(options.since, '--since')
  let sinceDefault = false
  const until = windowBound(options.until, '--until')
  if (since !== undefined && until !== undefined && until <= since) throw new RecsysError('USAGE', '--until must come after --since', 'Pass a window like --since 2023-03-01 --until 2023-04-01.')
  // Members: each customer's group and the products they were an audience for.
  const group = new Map<string, 'treatment' | 'control'>()
  const productsOf = new Map<string, Set<string>>()
  for (const m of campaignMembers(db, campaign.campaignId)) {
    if (!group.has(m.customerId)) group.set(m.customerId, m.group)
    let set = productsOf.get(m.customerId)
    if (!set) productsOf.set(m.customerId, (set = new Set()))
    set.add(m.productId)
  }
  if (group.size === 0) throw new RecsysError('NO_DATA', `campaign ${campaign.campaignId} has no members`, 'Export it again with --holdout.')
  const converted = new Set<string>()
  const value = new Map<string, number>()
  const tally = {rows: 0, counted: 0, outsideCampaign: 0, outsideWindow: 0, otherProducts: 0, unreadable: 0, unreadableValues: 0}
  // Ids as prepare reads them (canonicalInteger): trimmed, and a float-written integer (pandas' 42.0) is 42.
  const id = (text: string | undefined): string => {
    let t = text ?? ''
    if (t.length > 0 && (t.charCodeAt(0) <= 32 || t.charCodeAt(t.length - 1) <= 32)) t = t.trim()
    return canonicalInteger(t) ?? t
  }
  let hasValue = false
  let source = ''
  /** One outcome: counts when its user is a member, in the window, for one of their products. */
  const take = (user: string, product: string | undefined, ts: number | undefined, amount: number | undefined): void => {
    tally.rows++
    if (!group.has(user)) return void tally.outsideCampaign++
    if (ts !== undefined && ((since !== undefined && ts < since) || (until !== undefined && ts >= until))) return void tally.outsideWindow++
    if (product !== undefined && !productsOf.get(user)!.has(product)) return void tally.otherProducts++
    tally.counted++
    converted.add(user)
    if (amount !== undefined) value.set(user, (value.get(user) ?? 0) + amount)
  }

  /** Columns the outcomes lack, so every outcome counts whatever its time or product. */
  let unfiltered: string[] = []
  if (options.outcomes) {
    source = sourceLabel(options.outcomes.source)
    const given = options.outcomes.columns ?? {}
    let at = {user: -1, product: -1, time: -1, value: -1}
    const stats = await readCsv(
      options.outcomes.source,
      {
        onHeader(header) {
          at = {
            user: findColumn(header, given.user ?? DEFAULTS.user),
            product: findColumn(header, given.product ?? DEFAULTS.product!),
            time: findColumn(header, given.time ?? DEFAULTS.time!),
            value: findColumn(header, given.value ?? DEFAULTS.value!),
          }
          if (at.user === -1) {
            throw new RecsysError('MISSING_COLUMN', `${source}: no user column "${excerpt(given.user ?? DEFAULTS.user, 60)}"; columns found: ${headerList(header.names)}`, 'Name it with --user-col.')
          }
          for (const role of ['product', 'time', 'value'] as const) {
            if (at[role] === -1 && given[role]) throw new RecsysError('MISSING_COLUMN', `${source}: no ${role} column "${excerpt(given[role]!, 60)}"; columns found: ${headerList(header.names)}`, `Name it with --${role}-col.`)
          }
          if ((since !== undefined || until !== undefined) && at.time === -1) throw new RecsysError('USAGE', `${source} has no time column, so --since/--until cannot apply`, 'Name it with --time-col.')
          // Outcomes before the audience went out cannot be its effect: by default count from the export.
          if (since === undefined && at.time !== -1) {
            since = Date.parse(campaign.createdAt)
            sinceDefault = true
          }
          hasValue = at.value !== -1
          unfiltered = [...(at.time === -1 ? ['time'] : []), ...(at.product === -1 ? ['product'] : [])]
        },
        onRow(fields) {
          const user = id(fields[at.user])
          // Most outcome rows are other customers': count them before reading their time or value.
          if (!group.has(user)) {
            tally.rows++
            tally.outsideCampaign++
            return
          }
          let ts: number | undefined
          if (at.time !== -1) {
            ts = parseTimestampMs(fields[at.time] ?? '')
            if (Number.isNaN(ts)) {
              tally.rows++
              tally.unreadable++
              return
            }
          }
          let amount: number | undefined
          if (at.value !== -1) {
            const text = (fields[at.value] ?? '').trim()
            amount = text === '' ? 0 : Number(text)
            // Not a plain number ('€5', '10,5', 'abc'), or beyond any real amount: counted, read as 0.
            if (!Number.isFinite(amount) || Math.abs(amount) > 1e12) {
              tally.unreadableValues++
              amount = 0
            }
          }
          take(user, at.product === -1 ? undefined : id(fields[at.product]), ts, amount)
        },
        onMalformed() {
          tally.rows++
          tally.unreadable++
        },
      },
      {delimiter: options.outcomes.delimiter},
    )
    if (stats.rows === 0) throw new RecsysError('NO_DATA', `${source} has no outcome rows`, 'Pass a CSV with one row per outcome (user, and optionally product, time and value).')
  } else {
    // The store's own later interactions: a newer prepare that holds the campaign period.
    const data = loadDataset(db)
    if (data.version === campaign.datasetVersion) {
      throw new RecsysError('NO_DATA', `the store holds no data after campaign ${campaign.campaignId} (it was built on the current dataset, v${data.version})`, 'Prepare a newer log that covers the campaign period, or pass --outcomes FILE.')
    }
    const then = db.prepare('SELECT last_ts_ms FROM datasets WHERE version = ?').pluck().get(campaign.datasetVersion) as number | undefined
    const after = then ?? Number.NEGATIVE_INFINITY
    source = `interactions of dataset v${data.version} after ${new Date(after).toISOString()}`
    const userId = db.prepare('SELECT user_id FROM users WHERE user_key = ?').pluck()
    const productId = db.prepare('SELECT product_id FROM products WHERE product_key = ?').pluck()
    const ids = new Map<number, string | null>()
    for (let i = 0; i < data.nRows; i++) {
      if (data.tsMs[i] <= after) continue
      const u = data.userKey[i]
      let id = ids.get(u)
      if (id === undefined) {
        const text = userId.get(u) as string
        id = group.has(text) ? text : null
        ids.set(u, id)
      }
      if (id === null) {
        tally.rows++
        tally.outsideCampaign++
        continue
      }
      take(id, productId.get(data.productKey[i]) as string, data.tsMs[i], undefined)
    }
  }

  const members = {treatment: [] as string[], control: [] as string[]}
  for (const [user, g] of group) members[g].push(user)
  const result = (g: 'treatment' | 'control'): GroupResult => {
    const users = members[g].length
    const c = members[g].filter((u) => converted.has(u)).length
    return {users, converted: c, rate: users > 0 ? c / users : 0}
  }
  const treatment = result('treatment')
  const control = result('control')
  if (control.users === 0) throw new RecsysError('NO_DATA', `campaign ${campaign.campaignId} has no control group`, 'Export it with --holdout (e.g. 10%) to measure lift.')
  const absolute = newcombeDifference(treatment.converted, treatment.users, control.converted, control.users)
  const relative = relativeLift(treatment.converted, treatment.users, control.converted, control.users)
  const pValue = twoProportionPValue(treatment.converted, treatment.users, control.converted, control.users)
  const baseline = control.rate
  const mde = baseline > 0 && baseline < 1 ? minimumDetectableEffect(baseline, treatment.users, control.users) : null
  let valueReport: CampaignReport['value'] = null
  if (hasValue) {
    const per = (g: 'treatment' | 'control'): Float64Array => Float64Array.from(members[g], (u) => value.get(u) ?? 0)
    const t = per('treatment')
    const c = per('control')
    const d = welchDifference(t, c)
    valueReport = {treatment: jsonSafe(meanInterval(t)), control: jsonSafe(meanInterval(c)), difference: {...jsonSafe(d), pValue: d.pValue}}
  }
  const pts = (x: number): string => `${(x * 100).toFixed(2)} points`
  const notes: string[] = []
  const significant = absolute.low > 0 || absolute.high < 0
  notes.push(
    `treatment converted at ${(treatment.rate * 100).toFixed(2)}% against ${(control.rate * 100).toFixed(2)}% for control: ${absolute.estimate >= 0 ? '+' : ''}${pts(absolute.estimate)} (95% interval ${pts(absolute.low)} to ${pts(absolute.high)}), p = ${pValue.toPrecision(3)}; ${significant ? 'the difference is significant' : 'not distinguishable from no effect'}`,
  )
  if (mde !== null) notes.push(`with ${treatment.users.toLocaleString('en-US')} treated and ${control.users.toLocaleString('en-US')} held out, the smallest lift this test detects (80% power, 5% two-sided) is ${pts(mde)}`)
  else notes.push('no control member converted (or all did), so the smallest detectable lift cannot be estimated')
  if (unfiltered.length > 0) {
    const what = unfiltered.map((c) => (c === 'time' ? 'whenever it happened, before the campaign too' : 'whatever product it was for')).join(', and ')
    const flags = unfiltered.map((c) => `--${c}-col`).join(' and ')
    notes.push(`the outcomes have no ${unfiltered.join(' or ')} column, so a member's outcome counts ${what}: name the column with ${flags} if the file has one`)
  }
  if (options.expectedLiftPoints !== undefined && mde !== null) {
    const expected = options.expectedLiftPoints / 100
    notes.push(
      expected < mde
        ? `the sample is too small to detect the ${options.expectedLiftPoints} point lift you expect: it would need about ${Math.ceil(((mde / expected) ** 2) * control.users).toLocaleString('en-US')} users in control at this split`
        : `a ${options.expectedLiftPoints} point lift is large enough for this sample to detect`,
    )
  }
  return {
    campaign: campaign.campaignId,
    details: {
      createdAt: campaign.createdAt,
      products: campaign.products,
      ranking: campaign.ranking,
      modelVersion: campaign.modelVersion,
      holdout: campaign.holdout,
      control: campaign.control,
      audienceSize: campaign.audienceSize,
    },
    outcomes: {source, ...tally},
    window: {since: since === undefined ? null : new Date(since).toISOString(), until: until === undefined ? null : new Date(until).toISOString(), sinceDefault},
    groups: {treatment, control},
    lift: {absolute: jsonSafe(absolute), relative: jsonSafe(relative)},
    pValue,
    minimumDetectableEffect: mde,
    value: valueReport,
    verdict: notes.map((n) => `${n[0].toUpperCase()}${n.slice(1)}.`).join(' '),
    elapsedMs: Date.now() - started,
  }
}

/** Stores the latest measured lift of a campaign (for `recsys report`). */
export function saveCampaignResult(db: Db, report: CampaignReport): void {
  db.prepare('INSERT OR REPLACE INTO campaign_results (campaign_id, measured_at, result) VALUES (?, ?, ?)').run(report.campaign, new Date().toISOString(), JSON.stringify(report))
}

export type {CampaignRecord}
