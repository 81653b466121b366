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
 * Distinct (row, col) pairs of entries [from, to), each row's columns ascending: two stable
 * counting sorts (by column, then by row), then neighbours merged. With `weights` (per entry) the
 * pair's weights are summed; with `tsMs` its latest timestamp is kept.
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
  // Entries ordered by column (stable).
  const byColStart = new Int32Array(nCols + 1)
  for (let i = from; i < to; i++) byColStart[colKeys[i] + 1]++
  for (let c = 0; c < nCols; c++) byColStart[c + 1] += byColStart[c]
  const byCol = new Int32Array(n)
  for (let i = from; i < to; i++) byCol[byColStart[colKeys[i]]++] = i
  // Then bucketed by row, keeping the column order inside each row.
  const start = new Int32Array(nRows + 1)
  for (let i = from; i < to; i++) start[rowKeys[i] + 1]++
  for (let r = 0; r < nRows; r++) start[r + 1] += start[r]
  const fill = start.slice(0, nRows)
  const entries = new Int32Array(n)
  for (let x = 0; x < n; x++) {
    const i = byCol[x]
    entries[fill[rowKeys[i]]++] = i
  }
  const offsets = new Int32Array(nRows + 1)
  const cols = new Int32Array(n)
  const weight = options.weights ? new Float32Array(n) : undefined
  const lastTs = options.tsMs ? new Float64Array(n) : undefined
  let w = 0
  for (let r = 0; r < nRows; r++) {
    let prev = -1
    for (let x = start[r]; x < start[r + 1]; x++) {
      const i = entries[x]
      const c = colKeys[i]
      if (c !== prev) {
        cols[w] = c
        if (weight) weight[w] = options.weights![i]
        if (lastTs) lastTs[w] = options.tsMs![i]
        w++
        prev = c
      } else {
        if (weight) weight[w - 1] += options.weights![i]
        if (lastTs && options.tsMs![i] > lastTs[w - 1]) lastTs[w - 1] = options.tsMs![i]
      }
    }
    offsets[r + 1] = w
  }
  return {nRows, offsets, cols: cols.slice(0, w), weight: weight?.slice(0, w), lastTs: lastTs?.slice(0, w)}
}

/** The transpose of a CSR with ascending columns: rows become columns, each new row ascending too. */
export function transposeCsr(csr: PairCsr, nCols: number): PairCsr {
  const offsets = new Int32Array(nCols + 1)
  for (let j = 0; j < csr.cols.length; j++) offsets[csr.cols[j] + 1]++
  for (let c = 0; c < nCols; c++) offsets[c + 1] += offsets[c]
  const fill = offsets.slice(0, nCols)
  const cols = new Int32Array(csr.cols.length)
  const weight = csr.weight ? new Float32Array(csr.cols.length) : undefined
  const lastTs = csr.lastTs ? new Float64Array(csr.cols.length) : undefined
  for (let r = 0; r < csr.nRows; r++) {
    for (let j = csr.offsets[r]; j < csr.offsets[r + 1]; j++) {
      const at = fill[csr.cols[j]]++
      cols[at] = r
      if (weight) weight[at] = csr.weight![j]
      if (lastTs) lastTs[at] = csr.lastTs![j]
    }
  }
  return {nRows: nCols, offsets, cols, weight, lastTs}
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
