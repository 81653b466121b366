import {hashUnitRange, hashUnits} from './hash.js'

/**
 * Text ids → dense keys in typed arrays only: the ids' UTF-16 code units in one arena, and an
 * open-addressing table of key+1 (0 = empty) with linear probing. No string or Map entry per id,
 * so millions of ids stay compact, and the whole index can be moved between threads as
 * ArrayBuffers (built off the request path, handed over without rebuilding anything).
 */
export interface IdIndexData {
  /** The ids' code units, id k at units[offsets[k] .. offsets[k+1]). */
  units: Uint16Array
  offsets: Int32Array
  /** Slot → key + 1 (0: empty); its length is a power of two at least twice the ids. */
  slots: Int32Array
}

/** Builds the index of `ids` (key = position); a repeated id keeps its first key. */
export function buildIdIndex(ids: ArrayLike<string>): IdIndexData {
  let total = 0
  for (let k = 0; k < ids.length; k++) total += ids[k].length
  const units = new Uint16Array(total)
  const offsets = new Int32Array(ids.length + 1)
  for (let k = 0, at = 0; k < ids.length; k++) {
    const s = ids[k]
    for (let i = 0; i < s.length; i++) units[at + i] = s.charCodeAt(i)
    at += s.length
    offsets[k + 1] = at
  }
  let cap = 16
  while (cap < ids.length * 2) cap *= 2
  const slots = new Int32Array(cap)
  const mask = cap - 1
  const data = {units, offsets, slots}
  for (let k = 0; k < ids.length; k++) {
    let slot = hashUnitRange(units, offsets[k], offsets[k + 1]) & mask
    for (;;) {
      const v = slots[slot]
      if (v === 0) {
        slots[slot] = k + 1
        break
      }
      if (sameId(data, v - 1, offsets[k], offsets[k + 1])) break
      slot = (slot + 1) & mask
    }
  }
  return data
}

function sameId(d: IdIndexData, key: number, from: number, to: number): boolean {
  const a = d.offsets[key]
  const len = d.offsets[key + 1] - a
  if (len !== to - from) return false
  for (let i = 0; i < len; i++) if (d.units[a + i] !== d.units[from + i]) return false
  return true
}

/** The key of `id`, or −1. */
export function lookupId(d: IdIndexData, id: string): number {
  const mask = d.slots.length - 1
  let slot = hashUnits(id) & mask
  for (;;) {
    const v = d.slots[slot]
    if (v === 0) return -1
    const a = d.offsets[v - 1]
    const len = d.offsets[v] - a
    if (len === id.length) {
      let same = true
      for (let i = 0; i < len; i++) {
        if (d.units[a + i] !== id.charCodeAt(i)) {
          same = false
          break
        }
      }
      if (same) return v - 1
    }
    slot = (slot + 1) & mask
  }
}

/** The id of `key`, as a string. */
export function idOf(d: IdIndexData, key: number): string {
  const a = d.offsets[key]
  const b = d.offsets[key + 1]
  // Short ids (the usual case) decode fastest by code units.
  return b - a <= 64 ? String.fromCharCode(...d.units.subarray(a, b)) : Buffer.from(d.units.buffer, d.units.byteOffset + a * 2, (b - a) * 2).toString('utf16le')
}
