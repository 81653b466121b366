import {RecsysError} from '../errors.js'
import {isoDate} from '../ingest/timestamps.js'
import {buildCsr, type Csr} from '../matrix/csr.js'
import {fromBlob, readColumn} from '../store/columns.js'
import type {Db} from '../store/open.js'
import {type RunRecord, requireFreshRun} from '../store/runs.js'
import {loadStoredAudiences, type StoredAudiences} from './stored.js'

export interface AudienceMember {
  rank: number
  customerId: string
  score: number
  interactions: number
  distinctProducts: number
  lastSeen: string
}

export interface AudienceResult {
  productId: string
  productName: string | null
  known: boolean
  coldStart: boolean
  /** True when some of the audience was ranked now (n above what train precomputed). */
  onDemand: boolean
  note: string | null
  n: number
  members: AudienceMember[]
  modelVersion: number
  trainedAt: string
}

/**
 * Reads audiences from a trained store. Precomputed audiences are one primary-key read; a larger
 * n (or a product left out by --quick) is ranked on demand from the features, still excluding
 * users who interacted with the product; an unknown product gets the cold-start audience.
 */
export class AudienceLookup {
  readonly train: RunRecord<{params: {topN: number}}>
  private readonly productStmt
  private readonly memberStmt
  private ranked?: Int32Array
  private engagement?: Float64Array
  /** Product → users who interacted, built on the first on-demand lookup. */
  private interactors?: Csr
  /** Marketer columns per user, read once (users recur across audiences). */
  private readonly members = new Map<number, Omit<AudienceMember, 'rank' | 'score'>>()
  /** With `preload`: every audience in memory, so a lookup reads no SQLite at all. */
  private preloaded?: StoredAudiences

  constructor(
    private readonly db: Db,
    options: {preload?: boolean} = {},
  ) {
    this.train = requireFreshRun(db, 'train')
    // One indexed read per product: its key and name, and its audience when train stored one.
    this.productStmt = db.prepare(
      'SELECT p.product_key AS key, p.name AS name, a.size AS size, a.user_keys AS user_keys, a.scores AS scores FROM products p LEFT JOIN audiences a ON a.product_key = p.product_key WHERE p.product_id = ?',
    )
    if (options.preload) this.preloaded = loadStoredAudiences(db)
    this.memberStmt = db.prepare(
      'SELECT u.user_id AS id, f.interactions AS interactions, f.distinct_products AS distinct_products, f.last_ts_ms AS last_ts_ms FROM users u JOIN user_features f ON f.user_key = u.user_key WHERE u.user_key = ?',
    )
  }

  get topN(): number {
    return (this.train.params as {topN: number}).topN
  }

  lookup(productId: string, n: number): AudienceResult {
    if (!Number.isInteger(n) || n < 1) throw new RecsysError('USAGE', `-n must be a positive integer (got ${n})`, 'Pass e.g. -n 10.')
    const id = productId.trim()
    const product = this.stored(id)
    let userKeys: number[]
    let scores: number[]
    let onDemand = false
    let note: string | null = null
    if (!product) {
      ;({userKeys, scores} = this.extend([], [], n, -1))
      onDemand = n > this.topN
      note = `product ${id} is not in the data: showing the cold-start audience (most engaged users overall)`
    } else {
      const size = product.users?.length ?? 0
      // A stored audience is complete for n when it holds n users, or holds every eligible user.
      if (product.users && product.scores && (size >= n || size < this.topN)) {
        userKeys = Array.from(product.users.subarray(0, n))
        scores = Array.from(product.scores.subarray(0, n))
      } else {
        ;({userKeys, scores} = this.extend(Array.from(product.users ?? []), Array.from(product.scores ?? []), n, product.key))
        onDemand = true
      }
      if (userKeys.length < n) note = `only ${userKeys.length} users have not interacted with product ${id} yet`
    }
    return {
      productId: id,
      productName: product?.name ?? null,
      known: product !== undefined,
      coldStart: product === undefined,
      onDemand,
      note,
      n,
      members: userKeys.map((u, i) => this.member(u, i + 1, scores[i])),
      modelVersion: this.train.runId,
      trainedAt: this.train.finishedAt,
    }
  }

