/**
 * Compressed sparse rows: the entries of row r are cols[offsets[r] .. offsets[r+1]).
 * Built by counting sort in O(n), no object per row.
 */
export interface Csr {
  nRows: number
  offsets: Int32Array
  cols: Int32Array
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

export function rowLength(csr: Csr, r: number): number {
  return csr.offsets[r + 1] - csr.offsets[r]
}
