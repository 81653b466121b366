import {RecsysError} from '../errors.js'
import {createRng, type Rng} from '../util/rng.js'
import type {GenerateOptions, GenerateSummary} from './generate.js'
import {LineBuffer, secondsClock} from './lines.js'

/** The columns of the public REES46 log ("eCommerce behavior data from multi category store"). */
export const REES46_HEADER = ['event_time', 'event_type', 'product_id', 'category_id', 'category_code', 'brand', 'price', 'user_id', 'user_session']

const TOP = ['electronics', 'appliances', 'computers', 'apparel', 'furniture', 'kids', 'sport', 'auto', 'construction', 'accessories', 'country_yard', 'stationery', 'medicine']
const SUB = ['audio', 'video', 'kitchen', 'bedroom', 'tools', 'shoes', 'bag', 'notebook', 'smartphone', 'toys', 'bicycle', 'lighting', 'cleaning', 'camera', 'tablet']
const LEAF = ['headphone', 'tv', 'washer', 'refrigerators', 'drill', 'keds', 'desktop', 'player', 'blender', 'vacuum', 'sofa', 'lamp']
const SYLLABLES = ['ka', 'to', 'ri', 'ven', 'lu', 'mo', 'sa', 'ber', 'zen', 'tik', 'ro', 'na', 'vel', 'dor', 'pi', 'xo']

function word(rng: Rng, parts: number): string {
  let s = ''
  for (let i = 0; i < parts; i++) s += SYLLABLES[rng.int(SYLLABLES.length)]
  return s
}

/** A hex id of 32 digits in 8-4-4-4-12 groups (a session id as REES46 writes them). */
function sessionId(a: number, b: number): string {
  const hex = (x: number, n: number): string => (x >>> 0).toString(16).padStart(8, '0').slice(0, n)
  const h1 = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) >>> 0
  const h2 = Math.imul(b ^ 0xc2b2ae35, 0x27d4eb2f) >>> 0
  const h3 = Math.imul(h1 ^ h2, 0x165667b1) >>> 0
  return `${hex(h1, 8)}-${hex(h2, 4)}-${hex(h3, 4)}-${hex(h1 ^ h3, 4)}-${hex(h2, 8)}${hex(h3, 4)}`
}

/**
 * A log shaped like the REES46 October 2019 month: views, carts and purchases (about 94 / 4 / 2%)
 * in sessions, a month of UTC timestamps written "YYYY-MM-DD HH:MM:SS UTC", products with a
 * category (a third without a category code, as in the real log), a brand (some empty) and a
 * price. Users browse within a few categories they prefer, so co-occurrence and content have real
 * signal; they come back on other days. Deterministic from the seed, streamed in time order.
 */
