/**
 * Compressed sparse rows: the entries of row r are cols[offsets[r] .. offsets[r+1]).
 * Built by counting sort in O(n), no object per row.
 */
export interface Csr {
  nRows: number
  offsets: Int32Array
  cols: Int32Array
}

/** A CSR whose rows hold each column once, in ascending order, with per-pair aggregates. */
export interface PairCsr extends Csr {
  /** Summed `weights` of the pair's entries (when weights were given). */
  weight?: Float32Array
  /** Latest timestamp of the pair's entries (when timestamps were given). */
  lastTs?: Float64Array
}

/** Rows of `rowKeys[i]` holding `colKeys[i]`, for i in [from, to) where keep(i) (default: all). */
export function buildCsr(rowKeys: Int32Array, colKeys: Int32Array, nRows: number, from = 0, to = rowKeys.length, keep?: (i: number) => boolean): Csr {
  const offsets = new Int32Array(nRows + 1)
  for (let i = from; i < to; i++) if (!keep || keep(i)) offsets[rowKeys[i] + 1]++
  for (let r = 0; r < nRows; r++) offsets[r + 1] += offsets[r]
  const cols = new Int32Array(offsets[nRows])
  const fill = offsets.slice(0, nRows)
  for (let i = from; i < to; i++) if (!keep || keep(i)) cols[fill[rowKeys[i]]++] = colKeys[i]
  return {nRows, offsets, cols}
}

/** The same rows with repeated columns removed (order of first appearance kept). */
export function dedupeCsr(csr: Csr, nCols: number): Csr {
  const stamp = new Int32Array(nCols).fill(-1)
  const offsets = new Int32Array(csr.nRows + 1)
  const cols = new Int32Array(csr.cols.length)
  let w = 0
  for (let r = 0; r < csr.nRows; r++) {
    for (let j = csr.offsets[r]; j < csr.offsets[r + 1]; j++) {
      const c = csr.cols[j]
      if (stamp[c] !== r) {
        stamp[c] = r
        cols[w++] = c
      }
    }
    offsets[r + 1] = w
  }
  return {nRows: csr.nRows, offsets, cols: cols.slice(0, w)}
}

/**
 * Distinct (row, col) pairs of entries [from, to), each row's columns ascending, with per-pair
 * aggregates: with `weights` (per entry) the pair's weights are summed in entry order (as Float32,
 * rounded at each step); with `tsMs` its latest timestamp is kept.
 *
 * At tens of millions of entries a counting sort that scatters straight to each row's place misses
 * the cache on nearly every write, and the time grows faster than the entries. So the entries are
 * first partitioned by the high bits of their row into at most PARTITIONS regions (as many write
 * streams as a cache can follow), with their column, weight and time carried along; each region
 * is then counting-sorted by row inside a window that fits in cache, and each row's run (in entry
 * order) is stably sorted by column and merged.
 */
export function pairCsr(
  rowKeys: Int32Array,
  colKeys: Int32Array,
  nRows: number,
  nCols: number,
  from: number,
  to: number,
  options: {weights?: Float64Array; tsMs?: Float64Array} = {},
): PairCsr {
  const n = to - from
  const {weights, tsMs} = options
  const shift = partitionShift(nRows)
  const parts = partitionStarts(nRows, shift, (count) => {
    for (let i = from; i < to; i++) count[(rowKeys[i] >>> shift) + 1]++
  })
  // Partition in entry order (so each region keeps it), carrying everything the merge reads.
  const R = new Int32Array(n)
  const C = new Int32Array(n)
  const W = weights ? new Float64Array(n) : undefined
  const T = tsMs ? new Float64Array(n) : undefined
  const fill = parts.slice(0, parts.length - 1)
  for (let i = from; i < to; i++) {
    const r = rowKeys[i]
    const at = fill[r >>> shift]++
    R[at] = r
    C[at] = colKeys[i]
    if (W) W[at] = weights![i]
    if (T) T[at] = tsMs![i]
  }
  // Each region counting-sorted by row into place (stable: entry order within a row).
  const scratch = new Scratch(maxRegion(parts), W !== undefined, T !== undefined)
  const start = sortRegions(R, nRows, parts, scratch, C, W, T)
  // Each row's run sorted by column (stably), then equal columns merged.
  const offsets = new Int32Array(nRows + 1)
  let w = 0
  for (let r = 0; r < nRows; r++) {
    const a = start[r]
    const b = start[r + 1]
    if (b - a > 1) sortRunByColumn(C, W, T, a, b, nCols, scratch)
    let prev = -1
    for (let x = a; x < b; x++) {
      const c = C[x]
      if (c !== prev) {
        C[w] = c
        if (W) W[w] = Math.fround(W[x])
        if (T) T[w] = T[x]
        w++
        prev = c
      } else {
        if (W) W[w - 1] = Math.fround(W[w - 1] + W[x])
        if (T && T[x] > T[w - 1]) T[w - 1] = T[x]
      }
    }
    offsets[r + 1] = w
  }
  return {nRows, offsets, cols: C.slice(0, w), weight: W ? new Float32Array(W.subarray(0, w)) : undefined, lastTs: T?.slice(0, w)}
}

