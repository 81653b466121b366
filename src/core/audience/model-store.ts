import {RecsysError} from '../errors.js'
import type {ContentIndex} from '../rankings/content.js'
import {ColumnCache, columnLength, deleteColumns, fromBlob, hasColumn, readColumn, readColumnRange, toBlob, writeColumn} from '../store/columns.js'
import type {Db} from '../store/open.js'
import type {HeadSource, ModelParts, ShippedMeta} from './model.js'

/** One product's stored lists, as train hands them to the store. */
export interface StoredLists {
  head?: {users: Int32Array; scores: Float32Array}
  capped?: {users: Int32Array; scores: Float32Array; origins: Uint8Array}
}

const COLUMN_PREFIX = 'model.'

function encodeStrings(values: string[]): {bytes: Uint8Array; offsets: Int32Array} {
  const parts = values.map((v) => Buffer.from(v, 'utf8'))
  const offsets = new Int32Array(values.length + 1)
  for (let i = 0; i < parts.length; i++) offsets[i + 1] = offsets[i] + parts[i].length
  const bytes = new Uint8Array(offsets[values.length])
  for (let i = 0; i < parts.length; i++) bytes.set(parts[i], offsets[i])
  return {bytes, offsets}
}

function decodeStrings(bytes: Uint8Array, offsets: Int32Array): string[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return Array.from({length: offsets.length - 1}, (_, i) => buffer.toString('utf8', offsets[i], offsets[i + 1]))
}

/**
 * Writes the shipped model (call inside train's transaction): each product's lists to `audiences`,
 * the priors, interactors, used-up users and the content index as columns. The meta goes into the
 * train run's params.
 */
export function writeShippedModel(
  db: Db,
  parts: Omit<ModelParts, 'heads' | 'engagementOrder' | 'engagement' | 'meta' | 'nUsers' | 'lookup'> & {nProducts: number; lists: (p: number) => StoredLists; priorIsEngagement: boolean},
): {rows: number; slots: number} {
  db.exec('DELETE FROM audiences')
  deleteColumns(db, COLUMN_PREFIX)
  const insert = db.prepare('INSERT INTO audiences (product_key, users, scores, capped) VALUES (?, ?, ?, ?)')
  let rows = 0
  let slots = 0
  for (let p = 0; p < parts.nProducts; p++) {
    const {head, capped} = parts.lists(p)
    if ((!head || head.users.length === 0) && !capped) continue
    const h = head ?? {users: new Int32Array(0), scores: new Float32Array(0)}
    let cappedBlob: Buffer | null = null
    if (capped) {
      const n = capped.users.length
      cappedBlob = Buffer.concat([toBlob(capped.users), toBlob(capped.scores), Buffer.from(capped.origins.buffer, capped.origins.byteOffset, n)])
      slots += n
    }
    insert.run(p, toBlob(h.users), toBlob(h.scores), cappedBlob)
    slots += h.users.length
    rows++
  }
  // Engagement's prior is the features stage's own order and scores: not stored twice.
  if (!parts.priorIsEngagement) {
    writeColumn(db, 'model.prior', parts.prior)
    writeColumn(db, 'model.prior_score', parts.priorScore)
  }
  writeColumn(db, 'model.interactors.offsets', parts.interactors.offsets)
  writeColumn(db, 'model.interactors.users', parts.interactors.cols)
  if (parts.exhausted) writeColumn(db, 'model.exhausted', parts.exhausted)
  if (parts.content) {
    const vocab = encodeStrings(parts.content.vocabulary)
    writeColumn(db, 'model.content.vocab_bytes', vocab.bytes)
    writeColumn(db, 'model.content.vocab_offsets', vocab.offsets)
    writeColumn(db, 'model.content.idf', parts.content.idf)
    writeColumn(db, 'model.content.offsets', parts.content.offsets)
    writeColumn(db, 'model.content.users', parts.content.users)
    writeColumn(db, 'model.content.affinity', parts.content.affinity)
  }
  return {rows, slots}
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new RecsysError('MISSING_STAGE', `the trained model in this store is incomplete (${what} is missing)`, 'Run `recsys train` again.')
  return value
}

function decodeCapped(blob: Buffer): {users: Int32Array; scores: Float32Array; origins: Uint8Array} {
  const n = blob.length / 9
  return {users: fromBlob(blob.subarray(0, n * 4), Int32Array), scores: fromBlob(blob.subarray(n * 4, n * 8), Float32Array), origins: Uint8Array.from(blob.subarray(n * 8, n * 9))}
}

