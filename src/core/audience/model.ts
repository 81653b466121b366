import type {ContentIndex} from '../rankings/content.js'
import {ContentScorer} from '../rankings/content.js'
import {FROM_HEAD, FROM_PRIOR, type InteractorSource, type RankingModel, type RankingName, RankScratch, rankTopK, scaleToBest} from '../rankings/contract.js'
import type {PairCsr} from '../matrix/csr.js'

/**
 * The shipped model as lookups read it: everything `train` stores, in memory or behind a reader.
 * One engine ranks an audience from it, so the CLI, batch exports and the HTTP API answer alike.
 */
export interface ShippedMeta {
  /** The ranking shipped for products with history. */
  ranking: RankingName
  /** What products with no history get: content (by name, category, brand) or engagement. */
  newProducts: 'content' | 'engagement'
  interleave: boolean
  /** Per-product heads are stored to this depth (audiences up to this n are exact). */
  depth: number
  /** The audience size reach and the frequency cap are counted on. */
  topN: number
  cap: number | null
  /** Products with history have keys below nData; catalog products without history come after. */
  nData: number
  nProducts: number
  reasons: {head: string; prior: string}
  newReasons: {head: string; prior: string}
}

/** A product's stored head (evidence users), and under a cap its served, capped top-n. */
export interface HeadSource {
  head(p: number): {users: Int32Array; scores: Float32Array} | undefined
  capped(p: number): {users: Int32Array; scores: Float32Array; origins: Uint8Array} | undefined
}

export interface ModelParts {
  meta: ShippedMeta
  /** The shipped ranking's prior: users in order, and each user's prior score (by user key). */
  prior: Int32Array
  priorScore: Float32Array
  /** Engagement order and scores: the prior of new products and the cold-start audience. */
  engagementOrder: Int32Array
  engagement: Float64Array
  /** Product → users who interacted with it (ascending), over the whole data. */
  interactors: PairCsr
  /** Users a frequency cap has used up (1), left out beyond the capped top-n. */
  exhausted?: Uint8Array
  heads: HeadSource
  /** For ranking a product known only by its attributes. */
  content?: ContentIndex
  /** Users in the model (the length of every per-user array). */
  nUsers: number
  /** For one lookup: reads only what an answer needs, instead of whole columns. */
  lookup?: LookupReader
}

export interface LookupReader {
  interactorRow(p: number): Int32Array
  priorPrefix(m: number): Int32Array
  priorScoreAt(u: number): number
  engagementOrderPrefix(m: number): Int32Array
  engagementAt(u: number): number
}

/** Where an audience came from. */
export type AudienceKind = 'history' | 'new' | 'cold'

export interface Ranked {
  kind: AudienceKind
  count: number
  users: Int32Array
  scores: Float64Array
  /** FROM_HEAD (product-specific evidence) or FROM_PRIOR, per member. */
  origins: Uint8Array
}

/** A model view over stored heads: the contract's merge does the rest. */
function storedView(name: RankingName | 'random', heads: (p: number) => {users: Int32Array; scores: Float32Array} | undefined, prior: () => Int32Array, priorScore: (u: number) => number, interleave: boolean, reasons: RankingModel['reasons']): RankingModel {
  return {
    get prior() {
      return prior()
    },
    name,
    head(p, depth, users, scores) {
      const h = heads(p)
      if (!h) return 0
      const n = Math.min(depth, h.users.length)
      for (let i = 0; i < n; i++) {
        users[i] = h.users[i]
        scores[i] = h.scores[i]
      }
      return n
    },
    priorScore,
    interleave,
    reasons,
  }
}

/**
 * Ranks audiences from a shipped model. Products with history follow the shipped ranking; products
 * without (catalog-only, or unknown but described by attributes) follow content; an unknown,
 * undescribed product gets the cold-start audience (engagement). `skip` leaves users out (a
 * do-not-target list) and the next best takes each freed place.
 */
