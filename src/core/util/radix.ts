/**
 * Sorts `order` (indices into `values`) by value, stably, in place: an LSD radix over the IEEE-754
 * bits, each turned into an unsigned key that orders as the numbers do (negative values flipped),
 * 16 bits a pass; passes with one digit for every index are skipped. O(n) with one scratch array,
 * where a comparison sort of tens of millions of rows in JS is slow (used for time order in
 * prepare and for ranking users by score).
 */
export function radixByFloat(values: Float64Array, order: Uint32Array, descending = false): void {
  const n = order.length
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length * 2)
  const digit = (r: number, word: number, shift: number): number => {
    const hi = bits[r * 2 + 1]
    const negative = hi >>> 31 === 1
    let w = bits[r * 2 + word]
    // Order-preserving: flip all bits of negatives, only the sign of positives.
    if (negative) w = ~w >>> 0
    else if (word === 1) w = (w | 0x80000000) >>> 0
    if (descending) w = ~w >>> 0
    return (w >>> shift) & 0xffff
  }
  let from: Uint32Array = order
  let to: Uint32Array = new Uint32Array(n)
  const count = new Int32Array(65_537)
  for (let pass = 0; pass < 4; pass++) {
    const word = pass >> 1
    const shift = (pass & 1) * 16
    count.fill(0)
    for (let i = 0; i < n; i++) count[digit(from[i], word, shift) + 1]++
    let single = false
    for (let d = 1; d <= 65_536; d++) {
      if (count[d] === n) single = true
      count[d] += count[d - 1]
    }
    if (single) continue
    for (let i = 0; i < n; i++) {
      const r = from[i]
      to[count[digit(r, word, shift)]++] = r
    }
    const t = from
    from = to
    to = t
  }
  if (from !== order) order.set(from)
}
