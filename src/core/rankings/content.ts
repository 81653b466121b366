import {Growable} from '../util/growable.js'
import {hashUnitRange} from '../util/hash.js'
import {type ProductAttributes, type RankingData, type RankingModel, scaleToBest, TopList} from './contract.js'

/** What is known of a product before anyone touches it. */
export interface ProductText {
  name?: string | null
  category?: string | null
  brand?: string | null
}

const WORD = /[\p{L}\p{N}]+/gu

/**
 * A product's tokens: the words of its name (lower-cased, two characters or more), its category
 * and every ancestor of it ("c:electronics", "c:electronics.audio"; paths split on . / > |), and
 * its brand ("b:kato"). Distinct, in a stable order.
 */
export function productTokens(text: ProductText): string[] {
  const out = new Set<string>()
  const name = text.name?.toLowerCase() ?? ''
  for (const m of name.matchAll(WORD)) if (m[0].length >= 2) out.add(m[0])
  const category = text.category?.trim().toLowerCase() ?? ''
  if (category) {
    const parts = category.split(/\s*[./>|]\s*/).filter(Boolean)
    for (let i = 1; i <= parts.length; i++) out.add(`c:${parts.slice(0, i).join('.')}`)
  }
  const brand = text.brand?.trim().toLowerCase() ?? ''
  if (brand) out.add(`b:${brand}`)
  return [...out]
}

const MAX_SEEN_TEXTS = 1 << 18

/**
 * Tokens of every product, by product key, over one shared vocabulary, added product by product in
 * key order (no text object kept per product, so tens of millions of names stream through).
 */
export class AttributeBuilder {
  private readonly ids = new Map<string, number>()
  private readonly vocabulary: string[] = []
  private readonly offsets = new Growable(Int32Array)
  private readonly tokens = new Growable(Int32Array)
  /** Token ids by product text (name, category, brand), for the first MAX_SEEN_TEXTS texts. */
  private readonly seen = new Map<string, number[]>()
  private next = 0
  described = false

  constructor() {
    this.offsets.push(0)
  }

  /** Product p's text (products must come in key order; skipped keys have no tokens). */
  add(p: number, text: ProductText | undefined): void {
    while (this.next < p) {
      this.offsets.push(this.tokens.length)
      this.next++
    }
    if (text) {
      // Catalogs repeat names (variants, sizes, sellers): each distinct text is tokenized once.
      const key = `${text.name ?? ''}\u0001${text.category ?? ''}\u0001${text.brand ?? ''}`
      let ids = this.seen.get(key)
      if (!ids) {
        ids = productTokens(text).map((token) => {
          let id = this.ids.get(token)
          if (id === undefined) {
            id = this.vocabulary.length
            this.ids.set(token, id)
            this.vocabulary.push(token)
          }
          return id
        })
        if (this.seen.size < MAX_SEEN_TEXTS) this.seen.set(key, ids)
      }
      for (let i = 0; i < ids.length; i++) this.tokens.push(ids[i])
      if (ids.length > 0) this.described = true
    }
    this.offsets.push(this.tokens.length)
    this.next = p + 1
  }

  finish(nProducts: number): ProductAttributes {
    while (this.next < nProducts) this.add(this.next, undefined)
    return {offsets: this.offsets.view().slice(), tokens: this.tokens.view().slice(), vocabulary: this.vocabulary}
  }
}

/** Tokens of every product, by product key, over one shared vocabulary. */
export function buildAttributes(texts: ArrayLike<ProductText | undefined>): ProductAttributes {
  const builder = new AttributeBuilder()
  for (let p = 0; p < texts.length; p++) builder.add(p, texts[p])
  return builder.finish(texts.length)
}

export interface ContentOptions {
  /** Users kept per token (those with the highest affinity to it). */
  maxPostings?: number
}

export const DEFAULT_MAX_POSTINGS = 2000

/** The content model's parts, for storing and for ranking a product known only by its attributes. */
export interface ContentIndex {
  vocabulary: string[]
  /** Inverse document frequency by token id (0 for tokens of no product). */
  idf: Float64Array
  /** token → users with affinity, best first: users[offsets[t] .. offsets[t+1]) with `affinity`. */
  offsets: Int32Array
  users: Int32Array
  affinity: Float32Array
}