/** The transpose of a CSR with ascending columns: rows become columns, each new row ascending too. */
export function transposeCsr(csr: PairCsr, nCols: number): PairCsr {
  const m = csr.cols.length
  const shift = partitionShift(nCols)
  const parts = partitionStarts(nCols, shift, (count) => {
    for (let j = 0; j < m; j++) count[(csr.cols[j] >>> shift) + 1]++
  })
  // Partitioned by the high bits of the column, rows ascending within each region.
  const K = new Int32Array(m)
  const cols = new Int32Array(m)
  const weight = csr.weight ? new Float32Array(m) : undefined
  const lastTs = csr.lastTs ? new Float64Array(m) : undefined
  const fill = parts.slice(0, parts.length - 1)
  for (let r = 0; r < csr.nRows; r++) {
    for (let j = csr.offsets[r]; j < csr.offsets[r + 1]; j++) {
      const c = csr.cols[j]
      const at = fill[c >>> shift]++
      K[at] = c
      cols[at] = r
      if (weight) weight[at] = csr.weight![j]
      if (lastTs) lastTs[at] = csr.lastTs![j]
    }
  }
  const offsets = sortRegions(K, nCols, parts, new Scratch(maxRegion(parts), weight !== undefined, lastTs !== undefined), cols, weight, lastTs)
  return {nRows: nCols, offsets, cols, weight, lastTs}
}

/**
 * Counting-sorts each partition [parts[p], parts[p + 1]) by its entries' keys, in place (through
 * `scratch`), stably: a partition's keys lie in a narrow range, so its counters and its window of
 * entries stay in cache. Returns where each key's entries start (one more entry: the total).
 */
function sortRegions(keys: Int32Array, nKeys: number, parts: Int32Array, scratch: Scratch, cols: Int32Array, weight: Float32Array | Float64Array | undefined, ts: Float64Array | undefined): Int32Array {
  const start = new Int32Array(nKeys + 1)
  for (let x = 0; x < keys.length; x++) start[keys[x] + 1]++
  for (let k = 0; k < nKeys; k++) start[k + 1] += start[k]
  const cursor = start.slice(0, nKeys)
  for (let p = 0; p + 1 < parts.length; p++) {
    const lo = parts[p]
    const hi = parts[p + 1]
    for (let x = lo; x < hi; x++) {
      const at = cursor[keys[x]]++ - lo
      scratch.cols[at] = cols[x]
      if (weight) scratch.weight![at] = weight[x]
      if (ts) scratch.ts![at] = ts[x]
    }
    scratch.copyTo(cols, weight, ts, lo, hi - lo)
  }
  return start
}

/** At most this many partitions: about as many write streams as caches and TLBs follow well. */
const PARTITIONS = 256

/** The shift that maps keys [0, nKeys) to at most PARTITIONS partitions. */
function partitionShift(nKeys: number): number {
  let shift = 0
  while (nKeys - 1 > 0 && (nKeys - 1) >>> shift >= PARTITIONS) shift++
  return shift
}

