import {deriveCampaignId} from '../campaigns/export.js'
import {holdoutGroup, parseHoldout} from '../campaigns/holdout.js'
import {isRecsysError} from '../errors.js'
import type {ProductText} from '../rankings/content.js'
import {createRng} from '../util/rng.js'
import type {ServeIndex} from './index.js'
import {describeMetrics, type MetricsSnapshot} from './metrics.js'
import {PAGE_CSP, PAGE_HTML} from './page.js'
import {BodyRenderer} from './render.js'

export interface Reply {
  status: number
  headers: Record<string, string>
  /** A string body is handed to the socket as it is: no Buffer per response (that cost a third of the rate). */
  body: string | Buffer
}

/** What the server knows of its model right now. */
export interface ServerState {
  index: ServeIndex
  /** ok: the newest model; loading: a newer one is being loaded; stale: the data changed and no model matches it yet. */
  status: 'ok' | 'loading' | 'stale'
  reason: string | null
  /** The store's current dataset version (the model's may be older). */
  currentDatasetVersion: number
}

/** Headers every response carries: no MIME sniffing, no framing. */
const COMMON = {'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY'}
const JSON_TYPE = 'application/json; charset=utf-8'

const json = (status: number, body: string | Buffer): Reply => ({status, headers: {...COMMON, 'content-type': JSON_TYPE, 'content-length': String(typeof body === 'string' ? Buffer.byteLength(body) : body.length)}, body})
const error = (status: number, code: string, message: string): Reply => json(status, JSON.stringify({error: {code, message}}))

/** A query parameter's decoded value, or undefined. */
function param(query: string, name: string): string | undefined {
  if (query === '') return undefined
  for (const part of query.split('&')) {
    const eq = part.indexOf('=')
    const key = eq === -1 ? part : part.slice(0, eq)
    if (key !== name) continue
    const raw = eq === -1 ? '' : part.slice(eq + 1)
    try {
      return decodeURIComponent(raw.replace(/\+/g, ' '))
    } catch {
      return raw
    }
  }
  return undefined
}

/** n from the query: 1 … max, anything else (non-numeric included) is a 422. */
function parseN(query: string, fallback: number, max: number): number | Reply {
  const raw = param(query, 'n')
  if (raw === undefined) return Math.min(fallback, max)
  if (!/^\d{1,9}$/.test(raw)) return error(422, 'INVALID_N', `n must be an integer from 1 to ${max} (got "${raw.slice(0, 20)}")`)
  const n = Number(raw)
  if (n < 1 || n > max) return error(422, 'INVALID_N', `n must be an integer from 1 to ${max} (got ${n})`)
  return n
}

export interface HandlerOptions {
  seed: number
  /** The largest n a request may ask (default 100). */
  maxN: number
  state: () => ServerState
  /** The metrics of every worker, summed. */
  metrics: () => MetricsSnapshot & {workers: number}
}

const ROUTES = new Set(['/health', '/metrics', '/products/sample', '/products/search', '/'])

/**
 * Routes a request to a reply without reading its body. Only GET (and HEAD) are served. Audience
 * bodies are the same JSON and CSV the CLI writes, built per request from per-user pieces made
 * once (a cache of whole bodies kept the old generation growing under random products, and its
 * major GCs set the p99).
 */
