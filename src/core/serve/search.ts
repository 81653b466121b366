/**
 * Type-ahead over product names: every word of every name (lower-cased), sorted, each with the
 * products that hold it, most popular first. A query's first word selects a range of words by
 * binary search on its prefix; the other words filter the candidates. Typed arrays only, so it is
 * built with the rest of the server's index on a worker thread and handed over.
 */
export interface NameIndexData {
  /** Distinct words' code units, word w at units[wordOffsets[w] .. wordOffsets[w+1]), words sorted. */
  units: Uint16Array
  wordOffsets: Int32Array
  /** Products holding word w: products[postOffsets[w] .. postOffsets[w+1]), most popular first. */
  postOffsets: Int32Array
  products: Int32Array
}

const WORD = /[\p{L}\p{N}]+/gu

export function nameWords(name: string): string[] {
  return [...new Set(Array.from(name.toLowerCase().matchAll(WORD), (m) => m[0]))]
}

/** Builds the index of `names` (by product key); `popularity` orders each word's products. */
export function buildNameIndex(names: ArrayLike<string | null>, popularity: ArrayLike<number>): NameIndexData {
  const byWord = new Map<string, number[]>()
  for (let p = 0; p < names.length; p++) {
    const name = names[p]
    if (!name) continue
    for (const w of nameWords(name)) {
      const list = byWord.get(w)
      if (list) list.push(p)
      else byWord.set(w, [p])
    }
  }
  const words = [...byWord.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  let units = 0
  let posts = 0
  for (const w of words) {
    units += w.length
    posts += byWord.get(w)!.length
  }
  const out: NameIndexData = {units: new Uint16Array(units), wordOffsets: new Int32Array(words.length + 1), postOffsets: new Int32Array(words.length + 1), products: new Int32Array(posts)}
  let u = 0
  let q = 0
  words.forEach((w, i) => {
    for (let k = 0; k < w.length; k++) out.units[u++] = w.charCodeAt(k)
    out.wordOffsets[i + 1] = u
    const list = byWord.get(w)!.sort((a, b) => popularity[b] - popularity[a] || a - b)
    out.products.set(list, q)
    q += list.length
    out.postOffsets[i + 1] = q
  })
  return out
}

/** −1, 0 or 1: word w against `prefix`, comparing only as many units as the prefix has. */
function comparePrefix(d: NameIndexData, w: number, prefix: string): number {
  const a = d.wordOffsets[w]
  const len = d.wordOffsets[w + 1] - a
  for (let i = 0; i < prefix.length; i++) {
    if (i >= len) return -1
    const c = d.units[a + i] - prefix.charCodeAt(i)
    if (c !== 0) return c < 0 ? -1 : 1
  }
  return 0
}

/**
 * Up to `limit` product keys whose name has a word starting with each word of the query, most
 * popular first. At most `maxCandidates` products are examined, so any query is cheap.
 */
export function searchNames(d: NameIndexData, query: string, nameOf: (p: number) => string | null, popularity: ArrayLike<number>, limit: number, maxCandidates = 5000): number[] {
  const words = nameWords(query)
  if (words.length === 0) return []
  // The longest word narrows most.
  const lead = words.reduce((a, b) => (b.length > a.length ? b : a))
  const nWords = d.wordOffsets.length - 1
  let lo = 0
  let hi = nWords
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (comparePrefix(d, mid, lead) < 0) lo = mid + 1
    else hi = mid
  }
  const candidates = new Set<number>()
  for (let w = lo; w < nWords && comparePrefix(d, w, lead) === 0 && candidates.size < maxCandidates; w++) {
    for (let x = d.postOffsets[w]; x < d.postOffsets[w + 1] && candidates.size < maxCandidates; x++) candidates.add(d.products[x])
  }
  const others = words.filter((w) => w !== lead)
  const hits: number[] = []
  for (const p of candidates) {
    if (others.length > 0) {
      const held = nameWords(nameOf(p) ?? '')
      if (!others.every((o) => held.some((h) => h.startsWith(o)))) continue
    }
    hits.push(p)
  }
  return hits.sort((a, b) => popularity[b] - popularity[a] || a - b).slice(0, limit)
}