export class AudienceEngine {
  readonly meta: ShippedMeta
  private readonly history: RankingModel
  private readonly fresh: RankingModel
  private readonly cold: RankingModel
  private scratchArrays?: RankScratch
  private scorer?: ContentScorer
  private markedArray?: Int32Array
  private markTag = 0
  /** With a lookup reader: how much of a prior one answer may need (grows as asked). */
  private priorLimit = 0

  constructor(readonly parts: ModelParts) {
    const {meta} = parts
    this.meta = meta
    const lookup = parts.lookup
    // One lookup reads a prefix of the prior long enough for its answer; a preloaded model has it all.
    const prefix = (whole: () => Int32Array<ArrayBufferLike>, read: (m: number) => Int32Array<ArrayBufferLike>): (() => Int32Array<ArrayBufferLike>) => {
      if (!lookup) return whole
      let held: Int32Array<ArrayBufferLike> = new Int32Array(0)
      return () => {
        if (held.length < Math.min(this.priorLimit, parts.nUsers)) held = read(Math.max(this.priorLimit, 2 * held.length))
        return held
      }
    }
    const priorScore = lookup ? (u: number) => lookup.priorScoreAt(u) : (u: number) => parts.priorScore[u]
    const engagementAt = lookup ? (u: number) => lookup.engagementAt(u) : (u: number) => parts.engagement[u]
    const prior = prefix(() => parts.prior, (m) => lookup!.priorPrefix(m))
    const engagementOrder = prefix(() => parts.engagementOrder, (m) => lookup!.engagementOrderPrefix(m))
    this.history = storedView(meta.ranking, (p) => (p < meta.nData ? parts.heads.head(p) : undefined), prior, priorScore, meta.interleave, meta.reasons)
    this.fresh = storedView('content', (p) => (p >= meta.nData ? parts.heads.head(p) : undefined), engagementOrder, engagementAt, false, meta.newReasons)
    this.cold = storedView('engagement', () => undefined, engagementOrder, engagementAt, false, {head: meta.newReasons.prior, prior: 'highly engaged customer (cold start)'})
  }

  /** Per-user scratch, made on first use (zero pages cost nothing until touched). */
  private get scratch(): RankScratch {
    this.scratchArrays ??= new RankScratch(this.parts.nUsers, Math.max(16, this.meta.depth))
    return this.scratchArrays
  }

  private get marked(): Int32Array {
    this.markedArray ??= new Int32Array(this.parts.nUsers)
    return this.markedArray
  }

  /**
   * Interactors as rankTopK reads them, and how much prior an answer of n may need: n, plus every
   * user it may pass over (the product's interactors and its head). A skip rule can pass over any
   * number, so then the whole prior.
   */
  private prepareLookup(p: number, n: number, skip: unknown): InteractorSource {
    const lookup = this.parts.lookup
    if (!lookup) {
      this.priorLimit = Number.POSITIVE_INFINITY
      return this.parts.interactors
    }
    const row = lookup.interactorRow(p)
    this.priorLimit = skip ? Number.POSITIVE_INFINITY : n + row.length + Math.max(this.meta.depth, n) + 1
    return {row: () => row}
  }

  /** Why a member is there, from its origin and the audience's kind. */
  reason(kind: AudienceKind, origin: number): string {
    if (kind === 'cold') return 'highly engaged customer (cold start)'
    const r = kind === 'history' ? this.meta.reasons : this.meta.newReasons
    return origin === FROM_HEAD ? r.head : r.prior
  }

  private buffers(n: number): Ranked {
    return {kind: 'history', count: 0, users: new Int32Array(n), scores: new Float64Array(n), origins: new Uint8Array(n)}
  }

