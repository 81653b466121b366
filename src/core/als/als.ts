import {CholeskyDecomposition, Matrix} from 'ml-matrix'

import {RecsysError} from '../errors.js'
import {createRng} from '../util/rng.js'
import {_gram, _loss, _solveRowsCG, _solveRowsExact, type ConfidenceCsr} from './kernel.js'

export type AlsSolver = 'cg' | 'cholesky'

export interface AlsOptions {
  factors?: number
  iterations?: number
  regularization?: number
  /** Weighted-λ regularisation: λ scaled by each row's number of entries (Zhou et al. 2008). */
  weightedRegularization?: boolean
  solver?: AlsSolver
  cgSteps?: number
  seed?: number
  /** Compute the training loss every this many iterations (0: never; the last is always computed when > 0). */
  lossEvery?: number
  onIteration?: (info: {iteration: number; elapsedMs: number; loss: number | null}) => void
}

export interface AlsModel {
  factors: number
  nUsers: number
  nItems: number
  /** User factors, row-major nUsers × factors. */
  X: Float64Array
  /** Item factors, row-major nItems × factors. */
  Y: Float64Array
  losses: Array<{iteration: number; loss: number}>
  iterationMs: number[]
}

/** (G + λI)⁻¹ by ml-matrix (once per half-iteration; f×f). With weighted λ a one-entry row has λ·1 = λ too. */
function regularisedInverse(G: Float64Array, f: number, lambda: number): Float64Array {
  const rows: number[][] = []
  for (let a = 0; a < f; a++) rows.push(Array.from(G.subarray(a * f, a * f + f), (v, b) => (a === b ? v + lambda : v)))
  const inv = new CholeskyDecomposition(new Matrix(rows)).solve(Matrix.eye(f, f))
  return Float64Array.from(inv.to1DArray())
}

/** Solves A·x = b in place (b becomes x) with ml-matrix's Cholesky decomposition. */
function choleskySolve(A: Float64Array, b: Float64Array, f: number): void {
  const rows: number[][] = []
  for (let a = 0; a < f; a++) rows.push(Array.from(A.subarray(a * f, a * f + f)))
  const x = new CholeskyDecomposition(new Matrix(rows)).solve(Matrix.columnVector(Array.from(b)))
  for (let a = 0; a < f; a++) b[a] = x.get(a, 0)
}

/**
 * Implicit-feedback ALS. `users` holds each user's items with c − 1 = α·r per entry; `items` is
 * its transpose. Factors start as seeded uniform noise in [0, 0.01), as in `implicit`; each
 * iteration solves every user given Y, then every item given X.
 */
export function trainAls(users: ConfidenceCsr, items: ConfidenceCsr, options: AlsOptions = {}): AlsModel {
  const f = options.factors ?? 50
  const iterations = options.iterations ?? 50
  const lambda = options.regularization ?? 0.01
  const solver = options.solver ?? 'cg'
  const cgSteps = options.cgSteps ?? 3
  const weighted = options.weightedRegularization ?? false
  const lossEvery = options.lossEvery ?? 0
  if (!Number.isInteger(f) || f < 1 || f > 1000) throw new RecsysError('USAGE', `--factors must be an integer from 1 to 1000 (got ${f})`, 'Pass e.g. --factors 50.')
  if (!Number.isInteger(iterations) || iterations < 0) throw new RecsysError('USAGE', `--iterations must be a non-negative integer (got ${iterations})`, 'Pass e.g. --iterations 50.')
  if (!(lambda > 0)) throw new RecsysError('USAGE', `--regularization must be positive (got ${lambda})`, 'Pass e.g. --regularization 0.01.')
  if (users.cols.length !== items.cols.length) throw new RecsysError('UNEXPECTED', 'ALS input: user and item matrices disagree', 'This is a bug in recsys.')

  const rng = createRng(options.seed ?? 42)
  const X = new Float64Array(users.nRows * f)
  const Y = new Float64Array(items.nRows * f)
  for (let i = 0; i < X.length; i++) X[i] = rng.next() * 0.01
  for (let i = 0; i < Y.length; i++) Y[i] = rng.next() * 0.01
  const solve = (target: Float64Array, fixed: Float64Array, nFixed: number, m: ConfidenceCsr): void => {
    const G = _gram(fixed, nFixed, f)
    if (solver === 'cg') _solveRowsCG(target, fixed, G, m, f, lambda, weighted, cgSteps, 0, m.nRows, regularisedInverse(G, f, lambda))
    else _solveRowsExact(target, fixed, G, m, f, lambda, weighted, 0, m.nRows, choleskySolve)
  }
  const losses: Array<{iteration: number; loss: number}> = []
  const iterationMs: number[] = []
  for (let it = 1; it <= iterations; it++) {
    const t = Date.now()
    solve(X, Y, items.nRows, users)
    solve(Y, X, users.nRows, items)
    iterationMs.push(Date.now() - t)
    let loss: number | null = null
    if (lossEvery > 0 && (it % lossEvery === 0 || it === iterations)) {
      loss = _loss(X, Y, _gram(Y, items.nRows, f), users, items, f, lambda, weighted)
      losses.push({iteration: it, loss})
    }
    options.onIteration?.({iteration: it, elapsedMs: iterationMs[it - 1], loss})
  }
  return {factors: f, nUsers: users.nRows, nItems: items.nRows, X, Y, losses, iterationMs}
}

/** A confidence matrix and its transpose from (row, col, weight) triples; repeated pairs sum. */
export function confidenceMatrices(
  rowKeys: Int32Array,
  colKeys: Int32Array,
  weights: Float64Array,
  nRows: number,
  nCols: number,
  alpha: number,
  binary: boolean,
): {users: ConfidenceCsr; items: ConfidenceCsr; nnz: number} {
  // Sum weights per distinct (row, col): sort entries by a combined key.
  const n = rowKeys.length
  const order = new Float64Array(n)
  for (let i = 0; i < n; i++) order[i] = rowKeys[i] * nCols + colKeys[i]
  const idx = Uint32Array.from({length: n}, (_, i) => i).sort((a, b) => order[a] - order[b])
  const r: number[] = []
  const c: number[] = []
  const w: number[] = []
  for (let j = 0; j < n; j++) {
    const i = idx[j]
    if (j > 0 && order[i] === order[idx[j - 1]]) w[w.length - 1] += weights[i]
    else {
      r.push(rowKeys[i])
      c.push(colKeys[i])
      w.push(weights[i])
    }
  }
  const build = (from: number[], to: number[], count: number): ConfidenceCsr => {
    const offsets = new Int32Array(count + 1)
    for (const k of from) offsets[k + 1]++
    for (let k = 0; k < count; k++) offsets[k + 1] += offsets[k]
    const fill = offsets.slice(0, count)
    const cols = new Int32Array(from.length)
    const conf = new Float64Array(from.length)
    for (let j = 0; j < from.length; j++) {
      const at = fill[from[j]]++
      cols[at] = to[j]
      conf[at] = alpha * (binary ? 1 : w[j])
    }
    return {nRows: count, offsets, cols, conf}
  }
  return {users: build(r, c, nRows), items: build(c, r, nCols), nnz: r.length}
}