export function generateRees46Csv(options: GenerateOptions, write: (chunk: string) => void): GenerateSummary {
  const N = Math.floor(options.rows)
  if (!Number.isFinite(N) || N < 100) throw new RecsysError('USAGE', `rows must be at least 100 (got ${options.rows})`, 'Pass --rows 100 or more.')
  const rng = createRng(options.seed)
  const nCategories = 120
  const P = Math.max(50, Math.round(30 * Math.sqrt(N)))
  const U = Math.max(10, Math.round(N * 0.07))
  // Categories: a code (or none) and an id; products: category, brand, price, popularity.
  const categoryCode: string[] = []
  const categoryId: string[] = []
  for (let c = 0; c < nCategories; c++) {
    const code = `${TOP[c % TOP.length]}.${SUB[(c * 7) % SUB.length]}${c % 3 === 0 ? `.${LEAF[(c * 5) % LEAF.length]}` : ''}`
    categoryCode.push(c % 3 === 1 ? '' : code)
    categoryId.push(String(2_053_013_552_000_000_000 + c * 7_919_397))
  }
  const brands = Array.from({length: Math.max(20, Math.round(P / 40))}, () => word(rng, 2 + rng.int(2)))
  const productCategory = new Int32Array(P)
  const productBrand = new Int32Array(P)
  const price = new Float64Array(P)
  for (let p = 0; p < P; p++) {
    productCategory[p] = rng.int(nCategories)
    // Brands cluster by category: a category's products mostly share a few brands.
    productBrand[p] = rng.next() < 0.15 ? -1 : (productCategory[p] * 13 + rng.int(8)) % brands.length
    price[p] = Math.round(Math.exp(2 + rng.next() * 5) * 100) / 100
  }
  // Products of each category, most popular first (popularity ~ 1/rank within the category).
  const byCategory: number[][] = Array.from({length: nCategories}, () => [])
  for (let p = 0; p < P; p++) byCategory[productCategory[p]].push(p)
  const pick = (c: number): number => {
    const list = byCategory[c]
    if (list.length === 0) return rng.int(P)
    const r = Math.floor(Math.pow(list.length + 1, rng.next())) - 1
    return list[Math.min(list.length - 1, r)]
  }
  const startSec = Math.floor(Date.UTC(2019, 9, 1) / 1000)
  const spanSec = 31 * 86_400
  const rowSec = new Int32Array(N)
  const rowUser = new Int32Array(N)
  const rowProduct = new Int32Array(N)
  const rowEvent = new Uint8Array(N)
  const rowSession = new Int32Array(N)
  let w = 0
  let session = 0
  const preferred = new Int32Array(3)
  // Visits per user: most come once, a few many times (a geometric count, as in the real log where
  // most users are seen in one session).
  const visits = new Int32Array(U)
  for (let u = 0; u < U; u++) visits[u] = 1 + Math.floor(-Math.log(1 - rng.next()) * 1.6)
  let pass = 0
  for (let u = 0; w < N; u++) {
    if (u === U) {
      u = 0
      pass++
    }
    if (visits[u] <= pass && pass < 1000) continue
    // Each pass over the users gives each one more session: a few sessions per user on average.
    for (let k = 0; k < 3; k++) preferred[k] = Math.abs((Math.imul(u + 1, 2_654_435_761) >>> (k * 5)) % nCategories)
    const day = rng.int(31)
    let t = day * 86_400 + rng.int(86_400 - 3600)
    const c = preferred[rng.next() < 0.7 ? 0 : 1 + rng.int(2)]
    const views = 1 + Math.floor(-Math.log(1 - rng.next()) * 4)
    session++
    /** One row of this session: event 0 view, 1 cart, 2 purchase. */
    const put = (p: number, event: number): void => {
      rowSec[w] = Math.min(spanSec - 1, t)
      rowUser[w] = u
      rowProduct[w] = p
      rowEvent[w] = event
      rowSession[w] = session
      w++
    }
    for (let v = 0; v < views && w < N; v++) {
      const p = pick(c)
      put(p, 0)
      t += 5 + rng.int(120)
      if (w < N && rng.next() < 0.05) {
        put(p, 1)
        t += 10 + rng.int(300)
        if (w < N && rng.next() < 0.4) {
          put(p, 2)
          t += 10
        }
      }
    }
  }
  const order = new Float64Array(N)
  for (let i = 0; i < N; i++) order[i] = rowSec[i] * 134_217_728 + i
  order.sort()
  const events = ['view', 'cart', 'purchase']
  const clock = secondsClock(startSec)
  const out = new LineBuffer(write, `${REES46_HEADER.join(',')}\n`)
  const users = new Uint8Array(U)
  let seenUsers = 0
  for (let o = 0; o < N; o++) {
    const i = order[o] % 134_217_728
    const p = rowProduct[i]
    const c = productCategory[p]
    if (!users[rowUser[i]]) {
      users[rowUser[i]] = 1
      seenUsers++
    }
    out.push(`${clock(rowSec[i])} UTC,${events[rowEvent[i]]},${1_000_000 + p * 37},${categoryId[c]},${categoryCode[c]},${productBrand[p] === -1 ? '' : brands[productBrand[p]]},${price[p].toFixed(2)},${512_000_000 + rowUser[i]},${sessionId(rowSession[i], rowUser[i])}\n`)
  }
  out.end()
  return {
    seed: options.seed,
    rows: N,
    cleanRows: N,
    users: seenUsers,
    products: P,
    injected: {duplicates: 0, nullUserId: 0, nullProductId: 0, invalidUserId: 0, invalidProductId: 0, badTimestamp: 0, botUsers: 0, botRows: 0},
    header: REES46_HEADER,
  }
}