  /**
   * The top n for product key p. With `into` (a server answering one request at a time), its
   * buffers are reused when large enough, so a request allocates no typed arrays.
   */
  rank(p: number, n: number, skip?: (u: number) => boolean, into?: Ranked): Ranked {
    const out = into && into.users.length >= n ? into : this.buffers(n)
    out.count = 0
    const {meta, parts} = this
    out.kind = p < meta.nData ? 'history' : 'new'
    const model = p < meta.nData ? this.history : this.fresh
    const exhausted = parts.exhausted
    const capped = meta.cap !== null ? parts.heads.capped(p) : undefined
    if (!capped) {
      const rule = exhausted ? (skip ? (u: number) => exhausted[u] === 1 || skip(u) : (u: number) => exhausted[u] === 1) : skip
      // Without a cap nothing is exhausted; with one, products without a capped list never had one.
      const source = this.prepareLookup(p, n, meta.cap !== null ? rule : skip)
      out.count = rankTopK(model, p, n, source, this.scratch, out.users, out.scores, out.origins, meta.cap !== null ? rule : skip)
      return toBest(out)
    }
    // Under a cap: the capped top-n as served, then the ranking with used-up users left out.
    const tag = ++this.markTag
    let w = 0
    for (let i = 0; i < capped.users.length && w < n; i++) {
      const u = capped.users[i]
      this.marked[u] = tag
      if (skip && skip(u)) continue
      out.users[w] = u
      out.scores[w] = capped.scores[i]
      out.origins[w] = capped.origins[i]
      w++
    }
    if (w < n) {
      const rest = n - w
      const tail = this.buffers(rest)
      const marked = this.marked
      const rule = (u: number): boolean => marked[u] === tag || (exhausted !== undefined && exhausted[u] === 1) || (skip !== undefined && skip(u))
      const got = rankTopK(model, p, rest, this.prepareLookup(p, rest, rule), this.scratch, tail.users, tail.scores, tail.origins, rule)
      for (let i = 0; i < got; i++) {
        out.users[w] = tail.users[i]
        // Scores never rise down an audience.
        out.scores[w] = w > 0 ? Math.min(tail.scores[i], out.scores[w - 1]) : tail.scores[i]
        out.origins[w] = tail.origins[i]
        w++
      }
    }
    out.count = w
    return toBest(out)
  }

  /** A product nobody has touched, known by its attributes' token ids: content, then engagement. */
  rankTokens(tokenIds: number[], n: number, skip?: (u: number) => boolean): Ranked {
    const out = this.buffers(n)
    out.kind = 'new'
    const content = this.parts.content
    if (!content || tokenIds.length === 0) return this.rankCold(n, skip)
    this.scorer ??= new ContentScorer(content, this.parts.engagement, this.parts.engagement.length)
    const scorer = this.scorer
    const live = storedView('content', () => undefined, () => this.parts.engagementOrder, (u) => this.parts.engagement[u], false, this.meta.newReasons)
    const model: RankingModel = {
      ...live,
      head: (_p, depth, users, scores) => scaleToBest(scores, scorer.score(tokenIds, depth, users, scores)),
    }
    out.count = rankTopK(model, -1, n, null, this.scratch, out.users, out.scores, out.origins, skip)
    return toBest(out)
  }

  /** The token ids of a description, in the stored content vocabulary. */
  tokensOf(text: {name?: string; category?: string; brand?: string}): number[] {
    const content = this.parts.content
    if (!content) return []
    this.scorer ??= new ContentScorer(content, this.parts.engagement, this.parts.engagement.length)
    return this.scorer.tokenIds(text)
  }

  /** The cold-start audience: the most engaged users. */
  rankCold(n: number, skip?: (u: number) => boolean): Ranked {
    const out = this.buffers(n)
    out.kind = 'cold'
    this.priorLimit = skip ? Number.POSITIVE_INFINITY : n + 1
    out.count = rankTopK(this.cold, -1, n, null, this.scratch, out.users, out.scores, out.origins, skip)
    return toBest(out)
  }
}

/**
 * Scores divided by the audience's best, so its first user scores 1 whatever ranked it: a global
 * ranking (most active, engagement) scores users on one scale for all products, and a product's
 * best remaining user can score far below 1 once its interactors are left out; --min-score means
 * a share of the best for every audience. The order is unchanged.
 */
function toBest(out: Ranked): Ranked {
  scaleToBest(out.scores, out.count)
  return out
}

export {FROM_HEAD, FROM_PRIOR}
