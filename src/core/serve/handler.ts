import {csvField} from '../util/csv.js'
import {createRng} from '../util/rng.js'
import type {AudienceIndex} from './index.js'
import {PAGE_HTML} from './page.js'

export interface Reply {
  status: number
  headers: Record<string, string>
  body: Buffer
}

const JSON_TYPE = 'application/json; charset=utf-8'
/** Bodies are Buffers with their length set, so responses need no chunked encoding. */
const json = (status: number, body: string | Buffer): Reply => {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body
  return {status, headers: {'content-type': JSON_TYPE, 'content-length': String(bytes.length)}, body: bytes}
}
const error = (status: number, code: string, message: string): Reply => json(status, JSON.stringify({error: {code, message}}))

/**
 * Request counts and latency percentiles, per process. Latencies go into a fixed histogram of
 * log-spaced bins (each 10% wide, from 1 µs to about 20 s), so recording is O(1) and a snapshot
 * walks ~180 counters: /metrics stays cheap however often it is asked (no sort per call).
 */
const BIN_GROWTH = Math.log(1.1)
const BINS = 180

export class Metrics {
  private readonly started = Date.now()
  readonly counts = new Map<string, number>()
  private readonly histogram = new Float64Array(BINS)
  private total = 0

  record(route: string, status: number, micros: number): void {
    const key = `${route} ${status}`
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1)
    const bin = micros <= 1 ? 0 : Math.min(BINS - 1, Math.ceil(Math.log(micros) / BIN_GROWTH))
    this.histogram[bin]++
    this.total++
  }

  /** The upper edge (µs) of the bin where the cumulative count reaches share q. */
  private percentile(q: number): number {
    if (this.total === 0) return 0
    const target = q * this.total
    let acc = 0
    for (let b = 0; b < BINS; b++) {
      acc += this.histogram[b]
      if (acc >= target) return Number(Math.exp(b * BIN_GROWTH).toFixed(1))
    }
    return Number(Math.exp((BINS - 1) * BIN_GROWTH).toFixed(1))
  }

  snapshot(): {uptimeSeconds: number; requests: Record<string, number>; latencyMicros: {samples: number; p50: number; p95: number; p99: number}} {
    return {
      uptimeSeconds: Math.round((Date.now() - this.started) / 1000),
      requests: Object.fromEntries(this.counts),
      latencyMicros: {samples: this.total, p50: this.percentile(0.5), p95: this.percentile(0.95), p99: this.percentile(0.99)},
    }
  }
}

/** n from the query: 1 … max, anything else (non-numeric included) is a 422. */
function parseN(query: string, fallback: number, max: number): number | Reply {
  let at = query.startsWith('n=') ? 0 : query.indexOf('&n=') + 1
  if (at === 0 && !query.startsWith('n=')) return Math.min(fallback, max)
  at += 2
  const end = query.indexOf('&', at)
  const value = end === -1 ? query.slice(at) : query.slice(at, end)
  let raw: string
  try {
    raw = value.includes('%') ? decodeURIComponent(value) : value
  } catch {
    raw = value
  }
  if (!/^\d+$/.test(raw)) return error(422, 'INVALID_N', `n must be an integer from 1 to ${max} (got "${raw.slice(0, 20)}")`)
  const n = Number(raw)
  if (n < 1 || n > max) return error(422, 'INVALID_N', `n must be an integer from 1 to ${max} (got ${n})`)
  return n
}

export interface HandlerOptions {
  seed: number
  /** The current index (swapped on reload). */
  index: () => AudienceIndex
  metrics: Metrics
  worker: number
}

/**
 * Routes a request to a reply without reading its body. Only GET (and HEAD) are served.
 *
 * An audience body is a concatenation of per-user fragments built at load, made per request and
 * not cached: a cache of built bodies (up to 400k) kept the old generation growing under random
 * products, and its major GCs (2.5–11 ms pauses every 2–3 s) set the p99. Without it, one
 * worker under wrk went from 43–45k requests/s at p99 11–16 ms to 47–54k at p99 3.7–4.5 ms.
 */
