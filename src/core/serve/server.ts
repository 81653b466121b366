import {createServer, type Server} from 'node:http'

import {openStore} from '../store/open.js'
import {latestRun} from '../store/runs.js'
import {createHandler, Metrics} from './handler.js'
import {type AudienceIndex, loadAudienceIndex} from './index.js'

export interface ServeOptions {
  dbPath: string
  port: number
  host: string
  seed?: number
  log?: (line: string) => void
  /** How often to look for a re-trained store, in ms. */
  reloadCheckMs?: number
  worker?: number
}

export interface RunningServer {
  server: Server
  port: number
  index(): AudienceIndex
  /** Checks for a newer train run now; true when the index was swapped. */
  reloadIfChanged(): boolean
  close(): Promise<void>
}

/**
 * The audience API over a trained store, opened read-only. The index is built at start; a timer
 * notices a newer `train` run and builds the new index before swapping it in, so requests in
 * flight are answered by the old one and none are dropped.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const db = openStore(options.dbPath, {readonly: true})
  let current = loadAudienceIndex(db)
  const latestTrainRun = (): number => latestRun(db, 'train')?.runId ?? -1
  const reloadIfChanged = (): boolean => {
    const latest = latestTrainRun()
    if (latest === current.modelVersion || latest === -1) return false
    try {
      current = loadAudienceIndex(db)
      options.log?.(`reloaded model v${current.modelVersion} (${current.products} products)`)
      return true
    } catch (error) {
      // A half-finished re-run (e.g. features newer than train): keep serving the old model.
      options.log?.(`not reloading yet: ${(error as Error).message}`)
      return false
    }
  }
  const metrics = new Metrics()
  const handle = createHandler({seed: options.seed ?? 42, index: () => current, metrics, worker: options.worker ?? 0})
  const log = options.log
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
      res.writeHead(500, {'content-type': 'application/json; charset=utf-8'})
      res.end('{"error":{"code":"INTERNAL","message":"internal error"}}')
    }
    const micros = (performance.now() - t) * 1000
    metrics.record(route, status, micros)
    if (log) log(`${method} ${req.url} ${status} ${micros.toFixed(0)}µs`)
  })
  server.keepAliveTimeout = 65_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => resolve())
  })
  const timer = setInterval(reloadIfChanged, options.reloadCheckMs ?? 1000)
  timer.unref()
  const address = server.address()
  return {
    server,
    port: typeof address === 'object' && address ? address.port : options.port,
    index: () => current,
    reloadIfChanged,
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
