import {parentPort, workerData} from 'node:worker_threads'

import {_gramChunks, _solveRowsCG, type ConfidenceCsr, type ShermanMorrisonMemo} from './kernel.js'

/**
 * An ALS worker: holds views of the shared factor matrices and both confidence matrices, and on
 * each message solves one row range of one side in place (CG, with Sherman–Morrison rows).
 */
interface Shared {
  f: number
  lambda: number
  weighted: boolean
  cgSteps: number
  X: SharedArrayBuffer
  Y: SharedArrayBuffer
  gram: SharedArrayBuffer
  inverse: SharedArrayBuffer
  /** Per-chunk partial Gram matrices (chunks × f×f), for both sides' sizes. */
  partials: SharedArrayBuffer
  users: {nRows: number; offsets: SharedArrayBuffer; cols: SharedArrayBuffer; conf: SharedArrayBuffer}
  items: {nRows: number; offsets: SharedArrayBuffer; cols: SharedArrayBuffer; conf: SharedArrayBuffer}
}

const data = workerData as Shared
const X = new Float64Array(data.X)
const Y = new Float64Array(data.Y)
const G = new Float64Array(data.gram)
const Minv = new Float64Array(data.inverse)
const partials = new Float64Array(data.partials)
const csr = (m: Shared['users']): ConfidenceCsr => ({nRows: m.nRows, offsets: new Int32Array(m.offsets), cols: new Int32Array(m.cols), conf: new Float64Array(m.conf)})
const users = csr(data.users)
const items = csr(data.items)
// Memo of M⁻¹y_i per item for one-interaction users (this thread's own; see the kernel).
const memo: ShermanMorrisonMemo = {vectors: new Float64Array(items.nRows * data.f), quad: new Float64Array(items.nRows), stamp: new Int32Array(items.nRows).fill(-1), tag: 0}

parentPort?.on('message', (task: {kind: 'solve' | 'gram'; side: 'users' | 'items'; from: number; to: number; tag: number}) => {
  if (task.kind === 'gram') {
    // Chunks [from, to) of the Gram of the factor matrix held fixed while `side` is solved.
    const fixed = task.side === 'users' ? Y : X
    const n = task.side === 'users' ? items.nRows : users.nRows
    _gramChunks(fixed, n, data.f, task.from, task.to, partials)
  } else if (task.side === 'users') {
    memo.tag = task.tag
    _solveRowsCG(X, Y, G, users, data.f, data.lambda, data.weighted, data.cgSteps, task.from, task.to, Minv, memo)
  }
  else _solveRowsCG(Y, X, G, items, data.f, data.lambda, data.weighted, data.cgSteps, task.from, task.to, Minv)
  parentPort?.postMessage('done')
})