export function createHandler(options: HandlerOptions): (method: string, url: string) => {route: string; reply: Reply} {
  // /health changes only with the model: its body is built once per model version.
  let health: Reply | undefined
  let healthFor = -1
  return (method, url) => {
    const index = options.index()
    const q = url.indexOf('?')
    const path = q === -1 ? url : url.slice(0, q)
    const query = q === -1 ? '' : url.slice(q + 1)
    const isRecommend = path.startsWith('/recommend/')
    const route = isRecommend ? (path.endsWith('.csv') ? '/recommend/:id.csv' : '/recommend/:id') : path
    const known = isRecommend || path === '/health' || path === '/metrics' || path === '/products/sample' || path === '/'
    if (!known) return {route: 'unknown', reply: error(404, 'NOT_FOUND', `no route ${path.slice(0, 100)}`)}
    if (method !== 'GET' && method !== 'HEAD') {
      const reply = error(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed here; use GET`)
      return {route, reply: {...reply, headers: {...reply.headers, allow: 'GET, HEAD'}}}
    }
    if (isRecommend) {
      const csv = path.endsWith('.csv')
      let id: string
      try {
        const rawId = path.slice('/recommend/'.length, csv ? -4 : undefined)
        id = rawId.includes('%') ? decodeURIComponent(rawId) : rawId
      } catch {
        return {route, reply: error(400, 'BAD_ID', 'the product id is not valid URL encoding')}
      }
      const n = parseN(query, Math.min(10, index.topN), index.topN)
      if (typeof n !== 'number') return {route, reply: n}
      const at = index.productIndex.get(id)
      let users: Int32Array
      let note: string | null = null
      if (at === undefined) {
        users = index.coldStart.subarray(0, n)
        note = `product ${id} is not in the data: showing the cold-start audience (most engaged users overall)`
      } else {
        users = index.userKeys.subarray(index.offsets[at], Math.min(index.offsets[at + 1], index.offsets[at] + n))
        if (users.length < n) note = `only ${users.length} users have not interacted with product ${id} yet`
      }
      let body: string
      if (csv) {
        body = 'rank,customer_id,score\r\n'
        for (let r = 0; r < users.length; r++) body += `${r + 1},${csvField(index.customerId.get(users[r]) as string)},${index.scoreText.get(users[r])}\r\n`
      } else {
        body = `{"product_id":${JSON.stringify(id)},"recommendations":[`
        for (let r = 0; r < users.length; r++) body += `${r > 0 ? ',' : ''}${index.fragment.get(users[r])}${r + 1}}`
        body += `],"count":${users.length},"note":${note === null ? 'null' : JSON.stringify(note)},"model_version":${index.modelVersion}}`
      }
      return {route, reply: csv ? csvReply(id, body) : json(200, body)}
    }
    if (path === '/health') {
      if (healthFor !== index.modelVersion) {
        health = json(200, JSON.stringify({status: 'ok', model_loaded: true, model_version: index.modelVersion, products: index.products, users: index.users, top_n: index.topN, trained_at: index.trainedAt}))
        healthFor = index.modelVersion
      }
      return {route, reply: health!}
    }
    if (path === '/metrics') {
      return {route, reply: json(200, JSON.stringify({worker: options.worker, ...options.metrics.snapshot(), model: {version: index.modelVersion, trained_at: index.trainedAt, products: index.products, top_n: index.topN}}))}
    }
    if (path === '/products/sample') {
      const n = parseN(query, 5, 100)
      if (typeof n !== 'number') return {route, reply: n}
      const rng = createRng(options.seed)
      const ids: string[] = []
      const seen = new Set<number>()
      while (ids.length < Math.min(n, index.productIds.length)) {
        const i = rng.int(index.productIds.length)
        if (!seen.has(i)) {
          seen.add(i)
          ids.push(index.productIds[i])
        }
      }
      return {route, reply: json(200, JSON.stringify({product_ids: ids}))}
    }
    return {route, reply: {status: 200, headers: {'content-type': 'text/html; charset=utf-8', 'content-length': String(PAGE.length)}, body: PAGE}}
  }
}

const PAGE = Buffer.from(PAGE_HTML)

function csvReply(id: string, body: string): Reply {
  const safe = id.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80)
  const bytes = Buffer.from(body)
  return {
    status: 200,
    headers: {'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="audience-${safe}.csv"`, 'content-length': String(bytes.length)},
    body: bytes,
  }
}