/**
 * The content ranking (TF-IDF over product tokens, Salton & Buckley 1988). A product is the unit
 * vector v_p of its tokens' idf = ln(N / df); a user's affinity to token t is
 * a_ut = Σ_j w_uj · v_jt over the products j they touched (w: summed event weights), and their score
 * for p is v_p · a_u, i.e. their affinity to the products similar to p. Only the `maxPostings`
 * users with the highest affinity to each token are kept, which bounds the work per product. Works
 * for a product nobody has touched yet: that is its purpose.
 */
export function buildContentIndex(data: RankingData, options: ContentOptions = {}): ContentIndex {
  const attributes = data.attributes
  const L = options.maxPostings ?? DEFAULT_MAX_POSTINGS
  if (!attributes) return {vocabulary: [], idf: new Float64Array(0), offsets: new Int32Array(1), users: new Int32Array(0), affinity: new Float32Array(0)}
  const V = attributes.vocabulary.length
  const nProducts = attributes.offsets.length - 1
  const df = new Float64Array(V)
  let described = 0
  for (let p = 0; p < nProducts; p++) {
    const a = attributes.offsets[p]
    const b = attributes.offsets[p + 1]
    if (b > a) described++
    for (let x = a; x < b; x++) df[attributes.tokens[x]]++
  }
  const idf = new Float64Array(V)
  for (let t = 0; t < V; t++) idf[t] = df[t] > 0 ? Math.log(described / df[t]) : 0
  const {recordOf, recordTokens, recordNorms} = productRecords(attributes, idf, nProducts)
  // Affinities, user by user, through a sparse accumulator over the vocabulary. Each token keeps
  // its best L users so far in a bounded heap whose root is the weakest (lowest affinity; among
  // equals the highest key, since ties go to the lower key). Users come in key order, so a newcomer
  // enters a full heap only with a strictly higher affinity, and most are turned away by one
  // comparison: no list of every (user, token) pair is ever held.
  const acc = new Float64Array(V)
  const touched = new Int32Array(V)
  const heaps = new Array<TokenHeap | undefined>(V)
  const {histories} = data
  for (let u = 0; u < data.nUsers; u++) {
    let nTouched = 0
    for (let x = histories.offsets[u]; x < histories.offsets[u + 1]; x++) {
      const j = histories.cols[x]
      if (j >= nProducts) continue
      const a = recordOf[j]
      if (a < 0) continue
      const w = histories.weight![x] / recordNorms[a >> 1]
      const b = a + 3 + recordTokens[a + 2]
      for (let y = a + 3; y < b; y++) {
        const t = recordTokens[y]
        if (acc[t] === 0) touched[nTouched++] = t
        acc[t] += w * idf[t]
      }
    }
    for (let i = 0; i < nTouched; i++) {
      const t = touched[i]
      ;(heaps[t] ??= new TokenHeap(L)).offer(u, Math.fround(acc[t]))
      acc[t] = 0
    }
  }
  // Each token's users in key order (scoring sums over them in any order; this one is canonical).
  const offsets = new Int32Array(V + 1)
  for (let t = 0; t < V; t++) offsets[t + 1] = offsets[t] + (heaps[t]?.size ?? 0)
  const users = new Int32Array(offsets[V])
  const affinity = new Float32Array(offsets[V])
  for (let t = 0; t < V; t++) {
    heaps[t]?.drainByUser(users, affinity, offsets[t])
    heaps[t] = undefined
  }
  return {vocabulary: attributes.vocabulary, idf, offsets, users, affinity}
}

/**
 * Each distinct list of a product's tokens of non-zero idf as one record, and per product where its
 * record starts (-1: none). A record is its norm (a Float64 on an 8-byte boundary), its token count,
 * then the tokens (Int32), padded to an even length, so that v_pt = idf_t / norm. Products sharing a
 * list share the record: catalogs repeat names, categories and brands across variants and sellers,
 * so the records stay small enough for the caches, and the affinity loop, which meets products in
 * user order, pays one random read per interaction (recordOf) instead of two. At 20M products
 * records per product were 0.5 GB and a cache miss each. Offsets count Int32 slots.
 */
