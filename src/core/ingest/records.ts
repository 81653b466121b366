/**
 * Record boundaries in delimited text, found before papaparse sees it, so that one stray quote
 * cannot swallow the rest of a file. RFC 4180 quoting, as papaparse reads it: a quote opens a
 * quoted field only at the start of a field; inside, "" is a quote; the closing quote is followed
 * (after optional spaces) by the delimiter, the line end, or the end of the input.
 *
 * A record is *malformed* when a field opened by a quote does not close sanely:
 * - the character after its closing quote is something else (`"Lamp" Oak`);
 * - it never closes before the end of the input;
 * - it runs past `maxSpanLines` line breaks or `maxRecordChars` characters (a runaway quote);
 * - it runs past a line break and the record does not then have the header's field count.
 * The caller drops the record's *first physical line* (counted, with its line number) and
 * resynchronises at the next line, so every later well-formed line is still read.
 */

export interface ScanOptions {
  delimiter: string
  /** The record terminator: '\n', '\r\n' or '\r'. */
  newline: string
  /** Fields a row should have (the header's); 0 while reading the header itself. */
  width: number
  maxSpanLines: number
  maxRecordChars: number
}

export const DEFAULT_MAX_SPAN_LINES = 100
export const DEFAULT_MAX_RECORD_CHARS = 1 << 20

/** The end of one record: `next` is where the following record starts. */
export type ScanResult = {kind: 'record'; next: number} | {kind: 'incomplete'} | {kind: 'malformed'; reason: string}

const SPACE = 32
const QUOTE = 34

/** Counts `ch` in s[from, to). */
function countChar(s: string, ch: string, from: number, to: number): number {
  let n = 0
  for (let i = s.indexOf(ch, from); i !== -1 && i < to; i = s.indexOf(ch, i + 1)) n++
  return n
}

/**
 * Scans the record that starts at `pos`, which holds at least one quote before its terminator (a
 * record without one is a plain line and needs no scan). `final` says the input ends with `s`.
 */
export function scanQuotedRecord(s: string, pos: number, final: boolean, o: ScanOptions): ScanResult {
  const {delimiter, newline} = o
  const lineBreak = newline === '\r' ? '\r' : '\n'
  let i = pos
  let fields = 1
  let lastNonEmpty = -1
  let spanned = 0
  for (;;) {
    if (s.charCodeAt(i) === QUOTE) {
      // A quoted field: find its closing quote.
      let j = i + 1
      for (;;) {
        const k = s.indexOf('"', j)
        const upTo = k === -1 ? s.length : k
        spanned += countChar(s, lineBreak, j, upTo)
        if (spanned > o.maxSpanLines || upTo - pos > o.maxRecordChars) return {kind: 'malformed', reason: `a quoted field runs on for more than ${o.maxSpanLines} lines (a stray quote?)`}
        if (k === -1) return final ? {kind: 'malformed', reason: 'a quoted field never closes (a stray quote?)'} : {kind: 'incomplete'}
        if (k + 1 === s.length && !final) return {kind: 'incomplete'}
        if (s.charCodeAt(k + 1) === QUOTE) {
          j = k + 2
          continue
        }
        let a = k + 1
        while (s.charCodeAt(a) === SPACE) a++
        if (a === s.length && !final) return {kind: 'incomplete'}
        if (k > i + 1) lastNonEmpty = fields - 1
        if (a === s.length) return checkWidth(fields, lastNonEmpty, spanned, s.length, o)
        if (s.startsWith(delimiter, a)) {
          fields++
          i = a + delimiter.length
          break
        }
        if (s.startsWith(newline, a)) return checkWidth(fields, lastNonEmpty, spanned, a + newline.length, o)
        if (newline === '\r\n' && a + 1 === s.length && s.charCodeAt(a) === 13 && !final) return {kind: 'incomplete'}
        return {kind: 'malformed', reason: 'text follows the closing quote of a field (a stray quote?)'}
      }
      continue
    }
    // An unquoted field: it ends at the next delimiter or at the record's end.
    const end = s.indexOf(newline, i)
    if (end === -1 && !final) return {kind: 'incomplete'}
    const stop = end === -1 ? s.length : end
    const d = s.indexOf(delimiter, i)
    if (d !== -1 && d < stop) {
      if (d > i) lastNonEmpty = fields - 1
      fields++
      i = d + delimiter.length
      continue
    }
    if (stop > i) lastNonEmpty = fields - 1
    return checkWidth(fields, lastNonEmpty, spanned, end === -1 ? s.length : end + newline.length, o)
  }
}

/**
 * The fields of the well-formed record s[from, to) (as scanQuotedRecord accepts it; `to` is before
 * its terminator), split as papaparse splits it: a field that opens with a quote runs to its
 * closing quote, "" inside standing for one quote, and spaces after the closing quote are dropped;
 * any other field runs to the next delimiter, quotes included. Null when the record does not read
 * that way (then papaparse has the last word).
 */