  /** The product and its stored audience (absent for products train left out), from memory or SQLite. */
  private stored(id: string): {key: number; name: string | null; users?: Int32Array; scores?: Float64Array} | undefined {
    const m = this.preloaded
    if (m) {
      const i = m.index.get(id)
      if (i === undefined) return undefined
      if (!m.has[i]) return {key: m.keys[i], name: m.names[i]}
      return {key: m.keys[i], name: m.names[i], users: m.users.subarray(m.offsets[i], m.offsets[i + 1]), scores: m.scores.subarray(m.offsets[i], m.offsets[i + 1])}
    }
    const row = this.productStmt.get(id) as {key: number; name: string | null; user_keys: Buffer | null; scores: Buffer | null} | undefined
    if (!row) return undefined
    if (!row.user_keys || !row.scores) return {key: row.key, name: row.name}
    return {key: row.key, name: row.name, users: fromBlob(row.user_keys, Int32Array), scores: fromBlob(row.scores, Float64Array)}
  }

  /** Continues a ranked list from the features order, skipping users already in it and interactors. */
  private extend(keys: number[], scores: number[], n: number, productKey: number): {userKeys: number[]; scores: number[]} {
    this.ranked ??= readColumn<Int32Array>(this.db, 'features.ranked_users')
    this.engagement ??= readColumn<Float64Array>(this.db, 'features.engagement')
    if (!this.ranked || !this.engagement) throw new RecsysError('MISSING_STAGE', 'the features in this store are incomplete', 'Run `recsys features` and `recsys train` again.')
    const skip = new Set<number>(keys)
    if (productKey >= 0) {
      if (!this.interactors) {
        const user = readColumn<Int32Array>(this.db, 'interactions.user_key')
        const product = readColumn<Int32Array>(this.db, 'interactions.product_key')
        if (!user || !product) throw new RecsysError('MISSING_STAGE', 'the prepared dataset in this store is incomplete', 'Run `recsys prepare FILE` again.')
        const nProducts = this.db.prepare('SELECT count(*) FROM products').pluck().get() as number
        this.interactors = buildCsr(product, user, nProducts)
      }
      const {offsets, cols} = this.interactors
      for (let j = offsets[productKey]; j < offsets[productKey + 1]; j++) skip.add(cols[j])
    }
    const outKeys = keys.slice(0, n)
    const outScores = scores.slice(0, n)
    for (let i = 0; i < this.ranked.length && outKeys.length < n; i++) {
      const u = this.ranked[i]
      if (skip.has(u)) continue
      outKeys.push(u)
      outScores.push(this.engagement[u])
    }
    return {userKeys: outKeys, scores: outScores}
  }

  private member(userKey: number, rank: number, score: number): AudienceMember {
    let m = this.members.get(userKey)
    if (!m) {
      const row = this.memberStmt.get(userKey) as {id: string; interactions: number; distinct_products: number; last_ts_ms: number}
      m = {customerId: row.id, interactions: row.interactions, distinctProducts: row.distinct_products, lastSeen: isoDate(row.last_ts_ms)}
      this.members.set(userKey, m)
    }
    return {rank, customerId: m.customerId, score, interactions: m.interactions, distinctProducts: m.distinctProducts, lastSeen: m.lastSeen}
  }

  /** A few product ids to offer a person at the prompt: the most interacted-with ones. */
  sampleProductIds(count: number): string[] {
    return this.db
      .prepare('SELECT p.product_id FROM audiences a JOIN products p ON p.product_key = a.product_key ORDER BY a.product_key LIMIT ?')
      .pluck()
      .all(count) as string[]
  }
}
