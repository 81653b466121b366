import {productIdNormaliser} from '../catalog/catalog.js'
import {RecsysError} from '../errors.js'
import {DAY_MS, isoDate} from '../ingest/timestamps.js'
import type {ProductText} from '../rankings/content.js'
import {ColumnCache, hasColumn, readColumn} from '../store/columns.js'
import {arenaText, utf8Arena} from '../util/arena.js'
import type {Db} from '../store/open.js'
import {type RunRecord, requireFreshRun} from '../store/runs.js'
import {PER_PRODUCT} from '../rankings/contract.js'
import {AudienceEngine, type AudienceKind, type Ranked, type ShippedMeta} from './model.js'
import {loadShippedModel} from './model-store.js'

/** The largest n a lookup may ask for unless raised (--max-n, ?n= up to it). */
const MEMBER_COLUMNS = ['features.interactions', 'features.distinct_products', 'features.last_day']

export const DEFAULT_LOOKUP_MAX_N = 100

/** One member of an audience, as every output shows it (JSON keys are the API's, snake_case). */
export interface AudienceMember {
  /** Null for a member of a random control arm (drawn from outside the audience, not ranked). */
  rank: number | null
  customer_id: string
  score: number | null
  interactions: number
  distinct_products: number
  last_seen: string
  reason: string
  /** In a campaign export: treatment or control. */
  group?: 'treatment' | 'control'
}

/** The one audience answer: the CLI (table, CSV, JSON), batch exports and the HTTP API render it. */
export interface AudienceAnswer {
  product_id: string
  product_name: string | null
  /** The product has interactions in the data. */
  known: boolean
  /** No interactions yet, but described (catalog, or attributes given): ranked by content. */
  new_product: boolean
  /** Unknown and undescribed: the cold-start audience (most engaged users). */
  cold_start: boolean
  /** What ranked this audience. */
  ranking: string
  note: string | null
  n: number
  count: number
  recommendations: AudienceMember[]
  model_version: number
  trained_at: string
  dataset_version: number
}

/** An answer before its members are spelled out: typed arrays, no object per member. */
export interface RankedAnswer {
  productId: string
  productName: string | null
  kind: AudienceKind
  ranking: string
  note: string | null
  n: number
  ranked: Ranked
}

export interface AnswerOptions {
  /** Attributes of a product the data does not know (name, category, brand). */
  attributes?: ProductText
  /** Users to leave out (a do-not-target list); the next best take their places. */
  skip?: (u: number) => boolean
}

interface TrainSummary {
  meta: ShippedMeta
}

/** Formats a score as every output writes it: at most six decimals, no trailing zeros. */
export function scoreText(score: number): string {
  return String(Number(score.toFixed(6)))
}

/**
 * Answers audience questions from a trained store: product id (or attributes) + n → ranked users,
 * note, flags, ranking and model version. One primary-key read per product, or every list in
 * memory with `preload` (servers, batch exports).
 */
export class AudienceService {
  readonly train: RunRecord<TrainSummary>
  readonly meta: ShippedMeta
  readonly engine: AudienceEngine
  readonly datasetVersion: number
  private readonly normalise: (raw: string) => string | null | undefined
  private readonly productStmt
  private readonly catalogStmt
  private readonly userStmt
  private features?: {interactions: Int32Array; distinct: Int32Array; lastDay: Int32Array}
  private ids?: {bytes: Uint8Array; offsets: Int32Array}
  private columnCache?: ColumnCache

  constructor(
    private readonly db: Db,
    options: {preload?: boolean} = {},
  ) {
    this.train = requireFreshRun<TrainSummary>(db, 'train')
    this.meta = this.train.summary.meta
    if (!this.meta) throw new RecsysError('STALE_STAGE', 'the trained model in this store was made by an older recsys', 'Run `recsys train` again.')
    this.datasetVersion = this.train.datasetVersion ?? 0
    this.engine = new AudienceEngine(loadShippedModel(db, this.meta, options))
    this.normalise = productIdNormaliser(db)
    this.productStmt = db.prepare('SELECT product_key AS key, name FROM products WHERE product_id = ?')
    this.catalogStmt = db.prepare('SELECT name, category, brand FROM catalog WHERE product_id = ?')
    this.userStmt = db.prepare('SELECT user_id FROM users WHERE user_key = ?').pluck()
    if (options.preload) this.loadFeatures()
  }

  get modelVersion(): number {
    return this.train.runId
  }

  get trainedAt(): string {
    return this.train.finishedAt
  }

  /** Checks n against the limit (1 … maxN). */
  static checkN(n: number, maxN: number): void {
    if (!Number.isInteger(n) || n < 1 || n > maxN) {
      throw new RecsysError('USAGE', `n must be an integer from 1 to ${maxN} (got ${n})`, n > maxN ? `Ask for at most ${maxN}, or raise the limit with --max-n ${n}.` : 'Pass e.g. -n 10.')
    }
  }