export function splitRecord(s: string, from: number, to: number, delimiter: string): string[] | null {
  const fields: string[] = []
  let i = from
  for (;;) {
    if (i < to && s.charCodeAt(i) === QUOTE) {
      let k = s.indexOf('"', i + 1)
      let escaped = false
      while (k !== -1 && k + 1 < to && s.charCodeAt(k + 1) === QUOTE) {
        escaped = true
        k = s.indexOf('"', k + 2)
      }
      if (k === -1 || k >= to) return null
      const value = s.slice(i + 1, k)
      fields.push(escaped ? value.replaceAll('""', '"') : value)
      let a = k + 1
      while (a < to && s.charCodeAt(a) === SPACE) a++
      if (a === to) return fields
      if (!s.startsWith(delimiter, a)) return null
      i = a + delimiter.length
      continue
    }
    const d = s.indexOf(delimiter, i)
    if (d === -1 || d >= to) {
      fields.push(s.slice(i, to))
      return fields
    }
    fields.push(s.slice(i, d))
    i = d + delimiter.length
  }
}

/** A record that ran past a line break must have the header's field count (or be padded with empties). */
function checkWidth(fields: number, lastNonEmpty: number, spanned: number, next: number, o: ScanOptions): ScanResult {
  if (spanned > 0 && o.width > 0 && fields !== o.width && !(fields > o.width && lastNonEmpty < o.width)) {
    return {kind: 'malformed', reason: `a quoted field runs over ${spanned} line break${spanned > 1 ? 's' : ''} into a row of ${fields} fields, not ${o.width} (a stray quote?)`}
  }
  return {kind: 'record', next}
}

/** The newline a text uses: that of its first line break ('\r\n', '\n', or a lone '\r'). */
export function detectNewline(sample: string): string {
  const lf = sample.indexOf('\n')
  if (lf > 0 && sample.charCodeAt(lf - 1) === 13) return '\r\n'
  if (lf === -1 && sample.indexOf('\r') !== -1) return '\r'
  return '\n'
}

export interface SplitSink {
  /**
   * Well-formed records s[from, to), `to` just before the last record's terminator (or at the end
   * of the input). Returns how many physical lines they span, terminator included.
   */
  records(s: string, from: number, to: number): number
  /** One physical line dropped for a malformed quote, without its line break. */
  malformed(text: string, reason: string): void
}

/**
 * Feeds text chunk by chunk and hands out runs of well-formed records and malformed lines, in
 * input order. Memory is bounded: at most one unfinished record is kept between chunks, and a
 * quoted field is given up on after `maxRecordChars`.
 */
export class RecordSplitter {
  private carry = ''

  constructor(
    private readonly options: ScanOptions,
    private readonly sink: SplitSink,
  ) {}

  /** The text not yet handed out (an unfinished record). */
  get pending(): string {
    return this.carry
  }

  push(chunk: string, final: boolean): void {
    // Joining the carried record to a whole chunk makes V8 copy the chunk when it is first searched
    // (about 8 ms a MiB, measured: half of a plain read). So the carried record is finished on the
    // chunk's first lines, and the rest of the chunk is scanned where it lies.
    const lineBreak = this.options.newline === '\r' ? '\r' : '\n'
    let from = 0
    while (this.carry.length > 0 && from < chunk.length) {
      const end = chunk.indexOf(lineBreak, from)
      if (end === -1) break
      this.scan(this.carry + chunk.slice(from, end + 1), false)
      from = end + 1
    }
    const rest = from === 0 ? chunk : chunk.slice(from)
    this.scan(this.carry.length > 0 ? this.carry + rest : rest, final)
  }

  /** Hands out the records of s (the carried text and what follows it); keeps the unfinished one. */
  private scan(s: string, final: boolean): void {
    const {newline} = this.options
    const lineBreak = newline === '\r' ? '\r' : '\n'
    let pos = 0
    let runStart = 0
    let nextQuote = s.indexOf('"')
    const flush = (to: number): void => {
      if (to > runStart) {
        // Hand out the run without its last terminator.
        const end = s.startsWith(newline, to - newline.length) ? to - newline.length : to
        this.sink.records(s, runStart, end)
      }
    }
    while (pos < s.length) {
      if (nextQuote !== -1 && nextQuote < pos) nextQuote = s.indexOf('"', pos)
      // Plain lines up to the line holding the next quote: no scan needed.
      const limit = nextQuote === -1 ? s.length : nextQuote
      const lastEnd = s.lastIndexOf(newline, limit - 1)
      if (lastEnd >= pos) {
        pos = lastEnd + newline.length
        continue
      }
      if (nextQuote === -1) {
        if (final) pos = s.length
        break
      }
      const r = scanQuotedRecord(s, pos, final, this.options)
      if (r.kind === 'incomplete') break
      if (r.kind === 'record') {
        pos = r.next
        continue
      }
      // Malformed: hand out what came before, drop this record's first physical line, go on after it.
      const lineEnd = s.indexOf(lineBreak, pos)
      if (lineEnd === -1 && !final) break
      flush(pos)
      let textEnd = lineEnd === -1 ? s.length : lineEnd
      if (lineBreak === '\n' && textEnd > pos && s.charCodeAt(textEnd - 1) === 13) textEnd--
      this.sink.malformed(s.slice(pos, textEnd), r.reason)
      pos = lineEnd === -1 ? s.length : lineEnd + 1
      runStart = pos
    }
    flush(pos)
    this.carry = pos < s.length ? s.slice(pos) : ''
  }
}
