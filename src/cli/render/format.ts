import Table from 'cli-table3'

import {paint} from './style.js'

/** No rule between body rows: denser tables that still read well. */
const COMPACT = {mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': ''}

export const int = (n: number): string => Math.round(n).toLocaleString('en-US')
export const pct = (share: number, digits = 1): string => `${(share * 100).toFixed(digits)}%`
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`
export const num = (x: number, digits = 3): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a')

/** A cli-table3 table in the house look; borders stay plain ASCII-safe box characters. */
export function table(head: string[], rows: Array<Array<string | number>>, align?: Array<'left' | 'right'>): string {
  const t = new Table({
    head: head.map((h) => paint.bold(h)),
    style: {head: [], border: []},
    chars: COMPACT,
    ...(align ? {colAligns: align} : {}),
  })
  for (const row of rows) t.push(row.map(String))
  return t.toString()
}

/** A two-column key/value table. */
export function keyValues(rows: Array<[string, string | number]>, title?: string): string {
  const t = new Table({style: {head: [], border: []}, chars: COMPACT, head: title ? [paint.bold(title), ''] : undefined})
  for (const [k, v] of rows) t.push([k, String(v)])
  return t.toString()
}

export function heading(text: string): string {
  return paint.bold.underline(text)
}
