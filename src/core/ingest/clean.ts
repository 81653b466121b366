import {radixByFloat} from '../util/radix.js'
import {utcDay} from './timestamps.js'

/**
 * Cleaning kernels over parallel typed columns (one entry per parsed row). They work on
 * `order`, a list of row indices, and never allocate per row.
 */
export interface RowColumns {
  user: Int32Array
  product: Int32Array
  event: Uint16Array
  tsMs: Float64Array
}


/**
 * Sorts row indices by (time, user, product, event, input position): time order for the store,
 * and exact duplicates side by side. Logs are usually written in time order already; then only
 * runs of equal timestamps need sorting.
 */
export function sortByTime(rows: RowColumns, order: Uint32Array): Uint32Array {
  const {user, product, event, tsMs} = rows
  const compare = (a: number, b: number): number =>
    tsMs[a] - tsMs[b] || user[a] - user[b] || product[a] - product[b] || event[a] - event[b] || a - b
  let sorted = true
  for (let i = 1; i < order.length; i++) {
    if (tsMs[order[i]] < tsMs[order[i - 1]]) {
      sorted = false
      break
    }
  }
  if (!sorted) radixByFloat(tsMs, order)
  let start = 0
  for (let i = 1; i <= order.length; i++) {
    if (i === order.length || tsMs[order[i]] !== tsMs[order[start]]) {
      if (i - start > 1) order.subarray(start, i).sort(compare)
      start = i
    }
  }
  return order
}

/** Marks (1) every row of `order` that repeats the previous row's (user, product, event, time). */
export function markDuplicates(rows: RowColumns, order: Uint32Array): Uint8Array {
  const {user, product, event, tsMs} = rows
  const dup = new Uint8Array(order.length)
  for (let i = 1; i < order.length; i++) {
    const a = order[i - 1]
    const b = order[i]
    if (tsMs[a] === tsMs[b] && user[a] === user[b] && product[a] === product[b] && event[a] === event[b]) dup[i] = 1
  }
  return dup
}

/**
 * Users with more than `threshold` events on any single UTC day. `order` must be time-sorted, so
 * each day is one contiguous run: count per user within the run, then reset what was touched.
 */
export function findBotUsers(rows: RowColumns, order: Uint32Array, skip: Uint8Array, nUsers: number, threshold: number): Uint8Array {
  const {user, tsMs} = rows
  const isBot = new Uint8Array(nUsers)
  const count = new Int32Array(nUsers)
  const touched = new Int32Array(Math.min(order.length, nUsers))
  let nTouched = 0
  let day = Number.NaN
  for (let i = 0; i < order.length; i++) {
    if (skip[i]) continue
    const r = order[i]
    const d = utcDay(tsMs[r])
    if (d !== day) {
      for (let t = 0; t < nTouched; t++) count[touched[t]] = 0
      nTouched = 0
      day = d
    }
    const u = user[r]
    if (count[u] === 0) touched[nTouched++] = u
    if (++count[u] > threshold) isBot[u] = 1
  }
  return isBot
}

/**
 * Gives the keys of the kept rows dense numbers 0..k−1 in order of first appearance along
 * `order`, rewriting them in place, and returns each dense key's original key. With `merged`
 * (raw key → merged key, when ids such as "42" and "42.0" were merged) it also lists each dense
 * key's raw keys, in key order, as linked lists (start, then next).
 */
export function densify(
  keys: Int32Array | Uint16Array,
  order: Uint32Array,
  keep: Uint8Array,
  nKeys: number,
  merged?: Int32Array,
): {keyOf: Int32Array; raws?: {start: Int32Array; next: Int32Array}} {
  const map = new Int32Array(nKeys).fill(-1)
  let count = 0
  for (let i = 0; i < order.length; i++) {
    if (!keep[i]) continue
    const k = keys[order[i]]
    if (map[k] === -1) map[k] = count++
  }
  for (let i = 0; i < order.length; i++) {
    if (keep[i]) keys[order[i]] = map[keys[order[i]]]
  }
  const keyOf = new Int32Array(count)
  for (let k = 0; k < nKeys; k++) if (map[k] !== -1) keyOf[map[k]] = k
  if (!merged) return {keyOf}
  const start = new Int32Array(count).fill(-1)
  const next = new Int32Array(merged.length).fill(-1)
  const last = new Int32Array(count).fill(-1)
  for (let raw = 0; raw < merged.length; raw++) {
    const m = merged[raw]
    if (m === -1 || map[m] === -1) continue
    const dense = map[m]
    if (start[dense] === -1) start[dense] = raw
    else next[last[dense]] = raw
    last[dense] = raw
  }
  return {keyOf, raws: {start, next}}
}
