import {stripVTControlCharacters} from 'node:util'

import Table from 'cli-table3'

import {paint} from './style.js'

/** No rule between body rows: denser tables that still read well. */
const COMPACT = {mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': ''}

export const int = (n: number): string => Math.round(n).toLocaleString('en-US')
export const pct = (share: number, digits = 1): string => `${(share * 100).toFixed(digits)}%`
/**
 * The share of interactions before a temporal split, as it came out: with dates only, a day can
 * hold much of the log, and the split cannot fall near the asked share.
 */
export function splitShareText(asked: number, before: number, after: number): string {
  const share = before / Math.max(1, before + after)
  const off = Math.abs(share - asked) > 0.01 ? `; asked for ${pct(asked, 0)}, the timestamps are too coarse to cut nearer` : ''
  return `${pct(share, 0)} of interactions before${off}`
}
/** A file size in decimal units: whole MB from a megabyte up, kB with a decimal below ("0 MB" said nothing). */
export function fileSize(bytes: number): string {
  return bytes >= 1e6 ? `${int(bytes / 1e6)} MB` : `${(bytes / 1e3).toFixed(1)} kB`
}

/** "1 user", "2 users": a count with its noun (plural: the noun + s, unless given). */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${int(n)} ${n === 1 ? noun : plural}`
}

/** A word a POSIX shell reads back as it is: bare when safe, else in single quotes. */
export function shellWord(word: string): string {
  // (Not bare with a leading '=': zsh expands =word to a command's path.)
  return /^[\w.,/:@%+-][\w.,/:@%+=-]*$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`
}
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`
export const num = (x: number, digits = 3): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a')

/**
 * The width tables are fitted to: the terminal's when output goes to one, else none (a file or a
 * pipe gets every cell on one line, for grep and diff).
 */
export function terminalWidth(): number | undefined {
  return process.stdout.isTTY && process.stdout.columns > 0 ? process.stdout.columns : undefined
}

/**
 * Column widths (padding included, as cli-table3 counts them) that fit `width`, or undefined when
 * the table fits as it is. The widest column gives up a character at a time, so short columns
 * (counts, shares) keep their width and long text wraps on its spaces. No column gets narrower
 * than its longest word: an id, a number or a date is never cut (the table is left wider than
 * the terminal instead, which then wraps its lines).
 */
export function fittedWidths(cells: string[][], width: number | undefined): number[] | undefined {
  if (width === undefined || cells.length === 0) return undefined
  const n = Math.max(...cells.map((r) => r.length))
  const lines = Array.from({length: n}, (_, c) => cells.flatMap((r) => String(r[c] ?? '').split('\n').map((line) => stripVTControlCharacters(line))))
  const widths = lines.map((column) => 2 + Math.max(0, ...column.map((line) => line.length)))
  const floors = lines.map((column) => 2 + Math.max(0, ...column.flatMap((line) => line.split(' ').map((word) => word.length))))
  // Borders: one before each column and one after the last.
  let total = widths.reduce((a, b) => a + b, 0) + n + 1
  if (total <= width) return undefined
  while (total > width) {
    let widest = -1
    for (let c = 0; c < n; c++) if (widths[c] > floors[c] && (widest === -1 || widths[c] > widths[widest])) widest = c
    if (widest === -1) break
    widths[widest]--
    total--
  }
  return widths
}

/** A cli-table3 table of `cells` (header row first when `options.head` is set, else all body), fitted to `width`. */
function fittedTable(options: Table.TableConstructorOptions, cells: string[][], width: number | undefined): string {
  const colWidths = fittedWidths(cells, width)
  const t = new Table({style: {head: [], border: []}, chars: COMPACT, ...options, ...(colWidths ? {colWidths, wordWrap: true} : {})})
  for (const row of options.head ? cells.slice(1) : cells) t.push(row)
  return t.toString()
}

/** A cli-table3 table in the house look, fitted to the terminal; borders stay plain ASCII-safe box characters. */
export function table(head: string[], rows: Array<Array<string | number>>, align?: Array<'left' | 'right'>, width = terminalWidth()): string {
  return fittedTable({head: head.map((h) => paint.bold(h)), ...(align ? {colAligns: align} : {})}, [head, ...rows.map((row) => row.map(String))], width)
}

/** A two-column key/value table, fitted to the terminal. */
export function keyValues(rows: Array<[string, string | number]>, title?: string, width = terminalWidth()): string {
  const body = rows.map(([k, v]) => [k, String(v)])
  return fittedTable(title ? {head: [paint.bold(title), '']} : {}, title ? [[title, ''], ...body] : body, width)
}

/**
 * Lines of prose longer than `width` wrapped at spaces, each continuation indented like its line
 * (plus two spaces under a list item). Table lines (box characters) and lines without spaces are
 * left whole. Without a width (not a terminal) the text is unchanged.
 */
export function wrapProse(text: string, width: number | undefined): string {
  if (width === undefined || width < 20) return text
  return text
    .split('\n')
    .flatMap((line) => {
      const plain = stripVTControlCharacters(line)
      if (plain.length <= width || /^\s*[│┌└├┬┼┴╭╰║]/.test(plain)) return [line]
      const indent = /^\s*(?:[-*•] )?/.exec(plain)![0].replace(/[-*•]/, ' ')
      // Words split on spaces of the raw line (colour codes hold none), measured without codes; a
      // colour carries on over the line break, as terminals keep it until reset.
      const words = line.slice(indent.length).split(' ')
      const out: string[] = []
      let current = line.slice(0, indent.length)
      let visible = indent.length
      let empty = true
      for (const word of words) {
        const w = stripVTControlCharacters(word).length
        if (!empty && visible + 1 + w > width) {
          out.push(current)
          current = indent
          visible = indent.length
          empty = true
        }
        current += (empty ? '' : ' ') + word
        visible += (empty ? 0 : 1) + w
        empty = false
      }
      out.push(current)
      return out
    })
    .join('\n')
}

export function heading(text: string): string {
  return paint.bold.underline(text)
}
