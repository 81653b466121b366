import {existsSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {Worker} from 'node:worker_threads'

import {CholeskyDecomposition, Matrix} from 'ml-matrix'

import {RecsysError} from '../errors.js'
import {createRng} from '../util/rng.js'
import {_gram, _loss, _scoreUsers, _solveRowsCG, _solveRowsExact, _sumChunks, type ConfidenceCsr, GRAM_CHUNK, type ShermanMorrisonMemo} from './kernel.js'

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
  /** Worker threads for the CG solves (default: 2 when the matrix is large, else 1). */
  workers?: number
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
  /** Threads that solved the rows. */
  threads: number
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

/** The worker's compiled file; under tsx (tests) it is absent and solves stay on this thread. */
const WORKER_URL = new URL('./worker.js', import.meta.url)
/** Below this many stored entries, threads cost more than they save. */
const PARALLEL_MIN_ENTRIES = 200_000

/** Copies a typed array into shared memory (workers see it without copying). */
function shared<T extends Int32Array | Float64Array>(array: T): {buffer: SharedArrayBuffer; view: T} {
  const buffer = new SharedArrayBuffer(array.byteLength)
  const view = new (array.constructor as new (b: SharedArrayBuffer) => T)(buffer)
  view.set(array as never)
  return {buffer, view}
}

/**
 * Row ranges of about equal cost: a one-entry row costs one f×f matvec, a CG row about
 * cgSteps + 1, plus a little per entry.
 */
function balancedRanges(m: ConfidenceCsr, parts: number, cgSteps: number): Array<[number, number]> {
  const cost = (r: number): number => {
    const n = m.offsets[r + 1] - m.offsets[r]
    return n === 0 ? 0 : n === 1 ? 1 : cgSteps + 1 + n * 0.05
  }
  let total = 0
  for (let r = 0; r < m.nRows; r++) total += cost(r)
  const ranges: Array<[number, number]> = []
  let start = 0
  let acc = 0
  for (let r = 0; r < m.nRows && ranges.length < parts - 1; r++) {
    acc += cost(r)
    if (acc >= (total * (ranges.length + 1)) / parts) {
      ranges.push([start, r + 1])
      start = r + 1
    }
  }
  ranges.push([start, m.nRows])
  return ranges
}

/**
 * Implicit-feedback ALS. `users` holds each user's items with c − 1 = α·r per entry; `items` is
 * its transpose. Factors start as seeded uniform noise in [0, 0.01), as in `implicit`; each
 * iteration solves every user given Y, then every item given X. With CG on a large matrix the row
 * solves run on worker threads over shared memory; rows are independent within a half-iteration,
 * so the factors are the same whatever the number of threads.
 */
export async function trainAls(users: ConfidenceCsr, items: ConfidenceCsr, options: AlsOptions = {}): Promise<AlsModel> {
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
  const workerFile = fileURLToPath(WORKER_URL)
  const threads = solver === 'cg' && existsSync(workerFile) ? (options.workers ?? (users.cols.length >= PARALLEL_MIN_ENTRIES ? 2 : 1)) : 1

  const rng = createRng(options.seed ?? 42)
  const Xs = shared(new Float64Array(users.nRows * f))
  const Ys = shared(new Float64Array(items.nRows * f))
  const X = Xs.view
  const Y = Ys.view
  for (let i = 0; i < X.length; i++) X[i] = rng.next() * 0.01
  for (let i = 0; i < Y.length; i++) Y[i] = rng.next() * 0.01

  let pool: Worker[] = []
  let gramShared: Float64Array | undefined
  let inverseShared: Float64Array | undefined
  let partials: Float64Array<ArrayBufferLike> = new Float64Array(0)
  const userRanges = balancedRanges(users, threads, cgSteps)
  const itemRanges = balancedRanges(items, threads, cgSteps)
  if (threads > 1) {
    const g = shared(new Float64Array(f * f))
    const inv = shared(new Float64Array(f * f))
    gramShared = g.view
    inverseShared = inv.view
    const csr = (m: ConfidenceCsr) => ({nRows: m.nRows, offsets: shared(m.offsets).buffer, cols: shared(m.cols).buffer, conf: shared(m.conf).buffer})
    const common = {f, lambda, weighted, cgSteps, X: Xs.buffer, Y: Ys.buffer, gram: g.buffer, inverse: inv.buffer, users: csr(users), items: csr(items)}
    const maxChunks = Math.ceil(Math.max(users.nRows, items.nRows) / GRAM_CHUNK)
    const partialsBuffer = new SharedArrayBuffer(maxChunks * f * f * 8)
    partials = new Float64Array(partialsBuffer)
    pool = Array.from({length: threads}, () => new Worker(WORKER_URL, {workerData: {...common, partials: partialsBuffer}}))
  }
  const runOn = (worker: Worker, task: {kind: 'solve' | 'gram'; side: 'users' | 'items'; from: number; to: number; tag?: number}): Promise<void> =>
    new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error)
      worker.once('error', onError)
      worker.once('message', () => {
        worker.off('error', onError)
        resolve()
      })
      worker.postMessage(task)
    })
  /** YᵀY (or XᵀX) of the matrix held fixed: partial sums on the workers when there are any. */
  const gramOf = async (fixed: Float64Array, nFixed: number, side: 'users' | 'items'): Promise<Float64Array> => {
    if (pool.length === 0) return _gram(fixed, nFixed, f)
    const chunks = Math.ceil(nFixed / GRAM_CHUNK)
    const step = Math.ceil(chunks / pool.length)
    await Promise.all(pool.map((w, i) => runOn(w, {kind: 'gram', side, from: Math.min(chunks, i * step), to: Math.min(chunks, (i + 1) * step)})))
    return _sumChunks(partials, chunks, f)
  }
  // One-interaction users share items: their M⁻¹y_i is computed once per item per half-iteration.
  let memo: ShermanMorrisonMemo | undefined
  let halfStep = 0
  const solve = async (target: Float64Array, fixed: Float64Array, nFixed: number, m: ConfidenceCsr, side: 'users' | 'items'): Promise<void> => {
    const G = await gramOf(fixed, nFixed, side)
    if (solver !== 'cg') return _solveRowsExact(target, fixed, G, m, f, lambda, weighted, 0, m.nRows, choleskySolve)
    const Minv = regularisedInverse(G, f, lambda)
    const tag = ++halfStep
    if (pool.length === 0) {
      if (side === 'users') {
        memo ??= {vectors: new Float64Array(nFixed * f), quad: new Float64Array(nFixed), stamp: new Int32Array(nFixed).fill(-1), tag}
        memo.tag = tag
      }
      return _solveRowsCG(target, fixed, G, m, f, lambda, weighted, cgSteps, 0, m.nRows, Minv, side === 'users' ? memo : undefined)
    }
    gramShared!.set(G)
    inverseShared!.set(Minv)
    const ranges = side === 'users' ? userRanges : itemRanges
    await Promise.all(ranges.map(([from, to], w) => runOn(pool[w], {kind: 'solve', side, from, to, tag})))
  }
  const losses: Array<{iteration: number; loss: number}> = []
  const iterationMs: number[] = []
  try {
    for (let it = 1; it <= iterations; it++) {
      const t = Date.now()
      await solve(X, Y, items.nRows, users, 'users')
      await solve(Y, X, users.nRows, items, 'items')
      iterationMs.push(Date.now() - t)
      let loss: number | null = null
      if (lossEvery > 0 && (it % lossEvery === 0 || it === iterations)) {
        loss = _loss(X, Y, _gram(Y, items.nRows, f), users, items, f, lambda, weighted)
        losses.push({iteration: it, loss})
      }
      options.onIteration?.({iteration: it, elapsedMs: iterationMs[it - 1], loss})
    }
  } finally {
    await Promise.all(pool.map((w) => w.terminate()))
  }
  return {factors: f, nUsers: users.nRows, nItems: items.nRows, X, Y, losses, iterationMs, threads}
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
  // Sum weights per distinct (row, col): sort entries by a combined key, then merge runs.
  const n = rowKeys.length
  const order = new Float64Array(n)
  for (let i = 0; i < n; i++) order[i] = rowKeys[i] * nCols + colKeys[i]
  const idx = new Uint32Array(n)
  for (let i = 0; i < n; i++) idx[i] = i
  idx.sort((a, b) => order[a] - order[b])
  const r = new Int32Array(n)
  const c = new Int32Array(n)
  const w = new Float64Array(n)
  let nnz = 0
  for (let j = 0; j < n; j++) {
    const i = idx[j]
    if (j > 0 && order[i] === order[idx[j - 1]]) w[nnz - 1] += weights[i]
    else {
      r[nnz] = rowKeys[i]
      c[nnz] = colKeys[i]
      w[nnz] = weights[i]
      nnz++
    }
  }
  const build = (from: Int32Array, to: Int32Array, count: number): ConfidenceCsr => {
    const offsets = new Int32Array(count + 1)
    for (let j = 0; j < nnz; j++) offsets[from[j] + 1]++
    for (let k = 0; k < count; k++) offsets[k + 1] += offsets[k]
    const fill = offsets.slice(0, count)
    const cols = new Int32Array(nnz)
    const conf = new Float64Array(nnz)
    for (let j = 0; j < nnz; j++) {
      const at = fill[from[j]]++
      cols[at] = to[j]
      conf[at] = alpha * (binary ? 1 : w[j])
    }
    return {nRows: count, offsets, cols, conf}
  }
  return {users: build(r, c, nRows), items: build(c, r, nCols), nnz}
}

/** x_u·y_p for the listed users into `out`: how well each user's factors match product p. */
export function scoreUsers(
  model: {factors: number; X: Float64Array | Float32Array; Y: Float64Array | Float32Array},
  product: number,
  users: Int32Array,
  out: Float64Array,
): void {
  _scoreUsers(model.X, model.Y, model.factors, product, users, out)
}
