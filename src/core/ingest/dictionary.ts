import {hashNumber, hashStringRange, hashUnitRange} from '../util/hash.js'

/**
 * A string ⇄ dense integer dictionary, filled in order of first sight, in typed arrays only:
 * memory grows with the distinct ids, a few bytes each, never with a JS string or object per id.
 * Plain integer ids ("12345": digits, no leading zero, at most 15) are kept as Float64 values;
 * any other id's UTF-16 code units go to one growing arena. Both share one key space; a key's text
 * is made only when asked for.
 *
 * Integer ids are looked up by value in a direct table (value − base → key + 1) while their range
 * is small next to their count, as auto-increment ids and most integer id columns are: one memory
 * read per row, where the hash table below costs a slot and a value read, plus re-insertion at
 * every growth (50M generator rows: 14.6 s → 3.6 s for the user ids alone). Sparse ranges (ids
 * scattered over 10^9) are hashed. Which of the two holds them never changes a key.
 */
export class Dictionary {
  /** Per key: the integer value (≥ 0), or −(t + 1) for the t-th text id. */
  private numbers = new Float64Array(1 << 12)
  /** Per text id (not per key: logs with integer ids pay nothing): where its text starts, its length. */
  private textStart = new Int32Array(1 << 8)
  private textLength = new Int32Array(1 << 8)
  private units = new Uint16Array(1 << 14)
  private unitsUsed = 0
  /**
   * Open-addressing tables, one for numbers, one for texts, of 2^b slots. A slot is 0 when empty,
   * else key + 1 in its low b bits and, above them, 31 − b bits of another mix of the hash (a tag):
   * a probe reads a key's value (a random access at tens of millions of ids) only when the tags
   * match, and slot and tag are one read. A table has more slots than the dictionary has keys, so
   * key + 1 always fits in b bits.
   */
  private numSlots = new Int32Array(0)
  private textSlots = new Int32Array(1 << 12)
  private numCount = 0
  private textCount = 0
  /**
   * While integer ids are direct (numSlots then unused and empty): key + 1 of value base + i at
   * index i, 0 when unseen. It never spans more than directLimit() entries.
   */
  private direct = new Int32Array(0)
  private directBase = 0
  private isDirect = true
  /** The smallest and largest integer id seen, to decide when the direct table fits. */
  private numMin = Number.POSITIVE_INFINITY
  private numMax = Number.NEGATIVE_INFINITY
  private closed = false
  size = 0

  /** `directFreeEntries`: how far a direct table may always span (smaller in tests, to reach the hash). */
  constructor(private readonly directFreeEntries = DIRECT_FREE_ENTRIES) {}

  /** How integer ids are looked up now. */
  get integerLookup(): 'direct' | 'hash' {
    return this.isDirect ? 'direct' : 'hash'
  }

  private hashKeyText(key: number): number {
    const t = -this.numbers[key] - 1
    return hashUnitRange(this.units, this.textStart[t], this.textStart[t] + this.textLength[t])
  }

  private newKey(): number {
    const key = this.size++
    if (key === this.numbers.length) {
      const numbers = new Float64Array(this.numbers.length * 2)
      numbers.set(this.numbers)
      this.numbers = numbers
    }
    return key
  }

  intern(value: string): number {
    return this.internRange(value, 0, value.length)
  }

  /** The id s[from, to), as intern(s.slice(from, to)) without making the substring. */
  internRange(s: string, from: number, to: number): number {
    const n = plainIntegerRange(s, from, to)
    return n >= 0 ? this.internNumber(n) : this.internText(s, from, to)
  }

  /** A plain integer id by value. */
  internNumber(n: number): number {
    if (this.isDirect) {
      const i = n - this.directBase
      if (i >= 0 && i < this.direct.length) {
        const k = this.direct[i]
        if (k !== 0) return k - 1
        const key = this.newNumberKey(n)
        this.direct[i] = key + 1
        return key
      }
      this.widenDirect(n)
      return this.internNumber(n)
    }
    if (this.closed) throw new Error('Dictionary.intern after closeLookups')
    if (mustGrow(this.numCount, this.size, this.numSlots.length)) {
      this.growNumbers()
      if (this.isDirect) return this.internNumber(n)
    }
    const slots = this.numSlots
    const mask = slots.length - 1
    const keyBits = 32 - Math.clz32(mask)
    const h = hashNumber(n)
    const tagged = tagBits(h, keyBits)
    let slot = h & mask
    for (;;) {
      const v = slots[slot]
      if (v === 0) break
      if ((v & ~mask) === tagged && this.numbers[(v & mask) - 1] === n) return (v & mask) - 1
      slot = (slot + 1) & mask
    }
    const key = this.newNumberKey(n)
    slots[slot] = tagged | (key + 1)
    return key
  }

  private newNumberKey(n: number): number {
    const key = this.newKey()
    this.numbers[key] = n
    this.numCount++
    if (n < this.numMin) this.numMin = n
    if (n > this.numMax) this.numMax = n
    return key
  }

