import {hashNumber} from './hash.js'

/**
 * number → dense key, by open addressing with linear probing over one typed array: no object per
 * entry, so interning hundreds of thousands of integer ids stays cheap. A slot holds its key and
 * its value side by side, so a probe touches one cache line, not two arrays. Keys are
 * non-negative safe integers.
 */
export class NumberIndex {
  /** slots[2s] = key (-1 when empty), slots[2s + 1] = value. */
  private slots: Float64Array
  private mask: number
  size = 0

  constructor(initialCapacity = 1 << 16) {
    let cap = 16
    while (cap < initialCapacity * 2) cap *= 2
    this.slots = NumberIndex.emptySlots(cap)
    this.mask = cap - 1
  }

  private static emptySlots(cap: number): Float64Array {
    const slots = new Float64Array(cap * 2)
    for (let s = 0; s < slots.length; s += 2) slots[s] = -1
    return slots
  }

  /** The slot holding x, or the empty slot where x would go. */
  private slotOf(x: number): number {
    const slots = this.slots
    let slot = hashNumber(x) & this.mask
    for (;;) {
      const k = slots[slot * 2]
      if (k === x || k === -1) return slot
      slot = (slot + 1) & this.mask
    }
  }

  get(x: number): number {
    const slot = this.slotOf(x)
    return this.slots[slot * 2] === x ? this.slots[slot * 2 + 1] : -1
  }

  /** The value of x; when x is absent, adds x → valueIfAbsent (one probe sequence for both). */
  getOrAdd(x: number, valueIfAbsent: number): number {
    if ((this.size + 1) * 2 > this.mask + 1) this.grow()
    const slot = this.slotOf(x)
    if (this.slots[slot * 2] === x) return this.slots[slot * 2 + 1]
    this.slots[slot * 2] = x
    this.slots[slot * 2 + 1] = valueIfAbsent
    this.size++
    return valueIfAbsent
  }

  /** Sets x → value; x must not be present. */
  add(x: number, value: number): void {
    this.getOrAdd(x, value)
  }

  private grow(): void {
    const old = this.slots
    const cap = (this.mask + 1) * 2
    this.slots = NumberIndex.emptySlots(cap)
    this.mask = cap - 1
    this.size = 0
    for (let s = 0; s < old.length; s += 2) if (old[s] !== -1) this.add(old[s], old[s + 1])
  }
}