  /** Ranks the audience of one product: the typed answer, before members are spelled out. */
  rank(rawId: string, n: number, options: AnswerOptions = {}): RankedAnswer {
    const id = canonicalProductId(rawId, this.normalise)
    const product = this.productStmt.get(id) as FoundProduct | undefined
    const described = product ? undefined : (this.catalogStmt.get(id) as ProductText | undefined)
    return rankProduct(this.engine, id, product, mergeText(described, options.attributes), n, options.skip)
  }

  private loadFeatures(): void {
    const interactions = readColumn<Int32Array>(this.db, 'features.interactions')
    const distinct = readColumn<Int32Array>(this.db, 'features.distinct_products')
    const lastDay = readColumn<Int32Array>(this.db, 'features.last_day')
    if (!interactions || !distinct || !lastDay) throw new RecsysError('MISSING_STAGE', 'the features in this store are incomplete', 'Run `recsys features` and `recsys train` again.')
    this.features = {interactions, distinct, lastDay}
  }

  /**
   * Every customer id in one arena, when an export spells out members in numbers comparable to the
   * users (reading all ids costs about what 1 in 20 of them read one at a time costs).
   */
  private loadIds(members: number): void {
    if (this.ids) return
    const count = this.features?.interactions.length ?? (this.db.prepare('SELECT count(*) FROM users').pluck().get() as number)
    if (members * 20 < count) return
    this.ids = utf8Arena(this.db.prepare('SELECT user_id FROM users ORDER BY user_key').pluck().iterate() as IterableIterator<string>, count)
  }

  /** Customer id and activity of a user, for the member columns. */
  memberFacts(u: number): {customerId: string; interactions: number; distinctProducts: number; lastSeen: string} {
    const customerId = this.ids ? arenaText(this.ids.bytes, this.ids.offsets, u) : (this.userStmt.get(u) as string)
    if (this.features) {
      const f = this.features
      return {customerId, interactions: f.interactions[u], distinctProducts: f.distinct[u], lastSeen: isoDate(f.lastDay[u] * DAY_MS)}
    }
    if (!this.columnCache) {
      // Lookups read a user at a time; the columns must exist (an older recsys wrote others).
      for (const name of MEMBER_COLUMNS) if (!hasColumn(this.db, name)) throw new RecsysError('MISSING_STAGE', 'the features in this store were made by an older recsys', 'Run `recsys features` and `recsys train` again.')
      this.columnCache = new ColumnCache(this.db)
    }
    const c = this.columnCache
    return {customerId, interactions: c.at('features.interactions', u), distinctProducts: c.at('features.distinct_products', u), lastSeen: isoDate(c.at('features.last_day', u) * DAY_MS)}
  }

  /** Member i of a ranked answer, spelled out. */
  member(answer: RankedAnswer, i: number): AudienceMember {
    const r = answer.ranked
    const u = r.users[i]
    const facts = this.memberFacts(u)
    return {
      rank: i + 1,
      customer_id: facts.customerId,
      score: Number(scoreText(r.scores[i])),
      interactions: facts.interactions,
      distinct_products: facts.distinctProducts,
      last_seen: facts.lastSeen,
      reason: this.engine.reason(r.kind, r.origins[i]),
    }
  }

  /** The full answer with every member as an object (for small n; exports stream members instead). */
  answer(rawId: string, n: number, options: AnswerOptions = {}): AudienceAnswer {
    const ranked = this.rank(rawId, n, options)
    if (ranked.ranked.count > 1000) this.preloadMembers(ranked.ranked.count)
    return this.describe(ranked, Array.from({length: ranked.ranked.count}, (_, i) => this.member(ranked, i)))
  }

  /** The answer's fields around its members (the same for every output). */
  describe(ranked: RankedAnswer, recommendations: AudienceMember[]): AudienceAnswer {
    return {
      product_id: ranked.productId,
      product_name: ranked.productName,
      known: ranked.kind === 'history',
      new_product: ranked.kind === 'new',
      cold_start: ranked.kind === 'cold',
      ranking: ranked.ranking,
      note: ranked.note,
      n: ranked.n,
      count: ranked.ranked.count,
      recommendations,
      model_version: this.modelVersion,
      trained_at: this.trainedAt,
      dataset_version: this.datasetVersion,
    }
  }

  /** A product id as prepare stored it ("42.0" is "42" in an integer column). */
  canonicalId(rawId: string): string {
    return canonicalProductId(rawId, this.normalise)
  }

  /** The model's key of a product id (normalised as prepare did), if it has one. */
  productKey(rawId: string): number | undefined {
    const row = this.productStmt.get(canonicalProductId(rawId, this.normalise)) as FoundProduct | undefined
    return row?.key
  }