  /**
   * Entries a direct table may span: 16M (64 MiB) for any log, and beyond that 4 per slot of the
   * hash table the same ids would need (at most 4× its memory; ids filling a quarter of their
   * range or more take no more than hashing them would).
   */
  private directLimit(count: number): number {
    return Math.max(this.directFreeEntries, 4 * this.slotsFor(count))
  }

  /** Slots of a number table holding `count` ids with room for the next key. */
  private slotsFor(count: number): number {
    let slots = 1 << 12
    while (mustGrow(count, Math.max(count, this.size), slots)) slots *= 2
    return slots
  }

  /** Makes the direct table cover n, doubling it toward n, or hashes the integer ids when it would span too much. */
  private widenDirect(n: number): void {
    const limit = this.directLimit(this.numCount + 1)
    const lo = Math.min(n, this.numMin)
    const hi = Math.max(n, this.numMax) + 1
    if (hi - lo > limit) {
      this.hashNumbers()
      return
    }
    const length = Math.min(limit, Math.max(hi - lo, 2 * this.direct.length, 1 << 10))
    // Room to grow on the side n came from: ids that rise (auto-increment) above, falling ones below.
    const base = n < this.directBase && this.direct.length > 0 ? Math.max(0, hi - length) : lo
    const direct = new Int32Array(length)
    for (let k = 0; k < this.size; k++) if (this.numbers[k] >= 0) direct[this.numbers[k] - base] = k + 1
    this.direct = direct
    this.directBase = base
  }

  /** Moves the integer ids from the direct table to a hash table. */
  private hashNumbers(): void {
    this.isDirect = false
    this.direct = new Int32Array(0)
    this.numSlots = this.numberSlots(this.slotsFor(this.numCount))
  }

  private internText(s: string, from: number, to: number): number {
    if (this.closed) throw new Error('Dictionary.intern after closeLookups')
    if (mustGrow(this.textCount, this.size, this.textSlots.length)) this.growTexts()
    const slots = this.textSlots
    const mask = slots.length - 1
    const keyBits = 32 - Math.clz32(mask)
    const h = hashStringRange(s, from, to)
    const tagged = tagBits(h, keyBits)
    let slot = h & mask
    for (;;) {
      const v = slots[slot]
      if (v === 0) break
      if ((v & ~mask) === tagged && this.sameText((v & mask) - 1, s, from, to)) return (v & mask) - 1
      slot = (slot + 1) & mask
    }
    const key = this.newKey()
    const t = this.textCount
    if (t === this.textStart.length) {
      const start = new Int32Array(t * 2)
      start.set(this.textStart)
      this.textStart = start
      const length = new Int32Array(t * 2)
      length.set(this.textLength)
      this.textLength = length
    }
    this.numbers[key] = -(t + 1)
    const length = to - from
    if (this.unitsUsed + length > this.units.length) {
      const bigger = new Uint16Array(Math.max(this.units.length * 2, this.unitsUsed + length))
      bigger.set(this.units.subarray(0, this.unitsUsed))
      this.units = bigger
    }
    for (let i = 0; i < length; i++) this.units[this.unitsUsed + i] = s.charCodeAt(from + i)
    this.textStart[t] = this.unitsUsed
    this.textLength[t] = length
    this.unitsUsed += length
    slots[slot] = tagged | (key + 1)
    this.textCount++
    return key
  }

  private sameText(key: number, s: string, from: number, to: number): boolean {
    const n = this.numbers[key]
    if (n >= 0) return false
    const t = -n - 1
    if (this.textLength[t] !== to - from) return false
    const a = this.textStart[t] - from
    for (let i = from; i < to; i++) if (this.units[a + i] !== s.charCodeAt(i)) return false
    return true
  }

  /** Doubles the number table, or, when the ids' range now fits, moves them to a direct table. */
  private growNumbers(): void {
    if (this.numMax - this.numMin < this.directLimit(this.numCount + 1)) {
      this.isDirect = true
      this.numSlots = new Int32Array(0)
      this.direct = new Int32Array(0)
      this.directBase = this.numMin
      return
    }
    this.numSlots = this.numberSlots(this.numSlots.length * 2)
  }

  private numberSlots(size: number): Int32Array<ArrayBuffer> {
    return this.regrow(size, (k) => this.numbers[k] >= 0, (k) => hashNumber(this.numbers[k]))
  }

  private growTexts(): void {
    this.textSlots = this.regrow(this.textSlots.length * 2, (k) => this.numbers[k] < 0, (k) => this.hashKeyText(k))
  }

  /** A table of `size` slots holding the keys that are members, inserted in key order (values read front to back). */
  private regrow(size: number, isMember: (key: number) => boolean, hashOf: (key: number) => number): Int32Array<ArrayBuffer> {
    const slots = new Int32Array(size)
    const mask = size - 1
    const keyBits = 32 - Math.clz32(mask)
    for (let k = 0; k < this.size; k++) {
      if (!isMember(k)) continue
      const h = hashOf(k)
      let slot = h & mask
      while (slots[slot] !== 0) slot = (slot + 1) & mask
      slots[slot] = tagBits(h, keyBits) | (k + 1)
    }
    return slots
  }

