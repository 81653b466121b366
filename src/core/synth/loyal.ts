import {RecsysError} from '../errors.js'
import {csvField} from '../util/csv.js'
import {createRng} from '../util/rng.js'
import {GENERATED_HEADER, type GenerateSummary} from './generate.js'
import {LineBuffer} from './lines.js'
import {productName} from './names.js'
import {REFERENCE} from './targets.js'

export interface LoyalOptions {
  rows: number
  seed: number
  /** Taste groups: users of a group mostly interact with that group's products. */
  groups?: number
  productsPerGroup?: number
  eventsPerUser?: number
  /** Share of a user's events inside their group (the rest are anywhere). */
  affinity?: number
}

/**
 * A shop with loyal repeat customers and planted structure: users belong to taste groups and keep
 * coming back over the whole period, mostly to their group's products. Collaborative filtering
 * should work here; it is the counterpart of the reference (churn) profile. No dirt is injected.
 */
export function generateLoyalCsv(options: LoyalOptions, write: (chunk: string) => void): GenerateSummary {
  const N = Math.floor(options.rows)
  if (!Number.isFinite(N) || N < 100) throw new RecsysError('USAGE', `--rows must be at least 100 (got ${options.rows})`, 'Pass --rows 100 or more.')
  const rng = createRng(options.seed)
  const groups = options.groups ?? 20
  const perGroup = options.productsPerGroup ?? 40
  const perUser = options.eventsPerUser ?? 20
  const affinity = options.affinity ?? 0.9
  const U = Math.max(groups, Math.round(N / perUser))
  const P = groups * perGroup
  const names = Array.from({length: P}, () => productName(rng))
  const spanSec = Math.floor((REFERENCE.endMs - REFERENCE.startMs) / 1000)
  const startSec = Math.floor(REFERENCE.startMs / 1000)
  const rowSec = new Int32Array(N)
  const rowUser = new Int32Array(N)
  const rowProduct = new Int32Array(N)
  const rowEvent = new Uint8Array(N)
  for (let i = 0; i < N; i++) {
    const u = i % U
    const g = u % groups
    rowUser[i] = u
    rowProduct[i] = rng.next() < affinity ? g * perGroup + rng.int(perGroup) : rng.int(P)
    rowEvent[i] = rng.next() < 0.6 ? 0 : rng.next() < 0.85 ? 1 : 2
    rowSec[i] = rng.int(spanSec)
  }
  const order = new Float64Array(N)
  for (let i = 0; i < N; i++) order[i] = rowSec[i] * 536_870_912 + i
  order.sort()
  const events = ['cart', 'purchased', 'wishlist']
  const out = new LineBuffer(write, `${GENERATED_HEADER.join(',')}\n`)
  for (let o = 0; o < N; o++) {
    const i = order[o] % 536_870_912
    const time = new Date((startSec + rowSec[i]) * 1000).toISOString().replace('T', ' ').replace('.000Z', '+00:00')
    const name = names[rowProduct[i]]
    out.push(`${20_000_000 + rowUser[i]},${500_000 + rowProduct[i]},${csvField(name)},${events[rowEvent[i]]},${time}\n`)
  }
  out.end()
  return {
    seed: options.seed,
    rows: N,
    cleanRows: N,
    users: U,
    products: P,
    injected: {duplicates: 0, nullUserId: 0, nullProductId: 0, invalidUserId: 0, invalidProductId: 0, badTimestamp: 0, botUsers: 0, botRows: 0},
    header: GENERATED_HEADER,
  }
}
