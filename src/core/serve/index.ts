import {existsSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {Worker} from 'node:worker_threads'

import {canonicalProductId, type FoundProduct, mergeText, rankProduct, type RankedAnswer} from '../audience/answer.js'
import {AudienceEngine, type Ranked, type ShippedMeta} from '../audience/model.js'
import {flatHeads, type FlatLists, loadFlatLists, loadShippedModel} from '../audience/model-store.js'
import {idNormaliser, productIdsAreIntegers} from '../catalog/catalog.js'
import {RecsysError} from '../errors.js'
import {DAY_MS} from '../ingest/timestamps.js'
import type {ContentIndex, ProductText} from '../rankings/content.js'
import {readColumn} from '../store/columns.js'
import {type Db, openStore} from '../store/open.js'
import {arenaText as text, utf8Arena} from '../util/arena.js'
import {requireFreshRun} from '../store/runs.js'
import {buildIdIndex, type IdIndexData, lookupId} from '../util/id-index.js'
import {buildNameIndex, type NameIndexData, searchNames} from './search.js'

/**
 * Everything a server answers from, as typed arrays only, so it can be built on a worker thread and
 * handed to the request thread as transferred ArrayBuffers: nothing is rebuilt on the event loop,
 * and a retrain never stalls requests.
 */
export interface ServeIndexData {
  modelVersion: number
  datasetVersion: number
  featuresRunId: number
  trainedAt: string
  meta: ShippedMeta
  integerIds: boolean
  users: number
  prior: Int32Array
  priorScore: Float32Array
  engagementOrder: Int32Array
  engagement: Float64Array
  interOffsets: Int32Array
  interUsers: Int32Array
  exhausted?: Uint8Array
  lists: FlatLists
  content?: ContentIndex
  products: IdIndexData
  /** Product names, UTF-8: key k at nameBytes[nameOffsets[k] .. nameOffsets[k+1]) (empty: none). */
  nameBytes: Uint8Array
  nameOffsets: Int32Array
  /** Customer ids by user key, UTF-8. */
  userBytes: Uint8Array
  userOffsets: Int32Array
  interactions: Int32Array
  distinct: Int32Array
  /** Last activity as whole UTC days since 1970. */
  lastDay: Int32Array
  /** Type-ahead over product names, and each product's distinct users (the order of its results). */
  names: NameIndexData
  /** Name, category and brand per product (what search matches), when any product has more than a name. */
  searchBytes?: Uint8Array
  searchOffsets?: Int32Array
  popularity: Int32Array
  /** Catalog products added after train (ranked live by their attributes), as JSON [[id, name, category, brand], …]. */
  lateCatalog: string
}


/** Each product's name with its catalog category and brand, or the names themselves when the catalog adds nothing. */
function searchText(db: Db, names: Array<string | null>): Array<string | null> {
  const extra = db.prepare("SELECT p.product_key, coalesce(c.category, ''), coalesce(c.brand, '') FROM catalog c JOIN products p ON p.product_id = c.product_id WHERE coalesce(c.category, '') <> '' OR coalesce(c.brand, '') <> ''").raw().all() as Array<[number, string, string]>
  if (extra.length === 0) return names
  const out = names.slice()
  for (const [p, category, brand] of extra) out[p] = [names[p], category.replace(/[._/]+/g, ' '), brand].filter(Boolean).join(' ')
  return out
}

/** Reads a trained store into a ServeIndexData (on whichever thread calls it). */
export function buildServeIndexData(dbPath: string): ServeIndexData {
  const db = openStore(dbPath, {readonly: true})
  try {
    const train = requireFreshRun<{meta: ShippedMeta}>(db, 'train')
    const meta = train.summary.meta
    if (!meta) throw new RecsysError('STALE_STAGE', 'the trained model in this store was made by an older recsys', 'Run `recsys train` again.')
    const parts = loadShippedModel(db, meta)
    const productIds = db.prepare('SELECT product_id FROM products ORDER BY product_key').pluck().all() as string[]
    const names = db.prepare('SELECT name FROM products ORDER BY product_key').pluck().all() as Array<string | null>
    const userCount = db.prepare('SELECT count(*) FROM users').pluck().get() as number
    const users = utf8Arena(db.prepare('SELECT user_id FROM users ORDER BY user_key').pluck().iterate() as IterableIterator<string>, userCount)
    const nameArena = utf8Arena(names, names.length)
    const searchable = searchText(db, names)
    const popularity = new Int32Array(names.length)
    for (let p = 0; p < Math.min(names.length, parts.interactors.nRows); p++) popularity[p] = parts.interactors.offsets[p + 1] - parts.interactors.offsets[p]
    const lastDay = readColumn<Int32Array>(db, 'features.last_day') ?? new Int32Array(userCount)
    const late = db
      .prepare('SELECT c.product_id, c.name, c.category, c.brand FROM catalog c WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.product_id = c.product_id)')
      .raw()
      .all()
    return {
      modelVersion: train.runId,
      datasetVersion: train.datasetVersion ?? 0,
      featuresRunId: train.inputs.features ?? 0,
      trainedAt: train.finishedAt,
      meta,
      integerIds: productIdsAreIntegers(db),
      users: userCount,
      prior: parts.prior,
      priorScore: parts.priorScore,
      engagementOrder: parts.engagementOrder,
      engagement: parts.engagement,
      interOffsets: parts.interactors.offsets,
      interUsers: parts.interactors.cols,
      exhausted: parts.exhausted,
      lists: loadFlatLists(db, meta.nProducts),
      content: parts.content,
      products: buildIdIndex(productIds),
      nameBytes: nameArena.bytes,
      nameOffsets: nameArena.offsets,
      userBytes: users.bytes,
      userOffsets: users.offsets,
      interactions: readColumn<Int32Array>(db, 'features.interactions') ?? new Int32Array(userCount),
      distinct: readColumn<Int32Array>(db, 'features.distinct_products') ?? new Int32Array(userCount),
      lastDay,
      lateCatalog: JSON.stringify(late),
      // Searchable by name, category and brand words (the catalog's, where it has them).
      names: buildNameIndex(searchable, popularity),
      ...(searchable === names ? {} : (({bytes, offsets}) => ({searchBytes: bytes, searchOffsets: offsets}))(utf8Arena(searchable, searchable.length))),
      popularity,
    }
  } finally {
    db.close()
  }
}

/** The ArrayBuffers of an index, to transfer rather than copy between threads. */
export function transferList(d: ServeIndexData): ArrayBuffer[] {
  const arrays: Array<ArrayBufferView | undefined> = [
    d.prior,
    d.priorScore,
    d.engagementOrder,
    d.engagement,
    d.interOffsets,
    d.interUsers,
    d.exhausted,
    d.lists.headOffsets,
    d.lists.headUsers,
    d.lists.headScores,
    d.lists.cappedOffsets,
    d.lists.cappedUsers,
    d.lists.cappedScores,
    d.lists.cappedOrigins,
    d.content?.idf,
    d.content?.offsets,
    d.content?.users,
    d.content?.affinity,
    d.products.units,
    d.products.offsets,
    d.products.slots,
    d.nameBytes,
    d.nameOffsets,
    d.searchBytes,
    d.searchOffsets,
    d.userBytes,
    d.userOffsets,
    d.interactions,
    d.distinct,
    d.lastDay,
    d.names.units,
    d.names.wordOffsets,
    d.names.postOffsets,
    d.names.products,
    d.popularity,
  ]
  const seen = new Set<ArrayBuffer>()
  for (const a of arrays) if (a && a.buffer instanceof ArrayBuffer && a.byteLength > 0) seen.add(a.buffer)
  return [...seen]
}

const WORKER_URL = new URL('./index-worker.js', import.meta.url)

/**
 * Builds the index off the request thread: on a worker thread when the compiled worker is there
 * (the CLI), else in this thread (tests run the TypeScript sources).
 */
export function loadServeIndexData(dbPath: string): Promise<ServeIndexData> {
  const file = fileURLToPath(WORKER_URL)
  if (!existsSync(file)) return Promise.resolve().then(() => buildServeIndexData(dbPath))
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, {workerData: {dbPath}})
    worker.once('message', (m: {ok: true; data: ServeIndexData} | {ok: false; error: {code: string; message: string; hint: string}}) => {
      void worker.terminate()
      if (m.ok) resolve(m.data)
      else reject(m.error.code ? new RecsysError(m.error.code as never, m.error.message, m.error.hint) : new Error(m.error.message))
    })
    worker.once('error', reject)
  })
}