function productRecords(attributes: ProductAttributes, idf: Float64Array, nProducts: number): {recordOf: Int32Array; recordTokens: Int32Array; recordNorms: Float64Array} {
  const recordOf = new Int32Array(nProducts).fill(-1)
  let buffer = new ArrayBuffer(1 << 12)
  let tokens = new Int32Array(buffer)
  let norms = new Float64Array(buffer)
  let used = 0
  // Open addressing over the records: slot value is a record's start + 1 (0: empty).
  let slots = new Int32Array(1 << 10)
  let records = 0
  const list = new Int32Array(Math.max(1, maxTokens(attributes)))
  for (let p = 0; p < nProducts; p++) {
    let k = 0
    let s = 0
    for (let x = attributes.offsets[p]; x < attributes.offsets[p + 1]; x++) {
      const t = attributes.tokens[x]
      s += idf[t] ** 2
      if (idf[t] !== 0) list[k++] = t
    }
    if (k === 0) continue
    const h = hashUnitRange(list, 0, k)
    let mask = slots.length - 1
    let slot = h & mask
    let found = -1
    for (let v = slots[slot]; v !== 0; v = slots[slot]) {
      if (sameTokens(tokens, v - 1, list, k)) {
        found = v - 1
        break
      }
      slot = (slot + 1) & mask
    }
    if (found < 0) {
      const size = recordSlots(k)
      if (used + size > tokens.length) {
        const bigger = new ArrayBuffer(Math.max(buffer.byteLength * 2, (used + size) * 4))
        new Int32Array(bigger).set(tokens.subarray(0, used))
        buffer = bigger
        tokens = new Int32Array(buffer)
        norms = new Float64Array(buffer)
      }
      found = used
      norms[used >> 1] = Math.sqrt(s)
      tokens[used + 2] = k
      tokens.set(list.subarray(0, k), used + 3)
      used += size
      slots[slot] = found + 1
      if (++records * 10 > slots.length * 7) {
        slots = new Int32Array(slots.length * 2)
        mask = slots.length - 1
        for (let r = 0; r < used; r += recordSlots(tokens[r + 2])) {
          let at = hashUnitRange(tokens, r + 3, r + 3 + tokens[r + 2]) & mask
          while (slots[at] !== 0) at = (at + 1) & mask
          slots[at] = r + 1
        }
      }
    }
    recordOf[p] = found
  }
  const recordTokens = tokens.slice(0, used + (used & 1))
  return {recordOf, recordTokens, recordNorms: new Float64Array(recordTokens.buffer)}
}

/** Int32 slots of a record of k tokens: norm (2), count (1), tokens, padded to an even length. */
function recordSlots(k: number): number {
  return 3 + k + ((3 + k) & 1)
}

function maxTokens(attributes: ProductAttributes): number {
  let most = 0
  for (let p = 0; p + 1 < attributes.offsets.length; p++) most = Math.max(most, attributes.offsets[p + 1] - attributes.offsets[p])
  return most
}

function sameTokens(tokens: Int32Array, at: number, list: Int32Array, k: number): boolean {
  if (tokens[at + 2] !== k) return false
  for (let i = 0; i < k; i++) if (tokens[at + 3 + i] !== list[i]) return false
  return true
}

/**
 * At most `capacity` (user, affinity) entries: the best by affinity, ties to the lower user. A
 * binary min-heap on (affinity, then user descending), grown on demand up to the capacity.
 */
class TokenHeap {
  private users = new Int32Array(4)
  private values = new Float32Array(4)
  size = 0

  constructor(private readonly capacity: number) {}

  /** Takes u (a higher key than every user offered before) if it is among the best. */
  offer(u: number, value: number): void {
    if (this.size < this.capacity) {
      if (this.size === this.users.length) this.grow()
      let i = this.size++
      // Sift up: the parent must be weaker (lower value, or equal value and a higher user).
      while (i > 0) {
        const parent = (i - 1) >> 1
        if (!this.weaker(u, value, this.users[parent], this.values[parent])) break
        this.users[i] = this.users[parent]
        this.values[i] = this.values[parent]
        i = parent
      }
      this.users[i] = u
      this.values[i] = value
      return
    }
    if (this.capacity === 0 || !(value > this.values[0])) return
    // Replace the weakest and sift down.
    let i = 0
    const n = this.size
    for (;;) {
      let child = 2 * i + 1
      if (child >= n) break
      if (child + 1 < n && this.weaker(this.users[child + 1], this.values[child + 1], this.users[child], this.values[child])) child++
      if (!this.weaker(this.users[child], this.values[child], u, value)) break
      this.users[i] = this.users[child]
      this.values[i] = this.values[child]
      i = child
    }
    this.users[i] = u
    this.values[i] = value
  }