  /**
   * Drops the hash tables once no more ids will be interned (at tens of millions of ids they are
   * hundreds of megabytes); keys, texts and values stay readable, and intern throws (its tables
   * are then empty).
   */
  closeLookups(): void {
    this.closed = true
    this.isDirect = false
    this.direct = new Int32Array(0)
    this.numSlots = new Int32Array(0)
    this.textSlots = new Int32Array(0)
  }

  /** Whether any id was kept as text (not a plain integer). */
  get hasText(): boolean {
    return this.textCount > 0
  }

  /** The integer value of a key, or NaN for a text id. */
  numberOf(key: number): number {
    const n = this.numbers[key]
    return n >= 0 ? n : Number.NaN
  }

  text(key: number): string {
    const n = this.numbers[key]
    if (n >= 0) return String(n)
    const a = this.textStart[-n - 1]
    const len = this.textLength[-n - 1]
    return len <= 64 ? String.fromCharCode(...this.units.subarray(a, a + len)) : Buffer.from(this.units.buffer, this.units.byteOffset + a * 2, len * 2).toString('utf16le')
  }

  /** The value by key: a number for plain integer ids (canonical by construction), else the text. */
  rawValue(key: number): string | number {
    const n = this.numbers[key]
    return n < 0 ? this.text(key) : n
  }

  /** Bytes held, for memory reports. */
  get bytes(): number {
    return this.numbers.byteLength + this.textStart.byteLength + this.textLength.byteLength + this.units.byteLength + this.numSlots.byteLength + this.textSlots.byteLength + this.direct.byteLength
  }
}

/**
 * The tag of hash h in a table of 2^keyBits slots, in place above the key: the top 31 − keyBits bits
 * of a second mix of the hash, so they are not the bits that chose the slot.
 */
function tagBits(h: number, keyBits: number): number {
  return ((Math.imul(h, 0x9e3779b1) >>> (keyBits + 1)) << keyBits) | 0
}

/** Entries (4 bytes each) a direct table of integer ids may always span, however few the ids. */
const DIRECT_FREE_ENTRIES = 1 << 24

/** Whether a table of `slots` must grow before a new key: past 70% full, or too small to hold key + 1 of the next key. */
function mustGrow(count: number, keys: number, slots: number): boolean {
  return (count + 1) * 10 > slots * 7 || keys + 2 > slots
}

/** The value of the plain integer text s[from, to) (digits only, no leading zero, at most 15 digits), else -1. */
export function plainIntegerRange(s: string, from: number, to: number): number {
  const len = to - from
  if (len <= 0 || len > 15 || (len > 1 && s.charCodeAt(from) === 48)) return -1
  let v = 0
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48
    if (c < 0 || c > 9) return -1
    v = v * 10 + c
  }
  return v
}

/**
 * First non-empty text per key (product names, categories, brands), in one UTF-8 byte arena (names
 * are mostly ASCII: half the bytes of UTF-16): set once per key, read back only when written to
 * the store. Which keys have a text is also kept as one bit each: prepare asks on every row, and at
 * 20M products the bits are 2.5 MB, where the start offsets are 80 MB and a cache miss per row.
 */
export class FirstText {
  private start = new Int32Array(1 << 12)
  private length = new Int32Array(1 << 12)
  private present = new Uint32Array(1 << 7)
  private bytes: Buffer = Buffer.allocUnsafe(1 << 15)
  private used = 0
  private texts = 0

  has(key: number): boolean {
    const word = key >>> 5
    return word < this.present.length && (this.present[word] & (1 << (key & 31))) !== 0
  }

  /** How many keys have a text. */
  get count(): number {
    return this.texts
  }

  set(key: number, s: string): void {
    if (key >= this.start.length) {
      let n = this.start.length
      while (n <= key) n *= 2
      const start = new Int32Array(n)
      start.set(this.start)
      this.start = start
      const length = new Int32Array(n)
      length.set(this.length)
      this.length = length
      const present = new Uint32Array(n >>> 5)
      present.set(this.present)
      this.present = present
    }
    // At most 3 bytes per UTF-16 unit.
    if (this.used + s.length * 3 > this.bytes.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + s.length * 3))
      this.bytes.copy(bigger, 0, 0, this.used)
      this.bytes = bigger
    }
    const written = this.bytes.write(s, this.used, 'utf8')
    if (!this.has(key)) this.texts++
    this.present[key >>> 5] |= 1 << (key & 31)
    this.start[key] = this.used
    this.length[key] = written
    this.used += written
  }

  get(key: number): string | undefined {
    if (!this.has(key)) return undefined
    const a = this.start[key]
    return this.bytes.toString('utf8', a, a + this.length[key])
  }
}
