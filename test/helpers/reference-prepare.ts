import Papa from 'papaparse'

import {canonicalInteger, decideIdKind, isNullId} from '../../src/core/ingest/ids.js'
import {parseTimestampMs, utcDay} from '../../src/core/ingest/timestamps.js'

/**
 * The cleaning rules of `prepare`, written the plain way: the whole file parsed at once by
 * papaparse, one object per row, a Set of row tuples for duplicates, a Map of day counts for bots.
 * Slow and memory-hungry on purpose; it is the oracle the streaming, typed-array path must match
 * (the old path's shape, before prepare was made bounded in memory).
 */
export interface ReferenceResult {
  rowsRead: number
  dropped: Record<string, number>
  rows: Array<{user: string; product: string; event: string; tsMs: number}>
}

export function referencePrepare(text: string, columns: {user: string; product: string; event: string; time: string}, botThreshold = 1000): ReferenceResult {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), {header: false, skipEmptyLines: false})
  const data = parsed.data.filter((r) => !(r.length === 1 && r[0].trim() === ''))
  const header = data[0].map((h) => h.trim())
  const col = (name: string): number => header.indexOf(name)
  const [iu, ip, ie, it] = [col(columns.user), col(columns.product), col(columns.event), col(columns.time)]
  const dropped: Record<string, number> = {wrongFieldCount: 0, nullUserId: 0, nullProductId: 0, invalidUserId: 0, invalidProductId: 0, badTimestamp: 0, nullEvent: 0, duplicate: 0, bot: 0}
  type Row = {user: string; product: string; event: string; tsMs: number; index: number}
  const rows: Row[] = []
  const body = data.slice(1)
  body.forEach((f, index) => {
    if (f.length !== header.length && !(f.length > header.length && f.slice(header.length).every((x) => x.trim() === ''))) return void dropped.wrongFieldCount++
    const user = f[iu].trim()
    if (isNullId(user)) return void dropped.nullUserId++
    const product = f[ip].trim()
    if (isNullId(product)) return void dropped.nullProductId++
    const tsMs = parseTimestampMs(f[it])
    if (Number.isNaN(tsMs)) {
      return void dropped.badTimestamp++
    }
    const event = f[ie].trim().toLowerCase()
    if (!event) return void dropped.nullEvent++
    rows.push({user, product, event, tsMs, index})
  })
  // Id kinds: a column is integer when at most 1% of its rows are not integers; "42.0" is 42.
  const kind = (values: string[]) => decideIdKind('auto', values.filter((v) => canonicalInteger(v) !== null).length, values.length)
  const userKind = kind(rows.map((r) => r.user))
  const productKind = kind(rows.map((r) => r.product))
  const valid: Row[] = []
  for (const r of rows) {
    const u = userKind === 'integer' ? canonicalInteger(r.user) : r.user
    const p = productKind === 'integer' ? canonicalInteger(r.product) : r.product
    if (u === null) dropped.invalidUserId++
    else if (p === null) dropped.invalidProductId++
    else valid.push({...r, user: u, product: p})
  }
  valid.sort((a, b) => a.tsMs - b.tsMs || a.index - b.index)
  const seen = new Set<string>()
  const unique: Row[] = []
  for (const r of valid) {
    const key = `${r.user}\u0000${r.product}\u0000${r.event}\u0000${r.tsMs}`
    if (seen.has(key)) dropped.duplicate++
    else {
      seen.add(key)
      unique.push(r)
    }
  }
  const perDay = new Map<string, number>()
  const bots = new Set<string>()
  for (const r of unique) {
    const key = `${r.user}\u0000${utcDay(r.tsMs)}`
    const n = (perDay.get(key) ?? 0) + 1
    perDay.set(key, n)
    if (n > botThreshold) bots.add(r.user)
  }
  const kept = unique.filter((r) => {
    if (!bots.has(r.user)) return true
    dropped.bot++
    return false
  })
  return {rowsRead: body.length, dropped, rows: kept.map(({user, product, event, tsMs}) => ({user, product, event, tsMs}))}
}