/** Every product's lists as flat arrays: product p's head is users/scores[headOffsets[p] .. headOffsets[p+1]). */
export interface FlatLists {
  headOffsets: Int32Array
  headUsers: Int32Array
  headScores: Float32Array
  cappedOffsets?: Int32Array
  cappedUsers?: Int32Array
  cappedScores?: Float32Array
  cappedOrigins?: Uint8Array
}

/** Reads every product's lists in one scan of `audiences` (a server, a batch export). */
export function loadFlatLists(db: Db, nProducts: number): FlatLists {
  const rows = db.prepare('SELECT product_key, users, scores, capped FROM audiences ORDER BY product_key').raw().all() as Array<[number, Buffer, Buffer, Buffer | null]>
  let heads = 0
  let capped = 0
  for (const [, users, , c] of rows) {
    heads += users.length / 4
    if (c) capped += c.length / 9
  }
  const out: FlatLists = {headOffsets: new Int32Array(nProducts + 1), headUsers: new Int32Array(heads), headScores: new Float32Array(heads)}
  if (capped > 0) {
    out.cappedOffsets = new Int32Array(nProducts + 1)
    out.cappedUsers = new Int32Array(capped)
    out.cappedScores = new Float32Array(capped)
    out.cappedOrigins = new Uint8Array(capped)
  }
  const hu = new Uint8Array(out.headUsers.buffer)
  const hs = new Uint8Array(out.headScores.buffer)
  let h = 0
  let c = 0
  let next = 0
  for (const [p, users, scores, cap] of rows) {
    if (p >= nProducts) continue
    while (next < p) {
      out.headOffsets[next + 1] = h
      if (out.cappedOffsets) out.cappedOffsets[next + 1] = c
      next++
    }
    hu.set(users, h * 4)
    hs.set(scores, h * 4)
    h += users.length / 4
    if (cap && out.cappedOffsets) {
      const decoded = decodeCapped(cap)
      out.cappedUsers!.set(decoded.users, c)
      out.cappedScores!.set(decoded.scores, c)
      out.cappedOrigins!.set(decoded.origins, c)
      c += decoded.users.length
    }
    out.headOffsets[p + 1] = h
    if (out.cappedOffsets) out.cappedOffsets[p + 1] = c
    next = p + 1
  }
  while (next < nProducts) {
    out.headOffsets[next + 1] = h
    if (out.cappedOffsets) out.cappedOffsets[next + 1] = c
    next++
  }
  return out
}

/** Heads answered from flat arrays (no SQLite per lookup). */
export function flatHeads(lists: FlatLists): HeadSource {
  const {headOffsets, headUsers, headScores, cappedOffsets, cappedUsers, cappedScores, cappedOrigins} = lists
  return {
    head(p) {
      if (p < 0 || p >= headOffsets.length - 1) return undefined
      const a = headOffsets[p]
      const b = headOffsets[p + 1]
      return b > a ? {users: headUsers.subarray(a, b), scores: headScores.subarray(a, b)} : undefined
    },
    capped(p) {
      if (!cappedOffsets || p < 0 || p >= cappedOffsets.length - 1) return undefined
      const a = cappedOffsets[p]
      const b = cappedOffsets[p + 1]
      return b > a ? {users: cappedUsers!.subarray(a, b), scores: cappedScores!.subarray(a, b), origins: cappedOrigins!.subarray(a, b)} : undefined
    },
  }
}

/** Lists read from SQLite on demand (one primary-key read per product), for a single lookup. */
export function storedHeads(db: Db): HeadSource {
  const stmt = db.prepare('SELECT users, scores, capped FROM audiences WHERE product_key = ?')
  let last = -1
  let row: {users: Buffer; scores: Buffer; capped: Buffer | null} | undefined
  const read = (p: number) => {
    if (p !== last) {
      row = stmt.get(p) as typeof row
      last = p
    }
    return row
  }
  return {
    head(p) {
      const r = read(p)
      return r && r.users.length > 0 ? {users: fromBlob(r.users, Int32Array), scores: fromBlob(r.scores, Float32Array)} : undefined
    },
    capped(p) {
      const r = read(p)
      return r?.capped ? decodeCapped(r.capped) : undefined
    },
  }
}

/**
 * Loads the shipped model's parts. With `preload` (servers, batch exports) every column and every
 * product's lists are read at once. Without it (one CLI lookup) nothing is read until asked for,
 * and `lookup` reads only what one answer needs: the product's row of interactors, a prefix of the
 * prior, the scores of the users it shows. On 50M rows that is milliseconds instead of seconds.
 */