/** Decodes a UTF-8 slice of an arena. */

/** A ready index on the request thread: ranks, and spells out members. */
export class ServeIndex {
  readonly engine: AudienceEngine
  readonly meta: ShippedMeta
  private readonly normalise: (raw: string) => string | null | undefined
  private readonly late: Map<string, ProductText>
  private readonly dayText = new Map<number, string>()
  private readonly scratch: Ranked = {kind: 'history', count: 0, users: new Int32Array(1024), scores: new Float64Array(1024), origins: new Uint8Array(1024)}

  constructor(readonly data: ServeIndexData) {
    this.meta = data.meta
    this.engine = new AudienceEngine({
      meta: data.meta,
      prior: data.prior,
      priorScore: data.priorScore,
      engagementOrder: data.engagementOrder,
      engagement: data.engagement,
      interactors: {nRows: data.interOffsets.length - 1, offsets: data.interOffsets, cols: data.interUsers},
      exhausted: data.exhausted,
      heads: flatHeads(data.lists),
      content: data.content,
      nUsers: data.engagement.length,
    })
    this.normalise = idNormaliser(data.integerIds)
    this.late = new Map((JSON.parse(data.lateCatalog) as Array<[string, string | null, string | null, string | null]>).map(([id, name, category, brand]) => [id, {name, category, brand}]))
  }

