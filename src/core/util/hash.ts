/**
 * The hashes of the typed open-addressing tables (ingest dictionaries, the server's id index, the
 * number index): one definition each, so a text hashed as a string and as arena units agree.
 */

/** A 53-bit integer mixed to 32 bits (both halves, then a murmur-style finish). */
export function hashNumber(x: number): number {
  const lo = x >>> 0
  const hi = (x / 4_294_967_296) >>> 0
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

/** FNV-1a over a string's UTF-16 code units, then a final mix. */
export function hashUnits(s: string): number {
  return hashStringRange(s, 0, s.length)
}

/** The same hash over s[from, to), without making the substring. */
export function hashStringRange(s: string, from: number, to: number): number {
  let h = 0x811c9dc5
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return finish(h)
}

/**
 * The same hash over units[from, to) of an arena; also over any integers that fit 32 bits (the
 * content index hashes token lists with it).
 */
export function hashUnitRange(units: Uint16Array | Int32Array, from: number, to: number): number {
  let h = 0x811c9dc5
  for (let i = from; i < to; i++) {
    h ^= units[i]
    h = Math.imul(h, 0x01000193)
  }
  return finish(h)
}

function finish(h: number): number {
  h ^= h >>> 15
  h = Math.imul(h, 0x2c1b3c6d)
  return (h ^ (h >>> 12)) >>> 0
}