/** Where each partition starts (one more entry: the total), from `count` filling count[p + 1]. */
function partitionStarts(nKeys: number, shift: number, count: (count: Int32Array) => void): Int32Array {
  const nParts = nKeys > 0 ? ((nKeys - 1) >>> shift) + 1 : 0
  const starts = new Int32Array(nParts + 1)
  count(starts)
  for (let p = 0; p < nParts; p++) starts[p + 1] += starts[p]
  return starts
}

function maxRegion(starts: Int32Array): number {
  let most = 0
  for (let p = 0; p + 1 < starts.length; p++) most = Math.max(most, starts[p + 1] - starts[p])
  return most
}

/** One region's worth of columns, weights and times, reused across regions and runs. */
class Scratch {
  cols: Int32Array
  weight?: Float64Array
  ts?: Float64Array
  keys = new Float64Array(0)

  constructor(size: number, withWeight: boolean, withTs: boolean) {
    this.cols = new Int32Array(size)
    if (withWeight) this.weight = new Float64Array(size)
    if (withTs) this.ts = new Float64Array(size)
  }

  /** Copies `length` entries back to [at, at + length) of the given arrays. */
  copyTo(cols: Int32Array, weight: Float32Array | Float64Array | undefined, ts: Float64Array | undefined, at: number, length: number): void {
    cols.set(this.cols.subarray(0, length), at)
    if (weight) weight.set(this.weight!.subarray(0, length), at)
    if (ts) ts.set(this.ts!.subarray(0, length), at)
  }
}

/** Runs up to this long are insertion-sorted; longer ones go through a native sort of packed keys. */
const SHORT_RUN = 24

/** Stably sorts entries [a, b) by column, moving their weights and times with them. */
function sortRunByColumn(C: Int32Array, W: Float64Array | undefined, T: Float64Array | undefined, a: number, b: number, nCols: number, scratch: Scratch): void {
  const k = b - a
  if (k <= SHORT_RUN) {
    for (let x = a + 1; x < b; x++) {
      const c = C[x]
      if (C[x - 1] <= c) continue
      const wx = W ? W[x] : 0
      const tx = T ? T[x] : 0
      let y = x - 1
      while (y >= a && C[y] > c) {
        C[y + 1] = C[y]
        if (W) W[y + 1] = W[y]
        if (T) T[y + 1] = T[y]
        y--
      }
      C[y + 1] = c
      if (W) W[y + 1] = wx
      if (T) T[y + 1] = tx
    }
    return
  }
  let sorted = true
  for (let x = a + 1; x < b && sorted; x++) sorted = C[x - 1] <= C[x]
  if (sorted) return
  // Packed keys column · k + position are exact doubles (below 2^53) and distinct, so a native
  // numeric sort orders by column and keeps entry order among equals.
  if (scratch.keys.length < k) scratch.keys = new Float64Array(Math.max(k, scratch.keys.length * 2))
  const keys = scratch.keys.subarray(0, k)
  const packed = nCols * k < 2 ** 53
  if (packed) {
    for (let x = 0; x < k; x++) keys[x] = C[a + x] * k + x
    keys.sort()
  } else {
    // Too long to pack (beyond any real log): a comparison sort, stable by specification.
    const order = Array.from({length: k}, (_, x) => x).sort((x, y) => C[a + x] - C[a + y])
    for (let x = 0; x < k; x++) keys[x] = order[x]
  }
  for (let x = 0; x < k; x++) {
    const from = a + (packed ? keys[x] % k : keys[x])
    scratch.cols[x] = C[from]
    if (W) scratch.weight![x] = W[from]
    if (T) scratch.ts![x] = T[from]
  }
  scratch.copyTo(C, W, T, a, k)
}

/** True when row r holds column c (rows ascending): binary search. */
export function rowHas(csr: Csr, r: number, c: number): boolean {
  if (r < 0 || r >= csr.nRows) return false
  let lo = csr.offsets[r]
  let hi = csr.offsets[r + 1] - 1
  const cols = csr.cols
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    const v = cols[mid]
    if (v === c) return true
    if (v < c) lo = mid + 1
    else hi = mid - 1
  }
  return false
}

export function rowLength(csr: Csr, r: number): number {
  return r < 0 || r >= csr.nRows ? 0 : csr.offsets[r + 1] - csr.offsets[r]
}
