import {statSync} from 'node:fs'
import {createServer, type Server} from 'node:http'

import {isRecsysError} from '../errors.js'
import {type Db, openStore} from '../store/open.js'
import {currentDatasetVersion, latestRun, requireFreshRun} from '../store/runs.js'
import {createHandler, type ServerState} from './handler.js'
import {loadServeIndexData, ServeIndex} from './index.js'
import {Metrics, mergeSnapshots, type MetricsSnapshot} from './metrics.js'

export interface ServeOptions {
  dbPath: string
  port: number
  host: string
  seed?: number
  maxN?: number
  log?: (line: string) => void
  /** How often to look at the store for a new model, new data or a replaced file, in ms. */
  reloadCheckMs?: number
  /** Other workers' latest metrics (under cluster), summed into /metrics. */
  peerMetrics?: () => {snapshots: MetricsSnapshot[]; workers: number}
}

export interface RunningServer {
  server: Server
  port: number
  state(): ServerState
  metrics: Metrics
  /** Looks at the store now; resolves once any new model is swapped in. */
  check(): Promise<void>
  close(): Promise<void>
}

/** The store file's identity: a file deleted and rebuilt at the same path is another file. */
function fileId(path: string): string {
  try {
    const s = statSync(path)
    return `${s.dev}:${s.ino}`
  } catch {
    return 'missing'
  }
}

/**
 * The audience API over a trained store, opened read-only. A timer looks at the store every
 * second: new data makes the model stale (it keeps answering, and /health says why); a new train
 * run is loaded on a worker thread and swapped in between requests; a replaced file is reopened.
 * Requests never wait for a reload.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const {dbPath} = options
  const log = options.log
  let db: Db = openStore(dbPath, {readonly: true})
  let identity = fileId(dbPath)
  requireFreshRun(db, 'train')
  let index = new ServeIndex(await loadServeIndexData(dbPath))
  const state: ServerState = {index, status: 'ok', reason: null, currentDatasetVersion: index.data.datasetVersion}
  let loading: Promise<void> | undefined

  const reload = (why: string): Promise<void> => {
    loading ??= (async () => {
      state.status = 'loading'
      try {
        const data = await loadServeIndexData(dbPath)
        index = new ServeIndex(data)
        state.index = index
        log?.(`loaded model v${data.modelVersion} (${data.meta.ranking}, ${index.products} products): ${why}`)
      } catch (error) {
        log?.(`not reloading yet: ${(error as Error).message}`)
      } finally {
        loading = undefined
        refresh()
      }
    })()
    return loading
  }

  /** Reads the store's state (a few indexed reads) and decides: ok, stale, or load a new model. */
  const refresh = (): Promise<void> | undefined => {
    const id = fileId(dbPath)
    if (id !== identity && id !== 'missing') {
      try {
        const fresh = openStore(dbPath, {readonly: true})
        db.close()
        db = fresh
        identity = id
        log?.('the store file was replaced: reopened it')
      } catch (error) {
        state.reason = `the store file was replaced but cannot be opened: ${(error as Error).message}`
        return undefined
      }
    }
    let version: number | undefined
    try {
      version = currentDatasetVersion(db)
    } catch (error) {
      state.status = 'stale'
      state.reason = `cannot read the store: ${(error as Error).message}`
      return undefined
    }
    state.currentDatasetVersion = version ?? 0
    const latest = latestRun(db, 'train')
    if (latest && latest.runId !== index.data.modelVersion) {
      try {
        requireFreshRun(db, 'train')
        if (!loading) return reload(`train run ${latest.runId}`)
      } catch {
        // a newer run exists but is not usable yet (features ran again since): keep the model
      }
    }
    if (loading) return loading
    if (version !== undefined && version !== index.data.datasetVersion) {
      state.status = 'stale'
      state.reason = `dataset v${version} was prepared after this model (trained on v${index.data.datasetVersion}); answering from the model until \`recsys features\` and \`recsys train\` run again`
    } else {
      try {
        requireFreshRun(db, 'train')
        state.status = 'ok'
        state.reason = null
      } catch (error) {
        state.status = 'stale'
        state.reason = isRecsysError(error) ? error.message : String(error)
      }
    }
    return undefined
  }

  const metrics = new Metrics()
  const handle = createHandler({
    seed: options.seed ?? 42,
    maxN: options.maxN ?? 100,
    state: () => state,
    metrics: () => {
      const own = metrics.snapshot()
      const peers = options.peerMetrics?.()
      if (!peers) return {...own, workers: 1}
      return {...mergeSnapshots([own, ...peers.snapshots]), workers: peers.workers}
    },
  })
  const server = createServer((req, res) => {
    const t = performance.now()
    const method = req.method ?? 'GET'
    let route = 'error'
    let status = 500
    try {
      const out = handle(method, req.url ?? '/')
      route = out.route
      status = out.reply.status
      // No Date header: it costs a clock read and formatting per response, and clients here need none.
      res.sendDate = false
      res.writeHead(status, out.reply.headers)
      res.end(method === 'HEAD' ? undefined : out.reply.body)
    } catch {
      res.writeHead(500, {'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff'})
      res.end('{"error":{"code":"INTERNAL","message":"internal error"}}')
    }
    const micros = (performance.now() - t) * 1000
    metrics.record(route, status, micros)
    if (log) log(`${method} ${(req.url ?? '').slice(0, 200)} ${status} ${micros.toFixed(0)}µs`)
  })
  server.keepAliveTimeout = 65_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => resolve())
  })
  const timer = setInterval(() => void refresh(), options.reloadCheckMs ?? 1000)
  timer.unref()
  const address = server.address()
  return {
    server,
    port: typeof address === 'object' && address ? address.port : options.port,
    state: () => state,
    metrics,
    check: async () => {
      await refresh()
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer)
        server.closeAllConnections()
        server.close(() => {
          db.close()
          resolve()
        })
      }),
  }
}
