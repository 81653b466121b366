import {parentPort, workerData} from 'node:worker_threads'

import {isRecsysError} from '../errors.js'
import {buildServeIndexData, transferList} from './index.js'

/** Builds a server's index on this worker thread and transfers it (no copy) to the request thread. */
try {
  const data = buildServeIndexData((workerData as {dbPath: string}).dbPath)
  parentPort?.postMessage({ok: true, data}, transferList(data))
} catch (error) {
  const e = error as Error
  parentPort?.postMessage({ok: false, error: isRecsysError(error) ? {code: error.code, message: error.message, hint: error.hint} : {code: '', message: e.message, hint: ''}})
}
