import Papa from 'papaparse'

import {excerpt, RecsysError} from '../errors.js'
import {type CsvSource, type ForcedEncoding, type InputFormat, openInput} from './input.js'
import {DEFAULT_MAX_RECORD_CHARS, DEFAULT_MAX_SPAN_LINES, detectNewline, RecordSplitter, type ScanOptions, scanQuotedRecord, splitRecord} from './records.js'

export type {CsvSource} from './input.js'
export {sourceLabel, sourceSizeBytes} from './input.js'

export interface CsvHeader {
  names: string[]
  delimiter: string
  line: number
}

/**
 * What was read. Every physical line is accounted for:
 * lines = headerLines + blankLines + rows + continuationLines, where a row is a record handed to
 * `onRow` or a line handed to `onMalformed`, and continuation lines are the extra lines of rows
 * whose quoted fields hold line breaks.
 */
export interface CsvReadStats {
  rows: number
  blankLines: number
  headerLines: number
  continuationLines: number
  malformed: number
  lines: number
  bytesRead: number
  totalBytes?: number
  format: InputFormat
  /** Bytes that were not valid UTF-8 (read as U+FFFD). */
  invalidUtf8: number
  /** NUL characters in the text (the start of a file with one is refused as binary). */
  nulCharacters: number
}

export interface CsvReadCallbacks {
  /** Called once with the header row. */
  onHeader(header: CsvHeader): void
  /** Called for every non-blank data row; `line` is the physical line the row starts on. */
  onRow(fields: string[], line: number): void
  /**
   * If given, called instead of onRow for a row on one line with no quote and at least one
   * delimiter, as the range s[from, to): onRow(s.slice(from, to).split(delimiter), line) is the same.
   */
  onLine?(s: string, from: number, to: number, line: number): void
  /** A physical line dropped because a quote in it does not close sanely. */
  onMalformed(line: number, text: string, reason: string): void
  onProgress?(stats: CsvReadStats): void
}

export interface CsvReadOptions {
  delimiter?: string
  /** Read as this encoding instead of detecting UTF-8 or UTF-16. */
  encoding?: ForcedEncoding
  maxSpanLines?: number
  maxRecordChars?: number
}

/** No physical line may be longer than this: past it, the input is not line-oriented text. */
export const MAX_LINE_CHARS = 64 << 20

function countBreaks(fields: string[], lineBreak: string): number {
  let extra = 0
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]
    if (f.length > 0 && f.indexOf(lineBreak) !== -1) for (let j = f.indexOf(lineBreak); j !== -1; j = f.indexOf(lineBreak, j + 1)) extra++
  }
  return extra
}

const isBlank = (fields: string[]): boolean => fields.length === 1 && fields[0].trim() === ''

/**
 * Streams a delimited file into rows without ever holding the whole file. Record boundaries are
 * found first (RecordSplitter), so a stray quote costs one counted line instead of the rest of the
 * file; papaparse then splits the well-formed runs into fields. The delimiter is detected unless
 * given; a UTF-8 BOM is dropped; blank lines are counted and skipped.
 */