  /** Whether entry a is weaker (ranks below) entry b. */
  private weaker(ua: number, va: number, ub: number, vb: number): boolean {
    return va < vb || (va === vb && ua > ub)
  }

  private grow(): void {
    const n = Math.min(this.capacity, this.users.length * 2)
    const users = new Int32Array(n)
    users.set(this.users)
    const values = new Float32Array(n)
    values.set(this.values)
    this.users = users
    this.values = values
  }

  /** Writes the entries in user order from `at`. */
  drainByUser(users: Int32Array, values: Float32Array, at: number): void {
    const order = Array.from({length: this.size}, (_, i) => i).sort((a, b) => this.users[a] - this.users[b])
    for (let k = 0; k < order.length; k++) {
      users[at + k] = this.users[order[k]]
      values[at + k] = this.values[order[k]]
    }
  }
}

/**
 * Scores users for a product vector given as token ids (unit idf weights are applied here): the
 * best `depth`, ties by engagement, users `excluded` (stamp === tag) left out.
 */
export class ContentScorer {
  private readonly acc: Float64Array
  private readonly touched: Int32Array
  private top = new TopList(128)

  constructor(
    private readonly index: ContentIndex,
    private readonly engagement: Float64Array,
    nUsers: number,
  ) {
    this.acc = new Float64Array(nUsers)
    this.touched = new Int32Array(nUsers)
  }

  score(tokenIds: ArrayLike<number>, depth: number, users: Int32Array, scores: Float64Array, isExcluded?: (u: number) => boolean): number {
    const {idf, offsets, affinity} = this.index
    let s = 0
    for (let i = 0; i < tokenIds.length; i++) s += idf[tokenIds[i]] ** 2
    if (s === 0) return 0
    const norm = Math.sqrt(s)
    const acc = this.acc
    let nTouched = 0
    for (let i = 0; i < tokenIds.length; i++) {
      const t = tokenIds[i]
      const v = idf[t] / norm
      if (v === 0) continue
      for (let x = offsets[t]; x < offsets[t + 1]; x++) {
        const u = this.index.users[x]
        if (acc[u] === 0) this.touched[nTouched++] = u
        acc[u] += v * affinity[x]
      }
    }
    if (this.top.depth < depth) this.top = new TopList(depth)
    const top = this.top
    top.reset()
    for (let i = 0; i < nTouched; i++) {
      const u = this.touched[i]
      if (acc[u] > 0 && !(isExcluded && isExcluded(u))) top.push(u, acc[u], this.engagement[u])
      acc[u] = 0
    }
    return top.copyTo(users, scores, depth)
  }

  /** Token ids of a text, in this index's vocabulary (tokens it has never seen carry nothing). */
  tokenIds(text: ProductText): number[] {
    const ids = new Map(this.index.vocabulary.map((t, i) => [t, i]))
    return productTokens(text).flatMap((t) => (ids.has(t) ? [ids.get(t)!] : []))
  }
}

/** The content ranking as a RankingModel: head from the product's tokens, then engagement. */
export function fitContent(data: RankingData, options: ContentOptions = {}, index = buildContentIndex(data, options)): RankingModel & {index: ContentIndex; scorer: ContentScorer} {
  const scorer = new ContentScorer(index, data.engagement, data.nUsers)
  const attributes = data.attributes
  const stamp = new Int32Array(data.nUsers).fill(-1)
  let tag = 0
  const excluded = (u: number): boolean => stamp[u] === tag
  return {
    name: 'content',
    index,
    scorer,
    head(p, depth, users, scores) {
      if (!attributes || p >= attributes.offsets.length - 1) return 0
      tag++
      const {interactors} = data
      if (p < interactors.nRows) for (let y = interactors.offsets[p]; y < interactors.offsets[p + 1]; y++) stamp[interactors.cols[y]] = tag
      return scaleToBest(scores, scorer.score(attributes.tokens.subarray(attributes.offsets[p], attributes.offsets[p + 1]), depth, users, scores, excluded))
    },
    prior: data.engagementOrder,
    priorScore: () => 0,
    interleave: false,
    reasons: {head: 'interested in similar products (name, category, brand)', prior: 'highly engaged customer (no similar products)'},
  }
}
