import {RecsysError} from '../errors.js'
import {isoDate} from '../ingest/timestamps.js'
import {readColumn} from '../store/columns.js'
import type {Db} from '../store/open.js'
import {type RunRecord, requireFreshRun} from '../store/runs.js'

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

interface AudienceRow {
  size: number
  user_keys: Buffer
  scores: Buffer
}

function int32s(buf: Buffer): Int32Array {
  const out = new Int32Array(buf.length / 4)
  new Uint8Array(out.buffer).set(buf)
  return out
}

function float64s(buf: Buffer): Float64Array {
  const out = new Float64Array(buf.length / 8)
  new Uint8Array(out.buffer).set(buf)
  return out
}

/**
 * Reads audiences from a trained store. Precomputed audiences are one primary-key read; a larger
 * n (or a product left out by --quick) is ranked on demand from the features, still excluding
 * users who interacted with the product; an unknown product gets the cold-start audience.
 */
export class AudienceLookup {
  readonly train: RunRecord<{params: {topN: number}}>
  private readonly productStmt
  private readonly audienceStmt
  private readonly memberStmt
  private ranked?: Int32Array
  private engagement?: Float64Array
  private interactionColumns?: {user: Int32Array; product: Int32Array}

  constructor(private readonly db: Db) {
    this.train = requireFreshRun(db, 'train')
    this.productStmt = db.prepare('SELECT product_key AS key, name FROM products WHERE product_id = ?')
    this.audienceStmt = db.prepare('SELECT size, user_keys, scores FROM audiences WHERE product_key = ?')
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
    const product = this.productStmt.get(id) as {key: number; name: string | null} | undefined
    let userKeys: number[]
    let scores: number[]
    let onDemand = false
    let note: string | null = null
    if (!product) {
      ;({userKeys, scores} = this.extend([], [], n, -1))
      onDemand = n > this.topN
      note = `product ${id} is not in the data: showing the cold-start audience (most engaged users overall)`
    } else {
      const row = this.audienceStmt.get(product.key) as AudienceRow | undefined
      const pre = row ? Array.from(int32s(row.user_keys)) : []
      const preScores = row ? Array.from(float64s(row.scores)) : []
      const complete = row !== undefined && (row.size >= n || row.size < this.topN)
      if (complete) {
        userKeys = pre.slice(0, n)
        scores = preScores.slice(0, n)
      } else {
        ;({userKeys, scores} = this.extend(pre, preScores, n, product.key))
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

  /** Continues a ranked list from the features order, skipping users already in it and interactors. */
  private extend(keys: number[], scores: number[], n: number, productKey: number): {userKeys: number[]; scores: number[]} {
    this.ranked ??= readColumn<Int32Array>(this.db, 'features.ranked_users')
    this.engagement ??= readColumn<Float64Array>(this.db, 'features.engagement')
    if (!this.ranked || !this.engagement) throw new RecsysError('MISSING_STAGE', 'the features in this store are incomplete', 'Run `recsys features` and `recsys train` again.')
    const skip = new Set<number>(keys)
    if (productKey >= 0) {
      this.interactionColumns ??= {
        user: readColumn<Int32Array>(this.db, 'interactions.user_key')!,
        product: readColumn<Int32Array>(this.db, 'interactions.product_key')!,
      }
      const {user, product} = this.interactionColumns
      for (let i = 0; i < product.length; i++) if (product[i] === productKey) skip.add(user[i])
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
    const row = this.memberStmt.get(userKey) as {id: string; interactions: number; distinct_products: number; last_ts_ms: number}
    return {rank, customerId: row.id, score, interactions: row.interactions, distinctProducts: row.distinct_products, lastSeen: isoDate(row.last_ts_ms)}
  }

  /** A few product ids to offer a person at the prompt: the most interacted-with ones. */
  sampleProductIds(count: number): string[] {
    return this.db
      .prepare('SELECT p.product_id FROM audiences a JOIN products p ON p.product_key = a.product_key ORDER BY a.product_key LIMIT ?')
      .pluck()
      .all(count) as string[]
  }
}