export async function readCsv(source: CsvSource, callbacks: CsvReadCallbacks, options: CsvReadOptions = {}): Promise<CsvReadStats> {
  const input = await openInput(source, options.encoding)
  const label = input.label
  const stats: CsvReadStats = {rows: 0, blankLines: 0, headerLines: 0, continuationLines: 0, malformed: 0, lines: 0, bytesRead: 0, totalBytes: input.totalBytes, format: input.format, invalidUtf8: 0, nulCharacters: 0}
  let line = 1
  let head = ''
  let splitter: RecordSplitter | undefined
  let delimiter = checkDelimiter(options.delimiter)
  let newline = '\n'
  let lineBreak = '\n'
  let scan: ScanOptions | undefined

  const parse = (text: string): Papa.ParseResult<string[]> =>
    Papa.parse<string[]>(text, {delimiter, newline: newline as Papa.ParseConfig['newline'], quoteChar: '"', header: false, skipEmptyLines: false, dynamicTyping: false})

  /** One parsed row whose fields hold `extra` line breaks: counted, and handed on unless blank. */
  const take = (fields: string[], extra: number, malformed: boolean): void => {
    const rowLine = line
    line += 1 + extra
    if (isBlank(fields) && extra === 0) {
      stats.blankLines++
      return
    }
    stats.rows++
    stats.continuationLines += extra
    if (malformed) {
      stats.malformed++
      callbacks.onMalformed(rowLine, fields.join(delimiter), 'a quote in this row does not close sanely')
    } else callbacks.onRow(fields, rowLine)
  }

  /** Records as papaparse reads them; a row it reports an error in is counted as malformed. */
  const takeParsed = (text: string): void => {
    const result = parse(text)
    const bad = result.errors.length > 0 ? new Set(result.errors.map((e) => e.row)) : undefined
    result.data.forEach((fields, i) => take(fields, countBreaks(fields, lineBreak), bad?.has(i) ?? false))
  }

  const sink = {
    records(s: string, from: number, to: number): number {
      if (from === to) {
        stats.blankLines++
        line++
        return 1
      }
      const startLine = line
      // Line by line: a line without a quote splits on the delimiter as it stands (what papaparse
      // does too); a record with a quote (which may run over line breaks) is split by
      // splitRecord, or by papaparse when it declines. Only a lone line break inside a CRLF (or
      // CR) file's line can be a field's.
      const splitsLines = newline !== lineBreak
      const onLine = delimiter.length === 1 ? callbacks.onLine : undefined
      let quote = s.indexOf('"', from)
      for (let pos = from; ; ) {
        if (quote !== -1 && quote < pos) quote = s.indexOf('"', pos)
        let end = s.indexOf(newline, pos)
        if (end === -1 || end > to) end = to
        if (quote !== -1 && quote < end) {
          const r = scanQuotedRecord(s, pos, true, scan!)
          if (r.kind !== 'record') {
            // Not expected (the splitter accepted this run): papaparse reads the rest as it sees it.
            takeParsed(s.slice(pos, to))
            break
          }
          end = Math.min(to, s.startsWith(newline, r.next - newline.length) ? r.next - newline.length : r.next)
          const fields = splitRecord(s, pos, end, delimiter)
          if (fields) take(fields, countBreaks(fields, lineBreak), false)
          else takeParsed(s.slice(pos, end))
        } else {
          const d = onLine ? s.indexOf(delimiter, pos) : -1
          if (d !== -1 && d < end && !(splitsLines && s.lastIndexOf(lineBreak, end - 1) >= pos)) {
            // A row on one line: handed on as a range (it has a delimiter, so it is not blank).
            stats.rows++
            onLine!(s, pos, end, line++)
          } else {
            const fields = s.slice(pos, end).split(delimiter)
            take(fields, splitsLines ? countBreaks(fields, lineBreak) : 0, false)
          }
        }
        if (end >= to) break
        pos = end + newline.length
      }
      return line - startLine
    },
    malformed(text: string, reason: string): void {
      stats.rows++
      stats.malformed++
      callbacks.onMalformed(line, text, reason)
      line++
    },
  }

  /** Finds and parses the header in `head`; true once it is read and the splitter is set up. */
  const takeHeader = (final: boolean): boolean => {
    // Blank lines before the header are counted and skipped.
    let pos = 0
    for (;;) {
      const lf = head.indexOf('\n', pos)
      const candidate = head.slice(pos, lf === -1 ? head.length : lf)
      if (candidate.trim() !== '' || (lf === -1 && !final)) break
      if (lf === -1) {
        pos = head.length
        break
      }
      stats.blankLines++
      line++
      pos = lf + 1
    }
    head = head.slice(pos)
    if (head.trim() === '') return false
    if (!final && head.indexOf('\n') === -1 && head.indexOf('\r') === -1) return false
    newline = detectNewline(head)
    lineBreak = newline === '\r' ? '\r' : '\n'
    if (!delimiter) {
      // papaparse guesses from a sample of whole lines.
      const cut = head.lastIndexOf(newline, 65_536)
      delimiter = Papa.parse(cut > 0 ? head.slice(0, cut) : head.slice(0, 65_536), {preview: 10, newline: newline as Papa.ParseConfig['newline']}).meta.delimiter || ','
    }
    scan = {delimiter, newline, width: 0, maxSpanLines: options.maxSpanLines ?? DEFAULT_MAX_SPAN_LINES, maxRecordChars: options.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS}
    let next: number
    const firstBreak = head.indexOf(newline)
    const firstQuote = head.indexOf('"')
    if (firstQuote === -1 || (firstBreak !== -1 && firstQuote > firstBreak)) {
      if (firstBreak === -1 && !final) return false
      next = firstBreak === -1 ? head.length : firstBreak + newline.length
    } else {
      const r = scanQuotedRecord(head, 0, final, scan)
      if (r.kind === 'incomplete') return false
      if (r.kind === 'malformed') throw new RecsysError('BAD_DATA', `${label} line ${line}: the header row is malformed: ${r.reason}`, 'Fix the quotes in the first line (the header).')
      next = r.next
    }
    const headerText = head.slice(0, head.startsWith(newline, next - newline.length) ? next - newline.length : next)
    const fields = parse(headerText).data[0] ?? ['']
    const names = fields.map((name, i) => (i === 0 ? name.replace(/^\uFEFF/, '') : name).trim())
    const headerLine = line
    stats.headerLines = 1 + countBreaks(fields, lineBreak)
    line += stats.headerLines
    callbacks.onHeader({names, delimiter, line: headerLine})
    scan = {...scan, width: names.length}
    splitter = new RecordSplitter(scan, sink)
    const rest = head.slice(next)
    head = ''
    if (rest.length > 0 || final) splitter.push(rest, final)
    return true
  }

  for await (const chunk of input.chunks()) {
    if (splitter) splitter.push(chunk, false)
    else {
      head += chunk
      takeHeader(false)
      if (!splitter && head.length > MAX_LINE_CHARS) throw tooLong(label, line)
    }
    if (splitter && splitter.pending.length > MAX_LINE_CHARS) throw tooLong(label, line)
    stats.bytesRead = input.bytesRead()
    stats.lines = line - 1
    callbacks.onProgress?.(stats)
  }
  if (splitter) splitter.push('', true)
  else if (!takeHeader(true)) throw new RecsysError('EMPTY_INPUT', `${label} is empty`, 'Pass a CSV file with a header row and data rows.')
  stats.bytesRead = input.bytesRead()
  stats.invalidUtf8 = input.invalidUtf8()
  stats.nulCharacters = input.nulCharacters()
  stats.lines = line - 1
  return stats
}

function tooLong(label: string, line: number): RecsysError {
  return new RecsysError('NOT_CSV', `${label} line ${line} is longer than ${MAX_LINE_CHARS >> 20} MiB: this does not look like line-oriented CSV text`, 'Check that the file is CSV/TSV with one record per line, saved as UTF-8.')
}

/** A header's columns as an error message may list them: each name clipped, the whole list bounded. */
export function headerList(names: string[]): string {
  return excerpt(names.map((n) => n || '(unnamed)').join(', '))
}

/** A given delimiter: one character that is not a quote or a line break ("tab" and "\\t" mean a tab). */
function checkDelimiter(given: string | undefined): string {
  if (given === undefined) return ''
  const d = given === 'tab' || given === '\\t' ? '\t' : given
  if (d.length !== 1 || d === '"' || d === '\n' || d === '\r') {
    throw new RecsysError('USAGE', `--delimiter ${JSON.stringify(given).slice(0, 20)} must be one character other than a quote or a line break`, 'Pass e.g. --delimiter ";" or --delimiter tab, or leave it out to detect it.')
  }
  return d
}
