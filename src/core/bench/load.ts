import {Agent, request} from 'node:http'

import {RecsysError} from '../errors.js'
import {createRng} from '../util/rng.js'
import {quantile} from './stats.js'

export interface LoadOptions {
  host: string
  port: number
  durationMs: number
  concurrency: number
  productIds: string[]
  seed: number
  ns?: number[]
  /** Replaces the recommend mix: every request asks for this path. */
  path?: string
  /** Recommend requests only (no health or metrics). */
  onlyRecommend?: boolean
  /** Stops early once this says so (checked between requests); durationMs stays the limit. */
  stopWhen?: () => boolean
}

export interface LoadReport {
  target: string
  durationSeconds: number
  concurrency: number
  requests: number
  perSecond: number
  errors: number
  byStatus: Record<string, number>
  latencyMs: {p50: number; p95: number; p99: number; max: number}
  /** Mean response body, bytes. */
  meanBodyBytes: number
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|::1|\[::1\])$/

/**
 * A keep-alive HTTP load generator for `recsys bench --serve`: `concurrency` connections, each
 * sending the next request when the last answer arrives, for `durationMs`. The mix is the original
 * system's: 50 recommend (random product, n from `ns`) to 1 health to 1 metrics. Only loopback
 * addresses are ever targeted; the loop is bounded in time.
 */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  if (!LOOPBACK.test(options.host)) throw new RecsysError('USAGE', `load tests only target loopback addresses, not ${options.host}`, 'Use 127.0.0.1.')
  const ns = options.ns ?? [5, 10, 20]
  const rng = createRng(options.seed)
  const agent = new Agent({keepAlive: true, maxSockets: options.concurrency})
  const latencies: number[] = []
  const byStatus: Record<string, number> = {}
  let errors = 0
  const deadline = Date.now() + options.durationMs
  const bytes = {total: 0}
  const nextPath = (): string => {
    if (options.path) return options.path
    const roll = options.onlyRecommend ? 0 : rng.int(52)
    if (roll === 50) return '/health'
    if (roll === 51) return '/metrics'
    return `/recommend/${encodeURIComponent(options.productIds[rng.int(options.productIds.length)])}?n=${ns[rng.int(ns.length)]}`
  }
  const one = (path: string): Promise<void> =>
    new Promise((resolve) => {
      const t = process.hrtime.bigint()
      const req = request({host: options.host, port: options.port, path, agent, method: 'GET'}, (res) => {
        res.on('data', (c: Buffer) => (bytes.total += c.length))
        res.on('end', () => {
          latencies.push(Number(process.hrtime.bigint() - t) / 1e6)
          const key = String(res.statusCode)
          byStatus[key] = (byStatus[key] ?? 0) + 1
          if ((res.statusCode ?? 500) >= 400) errors++
          resolve()
        })
      })
      req.on('error', () => {
        errors++
        byStatus.network = (byStatus.network ?? 0) + 1
        resolve()
      })
      req.end()
    })
  const started = Date.now()
  await Promise.all(
    Array.from({length: options.concurrency}, async () => {
      while (Date.now() < deadline && !options.stopWhen?.()) await one(nextPath())
    }),
  )
  const seconds = (Date.now() - started) / 1000
  agent.destroy()
  let max = 0
  for (const l of latencies) if (l > max) max = l
  return {
    target: `http://${options.host}:${options.port}`,
    durationSeconds: seconds,
    concurrency: options.concurrency,
    requests: latencies.length,
    perSecond: Math.round(latencies.length / seconds),
    errors,
    byStatus,
    latencyMs: {p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95), p99: quantile(latencies, 0.99), max},
    meanBodyBytes: latencies.length > 0 ? Math.round(bytes.total / latencies.length) : 0,
  }
}