export function loadShippedModel(db: Db, meta: ShippedMeta, options: {preload?: boolean} = {}): ModelParts {
  const storedPrior = hasColumn(db, 'model.prior')
  const priorName = storedPrior ? 'model.prior' : 'features.ranked_users'
  const eager = {
    interactors: (): ModelParts['interactors'] => {
      const offsets = required(readColumn<Int32Array>(db, 'model.interactors.offsets'), 'interactors')
      const users = required(readColumn<Int32Array>(db, 'model.interactors.users'), 'interactors')
      return {nRows: offsets.length - 1, offsets, cols: users}
    },
    content: (): ContentIndex | undefined => {
      const vocabBytes = readColumn<Uint8Array>(db, 'model.content.vocab_bytes')
      if (!vocabBytes) return undefined
      return {
        vocabulary: decodeStrings(vocabBytes, required(readColumn<Int32Array>(db, 'model.content.vocab_offsets'), 'content vocabulary')),
        idf: required(readColumn<Float64Array>(db, 'model.content.idf'), 'content idf'),
        offsets: required(readColumn<Int32Array>(db, 'model.content.offsets'), 'content postings'),
        users: required(readColumn<Int32Array>(db, 'model.content.users'), 'content postings'),
        affinity: required(readColumn<Float32Array>(db, 'model.content.affinity'), 'content postings'),
      }
    },
    engagementOrder: (): Int32Array => required(readColumn<Int32Array>(db, 'features.ranked_users'), 'the engagement order'),
    engagement: (): Float64Array => required(readColumn<Float64Array>(db, 'features.engagement'), 'engagement'),
    prior: (): Int32Array => required(readColumn<Int32Array>(db, priorName), 'the prior order'),
    priorScore: (engagement: () => Float64Array): Float32Array => (storedPrior ? required(readColumn<Float32Array>(db, 'model.prior_score'), 'the prior scores') : Float32Array.from(engagement())),
    exhausted: (): Uint8Array | undefined => readColumn<Uint8Array>(db, 'model.exhausted'),
  }
  const nUsers = columnLength(db, 'features.engagement') ?? 0
  if (options.preload) {
    const engagement = eager.engagement()
    return {
      meta,
      nUsers,
      prior: eager.prior(),
      priorScore: eager.priorScore(() => engagement),
      engagementOrder: eager.engagementOrder(),
      engagement,
      interactors: eager.interactors(),
      exhausted: eager.exhausted(),
      heads: flatHeads(loadFlatLists(db, meta.nProducts)),
      content: eager.content(),
    }
  }
  const cache = new ColumnCache(db)
  const parts = {meta, nUsers, heads: storedHeads(db)} as ModelParts
  const once = <K extends keyof ModelParts>(key: K, load: () => ModelParts[K]): void => {
    Object.defineProperty(parts, key, {
      configurable: true,
      enumerable: true,
      get() {
        const value = load()
        Object.defineProperty(parts, key, {value, enumerable: true})
        return value
      },
    })
  }
  once('interactors', eager.interactors)
  once('content', eager.content)
  once('engagementOrder', eager.engagementOrder)
  once('engagement', eager.engagement)
  once('prior', eager.prior)
  once('priorScore', () => eager.priorScore(() => parts.engagement))
  once('exhausted', eager.exhausted)
  const nOffsets = columnLength(db, 'model.interactors.offsets') ?? 0
  parts.lookup = {
    interactorRow(p) {
      if (p < 0 || p + 1 >= nOffsets) return new Int32Array(0)
      const a = cache.at('model.interactors.offsets', p)
      const b = cache.at('model.interactors.offsets', p + 1)
      return b > a ? cache.range('model.interactors.users', a, b) : new Int32Array(0)
    },
    priorPrefix: (m) => required(readColumnRange<Int32Array>(db, priorName, 0, Math.min(m, nUsers)), 'the prior order'),
    // The preloaded model holds engagement as a Float32 prior: round the same way.
    priorScoreAt: (u) => (storedPrior ? cache.at('model.prior_score', u) : Math.fround(cache.at('features.engagement', u))),
    engagementOrderPrefix: (m) => required(readColumnRange<Int32Array>(db, 'features.ranked_users', 0, Math.min(m, nUsers)), 'the engagement order'),
    engagementAt: (u) => cache.at('features.engagement', u),
  }
  return parts
}