  /** Every user's key and customer id, in key order (one scan; for do-not-target lists). */
  *userIdRows(): IterableIterator<[number, string]> {
    yield* this.db.prepare('SELECT user_key, user_id FROM users ORDER BY user_key').raw().iterate() as IterableIterator<[number, string]>
  }

  /** A member of a random control arm: a user from outside the audience, not ranked. */
  controlMember(u: number): AudienceMember {
    const facts = this.memberFacts(u)
    return {rank: null, customer_id: facts.customerId, score: null, interactions: facts.interactions, distinct_products: facts.distinctProducts, last_seen: facts.lastSeen, reason: 'random control: drawn from users outside the audience', group: 'control'}
  }

  /** A few product ids to offer a person at the prompt. */
  sampleProductIds(count: number): string[] {
    return this.db.prepare('SELECT product_id FROM products WHERE product_key < ? ORDER BY product_key LIMIT ?').pluck().all(this.meta.nData, count) as string[]
  }

  /** Makes member lookups read every user's facts at once (`members` to spell out), and their ids when that many pays. */
  preloadMembers(members: number): void {
    this.features ?? this.loadFeatures()
    this.loadIds(members)
  }
}

/** A product the model knows: its key and name. */
export interface FoundProduct {
  key: number
  name: string | null
}

/** A lookup's product id as prepare stored it (trimmed; "42.0" is "42" in an integer column); empty is a usage error. */
export function canonicalProductId(rawId: string, normalise: (raw: string) => string | null | undefined): string {
  const trimmed = rawId.trim()
  if (trimmed === '') throw new RecsysError('USAGE', 'the product id is empty', 'Pass a product id, e.g. recsys recommend 103483.')
  const normal = normalise(trimmed)
  return typeof normal === 'string' ? normal : trimmed
}

/**
 * The one decision of what an audience is: a product with history follows the shipped ranking; a
 * product without (catalog-only, or unknown but described) follows content; an unknown,
 * undescribed one gets the cold-start audience. Notes are written here and only here.
 */
export function rankProduct(
  engine: AudienceEngine,
  id: string,
  product: FoundProduct | undefined,
  described: ProductText | undefined,
  n: number,
  skip?: (u: number) => boolean,
  into?: Ranked,
): RankedAnswer {
  const {meta} = engine
  if (product) {
    const ranked = engine.rank(product.key, n, skip, into)
    const history = product.key < meta.nData
    const notes: string[] = []
    if (!history) notes.push('new product: ranked by similarity of name/category/brand')
    if (ranked.count < n) notes.push(`only ${ranked.count} ${ranked.count === 1 ? 'user has' : 'users have'} not interacted with product ${id} yet`)
    else if (history && n > meta.depth && PER_PRODUCT.includes(meta.ranking)) notes.push(`beyond rank ${meta.depth}, users follow the ranking's prior order (train with --max-n ${n} to rank deeper per product)`)
    return {productId: id, productName: product.name, kind: ranked.kind, ranking: history ? meta.ranking : meta.newProducts, note: notes.length ? notes.join('; ') : null, n, ranked}
  }
  if (described) {
    const tokens = meta.newProducts === 'content' ? engine.tokensOf({name: described.name ?? undefined, category: described.category ?? undefined, brand: described.brand ?? undefined}) : []
    if (tokens.length > 0) {
      return {productId: id, productName: described.name ?? null, kind: 'new', ranking: 'content', note: 'new product: ranked by similarity of name/category/brand', n, ranked: engine.rankTokens(tokens, n, skip)}
    }
    return {
      productId: id,
      productName: described.name ?? null,
      kind: 'cold',
      ranking: 'engagement',
      note: `product ${id} is not in the data and its name/category/brand match nothing known: showing the cold-start audience (most engaged users overall)`,
      n,
      ranked: engine.rankCold(n, skip),
    }
  }
  return {productId: id, productName: null, kind: 'cold', ranking: 'engagement', note: `product ${id} is not in the data: showing the cold-start audience (most engaged users overall)`, n, ranked: engine.rankCold(n, skip)}
}

export function mergeText(a: ProductText | undefined, b: ProductText | undefined): ProductText | undefined {
  if (!a && !b) return undefined
  const pick = (x?: string | null, y?: string | null): string | null => (y && y.trim() ? y.trim() : x && x.trim() ? x.trim() : null)
  const merged = {name: pick(a?.name, b?.name), category: pick(a?.category, b?.category), brand: pick(a?.brand, b?.brand)}
  return merged.name || merged.category || merged.brand ? merged : undefined
}

/** The CSV columns of every audience export, CLI and HTTP alike. */
export const AUDIENCE_CSV_COLUMNS = ['product_id', 'rank', 'customer_id', 'score', 'interactions', 'distinct_products', 'last_seen', 'reason'] as const
