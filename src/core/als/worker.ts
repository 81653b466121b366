import {parentPort, workerData} from 'node:worker_threads'

import {_solveRowsCG, type ConfidenceCsr} from './kernel.js'

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
  users: {nRows: number; offsets: SharedArrayBuffer; cols: SharedArrayBuffer; conf: SharedArrayBuffer}
  items: {nRows: number; offsets: SharedArrayBuffer; cols: SharedArrayBuffer; conf: SharedArrayBuffer}
}

const data = workerData as Shared
const X = new Float64Array(data.X)
const Y = new Float64Array(data.Y)
const G = new Float64Array(data.gram)
const Minv = new Float64Array(data.inverse)
const csr = (m: Shared['users']): ConfidenceCsr => ({nRows: m.nRows, offsets: new Int32Array(m.offsets), cols: new Int32Array(m.cols), conf: new Float64Array(m.conf)})
const users = csr(data.users)
const items = csr(data.items)

parentPort?.on('message', (task: {side: 'users' | 'items'; from: number; to: number}) => {
  if (task.side === 'users') _solveRowsCG(X, Y, G, users, data.f, data.lambda, data.weighted, data.cgSteps, task.from, task.to, Minv)
  else _solveRowsCG(Y, X, G, items, data.f, data.lambda, data.weighted, data.cgSteps, task.from, task.to, Minv)
  parentPort?.postMessage('done')
})
