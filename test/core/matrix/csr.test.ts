import fc from 'fast-check'
import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {pairCsr, transposeCsr} from '../../../src/core/matrix/csr.js'

/** The pairs by brute force: per row, its distinct columns ascending, weights summed in input order, latest time. */
function reference(rows: number[], cols: number[], weights: number[], ts: number[], nRows: number, from: number, to: number) {
  const byRow = Array.from({length: nRows}, () => new Map<number, {w: number; t: number}>())
  for (let i = from; i < to; i++) {
    const m = byRow[rows[i]]
    const cell = m.get(cols[i])
    if (cell) {
      cell.w = Math.fround(cell.w + weights[i])
      cell.t = Math.max(cell.t, ts[i])
    } else m.set(cols[i], {w: Math.fround(weights[i]), t: ts[i]})
  }
  return byRow.map((m) => [...m].sort((a, b) => a[0] - b[0]))
}

function rowsOf(csr: {nRows: number; offsets: Int32Array; cols: Int32Array; weight?: Float32Array; lastTs?: Float64Array}) {
  return Array.from({length: csr.nRows}, (_, r) => {
    const out: Array<[number, {w: number; t: number}]> = []
    for (let j = csr.offsets[r]; j < csr.offsets[r + 1]; j++) out.push([csr.cols[j], {w: csr.weight![j], t: csr.lastTs![j]}])
    return out
  })
}

/** Lists of up to `maxLength` entries (row seed, column seed, weight, time), drawn at any length up to it. */
const entryLists = (maxLength: number) => fc.array(fc.tuple(fc.nat(), fc.nat(), fc.double({min: 0.1, max: 1e6, noNaN: true}), fc.integer({min: 0, max: 1000})), {maxLength, size: 'max'})

/** pairCsr over entries [from, end) (rows given, columns from the entries) against the reference, and its transpose against the reference turned column-major. */
function checkPairs(entries: Array<[number, number, number, number]>, rows: number[], nRows: number, nCols: number, from: number): void {
  const cols = entries.map((e) => e[1] % nCols)
  const weights = entries.map((e) => e[2])
  const ts = entries.map((e) => e[3])
  const csr = pairCsr(Int32Array.from(rows), Int32Array.from(cols), nRows, nCols, from, rows.length, {weights: Float64Array.from(weights), tsMs: Float64Array.from(ts)})
  const want = reference(rows, cols, weights, ts, nRows, from, rows.length)
  assert.equal(rowsOf(csr), want)
  // The transpose holds the same pairs, column-major, each new row ascending.
  const back = Array.from({length: nCols}, () => [] as Array<[number, {w: number; t: number}]>)
  want.forEach((pairs, r) => pairs.forEach(([c, v]) => back[c].push([r, v])))
  assert.equal(rowsOf(transposeCsr(csr, nCols)), back)
}

test('pairCsr: distinct pairs per row, columns ascending, weights summed in input order and the latest time kept', () => {
  fc.assert(
    fc.property(
      fc.integer({min: 1, max: 6}),
      fc.integer({min: 1, max: 40}),
      // Few rows and many entries, so that some rows hold long runs of entries.
      entryLists(400),
      fc.nat(),
      (nRows, nCols, entries, cut) => {
        const rows = entries.map((e) => e[0] % nRows)
        checkPairs(entries, rows, nRows, nCols, entries.length === 0 ? 0 : cut % entries.length)
      },
    ),
    {numRuns: 300, seed: 21},
  )
})

test('pairCsr and transposeCsr over many rows and columns: partitions of keys, then runs, give the same pairs', () => {
  // Past 256 keys the entries are partitioned by the high bits of their row (and, in the
  // transpose, of their column) before the counting sort: partition edges must not show.
  fc.assert(
    fc.property(
      fc.integer({min: 200, max: 5000}),
      fc.integer({min: 200, max: 5000}),
      entryLists(1500),
      fc.nat({max: 40}),
      (nRows, nCols, entries, hot) => {
        // Some entries crowd into one row (a popular product) so that long runs occur as well.
        const rows = entries.map((e, i) => (i % 7 === 0 ? (hot * 97) % nRows : e[0] % nRows))
        checkPairs(entries, rows, nRows, nCols, 0)
      },
    ),
    {numRuns: 150, seed: 22},
  )
})

test('pairCsr without aggregates keeps the pairs only', () => {
  const csr = pairCsr(Int32Array.from([1, 0, 1, 1]), Int32Array.from([2, 0, 0, 2]), 2, 3, 0, 4)
  assert.equal([...csr.offsets], [0, 1, 3])
  assert.equal([...csr.cols], [0, 0, 2])
  assert.is(csr.weight, undefined)
})

test.run()