export function createHandler(options: HandlerOptions): (method: string, url: string) => {route: string; reply: Reply} {
  let renderer: BodyRenderer | undefined
  let rendererFor: ServeIndex | undefined
  return (method, url) => {
    const state = options.state()
    const index = state.index
    const q = url.indexOf('?')
    const path = q === -1 ? url : url.slice(0, q)
    const query = q === -1 ? '' : url.slice(q + 1)
    const isRecommend = path.startsWith('/recommend/') || path === '/recommend'
    const route = isRecommend ? (path.endsWith('.csv') ? '/recommend/:id.csv' : '/recommend/:id') : path
    if (!isRecommend && !ROUTES.has(path)) return {route: 'unknown', reply: error(404, 'NOT_FOUND', `no route ${path.slice(0, 100)}`)}
    if (method !== 'GET' && method !== 'HEAD') {
      const reply = error(405, 'METHOD_NOT_ALLOWED', `${method.slice(0, 20)} is not allowed here; use GET`)
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
      if (id.trim() === '') return {route, reply: error(422, 'EMPTY_ID', 'the product id is empty: ask for /recommend/PRODUCT_ID')}
      const n = parseN(query, index.meta.topN, options.maxN)
      if (typeof n !== 'number') return {route, reply: n}
      // A control group is a property of a download; the JSON answer would silently ignore it.
      if (!csv && param(query, 'holdout') !== undefined) {
        return {route, reply: error(422, 'INVALID_HOLDOUT', 'holdout splits the CSV download: ask for /recommend/PRODUCT_ID.csv?holdout=10')}
      }
      const attributes: ProductText | undefined = query.includes('name=') || query.includes('category=') || query.includes('brand=')
        ? {name: param(query, 'name'), category: param(query, 'category'), brand: param(query, 'brand')}
        : undefined
      let answer
      try {
        answer = index.rank(id, n, attributes)
      } catch (e) {
        if (isRecsysError(e)) return {route, reply: error(422, e.code, e.message)}
        throw e
      }
      if (rendererFor !== index) {
        renderer = new BodyRenderer(index)
        rendererFor = index
      }
      const d = index.data
      if (csv) {
        // ?holdout=10 splits the download into treatment and control by a stable hash of
        // (campaign, customer): the same split the CLI records (the server itself never writes).
        const holdoutText = param(query, 'holdout')
        if (holdoutText === undefined) return {route, reply: csvReply(answer.productId, renderer!.csv(answer))}
        const holdout = parseHoldout(holdoutText)
        if (holdout === undefined) return {route, reply: error(422, 'INVALID_HOLDOUT', 'holdout must be a share from 1% to 50%, e.g. holdout=10')}
        const campaignId = (param(query, 'campaign') ?? '').trim().slice(0, 100) || deriveCampaignId([answer.productId])
        // As the CLI refuses it: a split with nobody in one group could never be measured.
        const groups = Array.from(answer.ranked.users.subarray(0, answer.ranked.count), (u) => holdoutGroup(campaignId, index.customerId(u), holdout))
        const control = groups.filter((g) => g === 'control').length
        if (control === 0 || control === answer.ranked.count) {
          return {route, reply: error(422, 'INVALID_HOLDOUT', `a ${Math.round(holdout * 100)}% holdout of ${answer.ranked.count} users puts ${control === 0 ? 'none of them in the control group' : 'all of them in the control group'}: ask for more users (n) or another share`)}
        }
        const reply = csvReply(`${answer.productId}-${campaignId}`, renderer!.csv(answer, groups))
        return {route, reply: {...reply, headers: {...reply.headers, 'x-recsys-campaign': encodeURIComponent(campaignId)}}}
      }
      return {route, reply: json(200, renderer!.json(answer, d.modelVersion, d.trainedAt, d.datasetVersion))}
    }
    if (path === '/health') {
      const d = index.data
      const healthy = state.status !== 'stale'
      return {
        route,
        reply: json(
          200,
          JSON.stringify({
            status: state.status,
            healthy,
            reason: state.reason,
            model_version: d.modelVersion,
            model_dataset_version: d.datasetVersion,
            dataset_version: state.currentDatasetVersion,
            ranking: d.meta.ranking,
            new_products: d.meta.newProducts,
            available_products: index.products,
            cached_recommendations: index.storedLists,
            users: d.users,
            top_n: d.meta.topN,
            max_n: options.maxN,
            trained_at: d.trainedAt,
          }),
        ),
      }
    }
    if (path === '/metrics') {
      const m = options.metrics()
      const d = index.data
      return {route, reply: json(200, JSON.stringify({workers: m.workers, pid: process.pid, ...describeMetrics(m), model: {version: d.modelVersion, trained_at: d.trainedAt, ranking: d.meta.ranking, products: index.products}}))}
    }
    if (path === '/products/search') {
      const q = (param(query, 'q') ?? '').slice(0, 100)
      const limit = parseN(query, 10, 50)
      if (typeof limit !== 'number') return {route, reply: limit}
      return {route, reply: json(200, JSON.stringify({query: q, products: q.trim() ? index.search(q, limit) : []}))}
    }
    if (path === '/products/sample') {
      const n = parseN(query, 5, 100)
      if (typeof n !== 'number') return {route, reply: n}
      const rng = createRng(options.seed)
      const ids: string[] = []
      const seen = new Set<number>()
      const pool = index.meta.nData
      while (ids.length < Math.min(n, pool)) {
        const i = rng.int(pool)
        if (!seen.has(i)) {
          seen.add(i)
          ids.push(index.productId(i))
        }
      }
      return {route, reply: json(200, JSON.stringify({product_ids: ids}))}
    }
    return {route, reply: {status: 200, headers: {...COMMON, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_CSP, 'content-length': String(PAGE.length)}, body: PAGE}}
  }
}

const PAGE = Buffer.from(PAGE_HTML)

function csvReply(id: string, body: string): Reply {
  const safe = id.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80)
  return {
    status: 200,
    headers: {...COMMON, 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="audience-${safe}.csv"`, 'content-length': String(Buffer.byteLength(body))},
    body,
  }
}
