import {excerpt} from '../errors.js'
import {ChunkedColumn, Growable} from '../util/growable.js'
import {trimmedEnd, trimmedStart} from '../util/text-range.js'
import {Dictionary, FirstText} from './dictionary.js'
import {isNullId, isNullIdRange} from './ids.js'
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

/** Event cells addLine matches in place; a log spelling more of them has its later ones looked up by string. */
const MAX_EVENT_CELLS = 16

/** How many line numbers the report keeps for each reason (the first ones). */
export const SAMPLE_LINES = 5

/**
 * Whether product key p (of `known` keys before its row) has no text yet. When every known key
 * has one, as in a log that names each product on every row, a key seen before needs no look-up:
 * at tens of millions of products that look-up is a cache miss on most rows.
 */
function lacksText(texts: FirstText, p: number, known: number): boolean {
  return (p >= known || texts.count < known) && !texts.has(p)
}

/** A row that --strict refuses: its physical line and why. */
export class RowRejected extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
    /** Not a bad row but a wrong mapping: fatal with or without --strict. */
    readonly fatal = false,
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
  readonly productName = new FirstText()
  readonly productCategory = new FirstText()
  readonly productBrand = new FirstText()
  readonly user = new ChunkedColumn(Int32Array)
  readonly product = new ChunkedColumn(Int32Array)
  readonly event = new ChunkedColumn(Uint16Array)
  readonly tsMs = new ChunkedColumn(Float64Array)
  /**
   * Physical lines of the kept rows, sparsely: row i is on line lineBase[k] + (i − lineRow[k]) for
   * the last breakpoint k with lineRow[k] ≤ i. A breakpoint is added only where lines skip (a
   * dropped row, a blank line, a quoted line break), not per row.
   */
  private readonly lineRow = new Growable(Int32Array)
  private readonly lineBase = new Growable(Float64Array)
  private expectedLine = -1
  readonly dropped = noDrops()
  /** The first few line numbers dropped for each reason, for the report. */
  readonly sampleLines: Partial<Record<DropReason, number[]>> = {}
  dayFirstLooking = 0
  dayFirstExample = ''
  // Event cell as written → event key (-1: empty). Logs spell a handful of events, so this skips
  // trimming, lower-casing and interning per row.
  private readonly eventKeys = new Map<string, number>()
  // The first event cells seen, for addLine to match in place without making the cell's string.
  private readonly eventCells: string[] = []
  private readonly eventCellKeys: number[] = []
  private readonly fieldStarts: Int32Array
  // The last timestamp cell addLine parsed and its value (NaN when it is no timestamp).
  private lastTimeCell = ''
  private lastTimeMs = Number.NaN

  constructor(
    private readonly layout: RowLayout,
    private readonly rules: RowRules,
  ) {
    this.fieldStarts = new Int32Array(layout.width + 1)
  }

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
    const e = this.eventKey(layout.event === -1 ? '' : fields[layout.event], line)
    if (e === -1) {
      if (strict) throw new RowRejected(line, `empty event in column "${layout.names.event}"`)
      this.drop('nullEvent', line)
      return
    }
    const known = this.products.size
    const p = this.products.intern(product)
    if (layout.name !== -1 && lacksText(this.productName, p, known)) {
      const name = fields[layout.name].trim()
      if (name !== '') this.productName.set(p, name)
    }
    if (layout.category !== -1 && lacksText(this.productCategory, p, known)) {
      const category = fields[layout.category].trim()
      if (category !== '') this.productCategory.set(p, category)
    }
    if (layout.brand !== -1 && lacksText(this.productBrand, p, known)) {
      const brand = fields[layout.brand].trim()
      if (brand !== '') this.productBrand.set(p, brand)
    }
    if (line !== this.expectedLine) {
      this.lineRow.push(this.user.length)
      this.lineBase.push(line)
    }
    this.expectedLine = line + 1
    this.user.push(this.users.intern(user))
    this.product.push(p)
    this.event.push(e)
    this.tsMs.push(ts)
  }

  /** The key of an event cell as written (-1: empty), interned on first sight. */
  private eventKey(cell: string, line: number): number {
    let e = this.eventKeys.get(cell)
    if (e === undefined) {
      const event = cell.trim().toLowerCase() || this.rules.defaultEvent
      e = event ? this.events.intern(event) : -1
      if (e > 65_535) throw new RowRejected(line, 'the event column holds more than 65,536 different values: is --event-col the right column?', true)
      this.eventKeys.set(cell, e)
      if (this.eventCells.length < MAX_EVENT_CELLS) {
        this.eventCells.push(cell)
        this.eventCellKeys.push(e)
      }
    }
    return e
  }

  /**
   * Takes the row s[from, to), a line without quotes or line breaks, split on `delimiter`: the
   * same as add(s.slice(from, to).split(delimiter), line), but the fields are read in place, so a
   * row that is kept makes no string except its timestamp (and a new product's name). Any row
   * that add() might drop or refuse is handed to add() itself, so the rules live in one place.
   */
  addLine(s: string, from: number, to: number, line: number, delimiter: string): void {
    if (!this.keepInPlace(s, from, to, line, delimiter)) this.add(s.slice(from, to).split(delimiter), line)
  }

  /** Keeps the row s[from, to) read in place and returns true, or returns false (having kept nothing) when add() must decide. */
  private keepInPlace(s: string, from: number, to: number, line: number, delimiter: string): boolean {
    const layout = this.layout
    const starts = this.fieldStarts
    const width = layout.width
    // Field k is s[starts[k], starts[k + 1] - 1).
    starts[0] = from
    let fields = 1
    for (let d = s.indexOf(delimiter, from); d !== -1 && d < to; d = s.indexOf(delimiter, d + 1)) {
      if (fields === width) return false
      starts[fields++] = d + 1
    }
    if (fields !== width) return false
    starts[width] = to + 1
    const userFrom = trimmedStart(s, starts[layout.user], starts[layout.user + 1] - 1)
    const userTo = trimmedEnd(s, userFrom, starts[layout.user + 1] - 1)
    const productFrom = trimmedStart(s, starts[layout.product], starts[layout.product + 1] - 1)
    const productTo = trimmedEnd(s, productFrom, starts[layout.product + 1] - 1)
    if (isNullIdRange(s, userFrom, userTo) || isNullIdRange(s, productFrom, productTo)) return false
    const ts = this.timestampAt(s, starts[layout.time], starts[layout.time + 1] - 1)
    if (Number.isNaN(ts)) return false
    const e = layout.event === -1 ? this.eventKey('', line) : this.eventKeyAt(s, starts[layout.event], starts[layout.event + 1] - 1, line)
    if (e === -1) return false
    const known = this.products.size
    const p = this.products.internRange(s, productFrom, productTo)
    if (layout.name !== -1 && lacksText(this.productName, p, known)) this.setText(this.productName, p, s, starts, layout.name)
    if (layout.category !== -1 && lacksText(this.productCategory, p, known)) this.setText(this.productCategory, p, s, starts, layout.category)
    if (layout.brand !== -1 && lacksText(this.productBrand, p, known)) this.setText(this.productBrand, p, s, starts, layout.brand)
    if (line !== this.expectedLine) {
      this.lineRow.push(this.user.length)
      this.lineBase.push(line)
    }
    this.expectedLine = line + 1
    this.user.push(this.users.internRange(s, userFrom, userTo))
    this.product.push(p)
    this.event.push(e)
    this.tsMs.push(ts)
    return true
  }

  /**
   * parseTimestampMs of the cell s[from, to). A log in time order repeats its last timestamp
   * whenever several events share a second (six rows in seven on 50M generator rows, most rows of
   * a busy shop's log), so a cell equal to the last one parsed is matched in place, making no string.
   */
  private timestampAt(s: string, from: number, to: number): number {
    const last = this.lastTimeCell
    if (to - from === last.length && s.startsWith(last, from)) return this.lastTimeMs
    this.lastTimeCell = s.slice(from, to)
    this.lastTimeMs = parseTimestampMs(this.lastTimeCell, this.rules.dayFirst)
    return this.lastTimeMs
  }

  /** eventKey of the cell s[from, to), matched in place against the first cells seen. */
  private eventKeyAt(s: string, from: number, to: number, line: number): number {
    const cells = this.eventCells
    const length = to - from
    for (let c = 0; c < cells.length; c++) if (cells[c].length === length && s.startsWith(cells[c], from)) return this.eventCellKeys[c]
    return this.eventKey(s.slice(from, to), line)
  }

  /** Sets field k of a row read in place, trimmed, unless it is empty. */
  private setText(texts: FirstText, key: number, s: string, starts: Int32Array, k: number): void {
    const a = trimmedStart(s, starts[k], starts[k + 1] - 1)
    const b = trimmedEnd(s, a, starts[k + 1] - 1)
    if (b > a) texts.set(key, s.slice(a, b))
  }

  /** The physical line of kept row i. */
  lineOf(i: number): number {
    const rows = this.lineRow.view()
    let lo = 0
    let hi = rows.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if (rows[mid] <= i) lo = mid
      else hi = mid - 1
    }
    return this.lineBase.view()[lo] + (i - rows[lo])
  }
}
