import {excerpt} from '../errors.js'
import {Growable} from '../util/growable.js'
import {Dictionary} from './dictionary.js'
import {isNullId} from './ids.js'
import {looksDayFirst, parseTimestampMs} from './timestamps.js'

export interface DropCounts {
  malformedQuote: number
  wrongFieldCount: number
  nullUserId: number
  nullProductId: number
  invalidUserId: number
  invalidProductId: number
  badTimestamp: number
  nullEvent: number
  duplicate: number
  bot: number
}

function noDrops(): DropCounts {
  return {malformedQuote: 0, wrongFieldCount: 0, nullUserId: 0, nullProductId: 0, invalidUserId: 0, invalidProductId: 0, badTimestamp: 0, nullEvent: 0, duplicate: 0, bot: 0}
}

/** Where each role sits in a row (-1: the log has no such column), and the header's width. */
export interface RowLayout {
  user: number
  product: number
  event: number
  time: number
  name: number
  category: number
  brand: number
  width: number
  /** Column names, for messages. */
  names: {user: string; product: string; event: string | null}
}

export interface RowRules {
  strict: boolean
  dayFirst: boolean
  /** Event for rows whose event is empty (or for every row when the log has none), trimmed and lower-cased. */
  defaultEvent?: string
}

export type DropReason = keyof DropCounts

/** Every drop reason in report order, with the words a person reads (terminal and HTML report). */
export const DROP_REASONS: ReadonlyArray<[DropReason, string]> = [
  ['malformedQuote', 'stray or unclosed quote'],
  ['wrongFieldCount', 'wrong field count'],
  ['nullUserId', 'empty user id'],
  ['nullProductId', 'empty product id'],
  ['invalidUserId', 'invalid user id'],
  ['invalidProductId', 'invalid product id'],
  ['badTimestamp', 'bad timestamp'],
  ['nullEvent', 'empty event'],
  ['duplicate', 'exact duplicate'],
  ['bot', 'bot user rows'],
]

/** How many line numbers the report keeps for each reason (the first ones). */
export const SAMPLE_LINES = 5

/** A row that --strict refuses: its physical line and why. */
export class RowRejected extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`)
  }
}

/**
 * The per-row half of prepare: validates a parsed row, interns its ids and appends it to typed
 * columns (one entry per kept row, in file order), or counts why it was dropped.
 */
export class RowIngest {
  readonly users = new Dictionary()
  readonly products = new Dictionary()
  readonly events = new Dictionary()
  /** Product name, category and brand by product key, each from the first row that gives it. */
  readonly productName: Array<string | undefined> = []
  readonly productCategory: Array<string | undefined> = []
  readonly productBrand: Array<string | undefined> = []
  readonly user = new Growable(Int32Array, 1 << 16)
  readonly product = new Growable(Int32Array, 1 << 16)
  readonly event = new Growable(Int32Array, 1 << 16)
  readonly tsMs = new Growable(Float64Array, 1 << 16)
  readonly line = new Growable(Int32Array, 1 << 16)
  readonly dropped = noDrops()
  /** The first few line numbers dropped for each reason, for the report. */
  readonly sampleLines: Partial<Record<DropReason, number[]>> = {}
  dayFirstLooking = 0
  dayFirstExample = ''
  // Event cell as written → event key (-1: empty). Logs spell a handful of events, so this skips
  // trimming, lower-casing and interning per row.
  private readonly eventKeys = new Map<string, number>()

  constructor(
    private readonly layout: RowLayout,
    private readonly rules: RowRules,
  ) {}

  /** Counts a dropped row and keeps its line number among the first few of that reason. */
  drop(reason: DropReason, line: number): void {
    this.dropped[reason]++
    const lines = (this.sampleLines[reason] ??= [])
    if (lines.length < SAMPLE_LINES) lines.push(line)
  }

  /** A line the CSV reader dropped for a quote that does not close sanely. */
  malformed(line: number, reason: string): void {
    if (this.rules.strict) throw new RowRejected(line, reason)
    this.drop('malformedQuote', line)
  }

  /** Takes one parsed row; under --strict a bad row throws RowRejected instead of being counted. */
  add(fields: string[], line: number): void {
    const layout = this.layout
    const {strict, dayFirst} = this.rules
    if (fields.length !== layout.width) {
      let padded = fields.length > layout.width
      for (let i = layout.width; padded && i < fields.length; i++) if (fields[i].trim() !== '') padded = false
      if (!padded) {
        if (strict) throw new RowRejected(line, `expected ${layout.width} fields, found ${fields.length}`)
        this.drop('wrongFieldCount', line)
        return
      }
    }
    const user = fields[layout.user].trim()
    if (isNullId(user)) {
      if (strict) throw new RowRejected(line, `empty user id in column "${layout.names.user}"`)
      this.drop('nullUserId', line)
      return
    }
    const product = fields[layout.product].trim()
    if (isNullId(product)) {
      if (strict) throw new RowRejected(line, `empty product id in column "${layout.names.product}"`)
      this.drop('nullProductId', line)
      return
    }
    const time = fields[layout.time]
    const ts = parseTimestampMs(time, dayFirst)
    if (Number.isNaN(ts)) {
      if (!dayFirst && looksDayFirst(time)) {
        this.dayFirstLooking++
        this.dayFirstExample ||= time.trim()
      }
      if (strict) throw new RowRejected(line, `cannot read timestamp "${excerpt(time.trim(), 60)}"`)
      this.drop('badTimestamp', line)
      return
    }
    const eventCell = layout.event === -1 ? '' : fields[layout.event]
    let e = this.eventKeys.get(eventCell)
    if (e === undefined) {
      const event = eventCell.trim().toLowerCase() || this.rules.defaultEvent
      e = event ? this.events.intern(event) : -1
      this.eventKeys.set(eventCell, e)
    }
    if (e === -1) {
      if (strict) throw new RowRejected(line, `empty event in column "${layout.names.event}"`)
      this.drop('nullEvent', line)
      return
    }
    const p = this.products.intern(product)
    if (layout.name !== -1 && this.productName[p] === undefined) {
      const name = fields[layout.name].trim()
      if (name !== '') this.productName[p] = name
    }
    if (layout.category !== -1 && this.productCategory[p] === undefined) {
      const category = fields[layout.category].trim()
      if (category !== '') this.productCategory[p] = category
    }
    if (layout.brand !== -1 && this.productBrand[p] === undefined) {
      const brand = fields[layout.brand].trim()
      if (brand !== '') this.productBrand[p] = brand
    }
    this.user.push(this.users.intern(user))
    this.product.push(p)
    this.event.push(e)
    this.tsMs.push(ts)
    this.line.push(line)
  }
}
