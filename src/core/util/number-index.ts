/**
 * number → dense key, by open addressing with linear probing over typed arrays: no object per
 * entry, so interning hundreds of thousands of integer ids stays cheap. Keys are non-negative
 * safe integers.
 */
export class NumberIndex {
  private keys: Float64Array
  private values: Int32Array
  private mask: number
  size = 0

  constructor(initialCapacity = 1 << 16) {
    let cap = 16
    while (cap < initialCapacity * 2) cap *= 2
    this.keys = new Float64Array(cap).fill(-1)
    this.values = new Int32Array(cap)
    this.mask = cap - 1
  }

  private static hash(x: number): number {
    const lo = x >>> 0
    const hi = (x / 4_294_967_296) >>> 0
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b)
    h ^= h >>> 13
    h = Math.imul(h, 0xc2b2ae35)
    return (h ^ (h >>> 16)) >>> 0
  }

  get(x: number): number {
    let slot = NumberIndex.hash(x) & this.mask
    for (;;) {
      const k = this.keys[slot]
      if (k === x) return this.values[slot]
      if (k === -1) return -1
      slot = (slot + 1) & this.mask
    }
  }

  /** Sets x → value; x must not be present. */
  add(x: number, value: number): void {
    if ((this.size + 1) * 2 > this.keys.length) this.grow()
    let slot = NumberIndex.hash(x) & this.mask
    while (this.keys[slot] !== -1) slot = (slot + 1) & this.mask
    this.keys[slot] = x
    this.values[slot] = value
    this.size++
  }

  private grow(): void {
    const oldKeys = this.keys
    const oldValues = this.values
    this.keys = new Float64Array(oldKeys.length * 2).fill(-1)
    this.values = new Int32Array(oldKeys.length * 2)
    this.mask = this.keys.length - 1
    this.size = 0
    for (let i = 0; i < oldKeys.length; i++) if (oldKeys[i] !== -1) this.add(oldKeys[i], oldValues[i])
  }
}