  get products(): number {
    return this.data.products.offsets.length - 1
  }

  /** Products whose audience starts from a stored per-product list (the rest follow the prior order). */
  get storedLists(): number {
    if (this.listCount === undefined) {
      const {headOffsets, cappedOffsets} = this.data.lists
      let n = 0
      for (let p = 0; p + 1 < headOffsets.length; p++) if (headOffsets[p + 1] > headOffsets[p] || (cappedOffsets && cappedOffsets[p + 1] > cappedOffsets[p])) n++
      this.listCount = n
    }
    return this.listCount
  }

  private listCount?: number

  /** The audience of a product id (and, for an unknown one, its attributes). */
  rank(rawId: string, n: number, attributes?: ProductText, skip?: (u: number) => boolean): RankedAnswer {
    const id = canonicalProductId(rawId, this.normalise)
    const key = lookupId(this.data.products, id)
    const product: FoundProduct | undefined = key === -1 ? undefined : {key, name: this.productName(key)}
    const described = product ? undefined : mergeText(this.late.get(id), attributes)
    // One request at a time per thread: the ranking buffers are reused, not allocated per request.
    return rankProduct(this.engine, id, product, described, n, skip, this.scratch)
  }

  productName(key: number): string | null {
    const d = this.data
    return d.nameOffsets[key + 1] > d.nameOffsets[key] ? text(d.nameBytes, d.nameOffsets, key) : null
  }

  productId(key: number): string {
    const d = this.data.products
    return String.fromCharCode(...d.units.subarray(d.offsets[key], d.offsets[key + 1]))
  }

  /** Products whose name matches a type-ahead query: id and name, most popular first. */
  search(query: string, limit: number): Array<{product_id: string; name: string | null}> {
    const d = this.data
    // A product id typed in whole comes first; then products whose words start with the query's.
    const exact = lookupId(d.products, query.trim())
    const found = searchNames(d.names, query, (p) => this.searchableText(p), d.popularity, limit).filter((p) => p !== exact)
    const keys = exact >= 0 ? [exact, ...found].slice(0, limit) : found
    return keys.map((p) => ({product_id: this.productId(p), name: this.productName(p)}))
  }

  /** The words a product is found by: its name, category and brand. */
  private searchableText(p: number): string {
    return this.data.searchBytes ? text(this.data.searchBytes, this.data.searchOffsets!, p) : (this.productName(p) ?? '')
  }

  customerId(u: number): string {
    return text(this.data.userBytes, this.data.userOffsets, u)
  }

  lastSeen(u: number): string {
    const day = this.data.lastDay[u]
    let t = this.dayText.get(day)
    if (t === undefined) {
      t = new Date(day * DAY_MS).toISOString().slice(0, 10)
      this.dayText.set(day, t)
    }
    return t
  }
}
