/**
 * A small seeded generator (sfc32 seeded through splitmix32). Every random choice in recsys takes
 * one of these explicitly; there is no module-global RNG.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number
  /** Uniform integer in [0, n). */
  int(n: number): number
}

function splitmix32(state: number): () => number {
  let s = state >>> 0
  return () => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
}

export function createRng(seed: number): Rng {
  const init = splitmix32(Math.floor(seed) ^ 0x5bd1e995)
  let a = init()
  let b = init()
  let c = init()
  let d = init()
  const nextU32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0
    d = (d + 1) >>> 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) >>> 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) >>> 0
    return t
  }
  for (let i = 0; i < 12; i++) nextU32()
  return {
    next: () => nextU32() / 4_294_967_296,
    int: (n: number) => Math.floor((nextU32() / 4_294_967_296) * n),
  }
}

/** Fisher-Yates shuffle in place. */
export function shuffleInPlace<T extends {length: number; [i: number]: unknown}>(array: T, rng: Rng): T {
  for (let i = array.length - 1; i > 0; i--) {
    const j = rng.int(i + 1)
    const tmp = array[i]
    array[i] = array[j]
    array[j] = tmp
  }
  return array
}

/** k distinct integers from [0, n), in random order (Floyd's algorithm for small k, shuffle otherwise). */
export function sampleWithoutReplacement(n: number, k: number, rng: Rng): Int32Array {
  const take = Math.min(n, Math.max(0, k))
  if (take * 4 > n) {
    const all = new Int32Array(n)
    for (let i = 0; i < n; i++) all[i] = i
    for (let i = 0; i < take; i++) {
      const j = i + rng.int(n - i)
      const tmp = all[i]
      all[i] = all[j]
      all[j] = tmp
    }
    return all.slice(0, take)
  }
  const chosen = new Set<number>()
  const out = new Int32Array(take)
  let w = 0
  for (let j = n - take; j < n; j++) {
    const t = rng.int(j + 1)
    const pick = chosen.has(t) ? j : t
    chosen.add(pick)
    out[w++] = pick
  }
  return shuffleInPlace(out, rng)
}
