import type {PairCsr} from '../matrix/csr.js'
import type {Rng} from '../util/rng.js'

/**
 * One ranking contract for evaluation and shipping. A ranking is fit on a period of the
 * interactions (the part before the split when it is measured, all of it when it is shipped) and
 * then ranks, for a product, the users to target:
 * - a *head*: users with evidence specific to this product (they touched similar products, their
 *   factors match it, …), best first, never a user who already interacted with the product;
 * - then its *prior*: one global order of the period's users (engagement for the per-product
 *   rankings; the ranking itself for the global ones), skipping the product's interactors and
 *   the head's users.
 * `rankTopK` merges the two; `evaluation/` measures exactly that and `audience/` ships exactly
 * that, so what is measured is what is shipped.
 */
export const RANKING_NAMES = ['engagement', 'most-recent', 'most-active', 'recency-rule', 'cooccurrence', 'als', 'content', 'hybrid'] as const
export type RankingName = (typeof RANKING_NAMES)[number]

/** Simplest first: a simpler ranking replaces a better-scoring one only when they cannot be told apart. */
export const SIMPLICITY: readonly RankingName[] = ['most-recent', 'most-active', 'recency-rule', 'engagement', 'content', 'cooccurrence', 'hybrid', 'als']

/** Per-product rankings: their heads carry product-specific evidence. */
export const PER_PRODUCT: readonly RankingName[] = ['cooccurrence', 'als', 'content', 'hybrid']

/** Product attributes for the content ranking: each product's tokens (name words, category path, brand). */
export interface ProductAttributes {
  /** Token ids of product p: tokens[offsets[p] .. offsets[p+1]). */
  offsets: Int32Array
  tokens: Int32Array
  /** Token texts by id, e.g. "lamp", "c:electronics.audio", "b:kato". */
  vocabulary: string[]
}

/** What every ranking is fit on: interactions [0, rows) of the time-sorted columns. */
export interface RankingData {
  nUsers: number
  /** Every product a key exists for (catalog-only products included, with no interactions). */
  nProducts: number
  rows: number
  userKey: Int32Array
  productKey: Int32Array
  eventKey: Uint16Array
  tsMs: Float64Array
  /** Event weight by event key (the features stage's weights). */
  eventWeight: Float64Array
  /** Product → distinct users of the period, ascending, with summed event weights and last time. */
  interactors: PairCsr
  /** User → distinct products of the period, ascending (the transpose of `interactors`). */
  histories: PairCsr
  /** 1 for users with an interaction in the period: the candidates. */
  active: Uint8Array
  activeCount: number
  /** Engagement over the period, by user, and the active users in engagement order. */
  engagement: Float64Array
  engagementOrder: Int32Array
  /** The last timestamp of the period (the reference for recency and decay). */
  endTsMs: number
  attributes?: ProductAttributes
}

export interface RankingModel {
  readonly name: RankingName | 'random'
  /**
   * Users with evidence specific to product p, best first, scores in this ranking's units; at most
   * `depth`; never an interactor of p. Returns how many it wrote into `users` and `scores`.
   */
  head(p: number, depth: number, users: Int32Array, scores: Float64Array): number
  /** The rest of every audience: the period's users in this order. */
  readonly prior: Int32Array
  /** A prior user's score in this ranking's units. */
  priorScore(u: number): number
  /** Head and prior scores share one scale and interleave (hybrid); otherwise the head comes first. */
  readonly interleave: boolean
  /** Why a head user (`head`) or a prior user (`prior`) is in an audience, for people reading it. */
  readonly reasons: {head: string; prior: string}
}

/** Options every fit takes. */
export interface FitOptions {
  seed: number
  rng?: Rng
}

/** Reusable buffers for `rankTopK` (one per thread of work; nothing is allocated per call). */
export class RankScratch {
  readonly stamp: Int32Array
  tag = 0
  headUsers: Int32Array
  headScores: Float64Array

  constructor(nUsers: number, depth = 128) {
    // Zeroed, and tags start at 1: no fill, so the pages cost nothing until a lookup touches them.
    this.stamp = new Int32Array(nUsers)
    this.headUsers = new Int32Array(depth)
    this.headScores = new Float64Array(depth)
  }

  ensure(depth: number): void {
    if (this.headUsers.length < depth) {
      this.headUsers = new Int32Array(depth)
      this.headScores = new Float64Array(depth)
    }
  }
}

const EMPTY_PRIOR = new Int32Array(0)

/** Where each of the top k users came from, for reasons. */
export const FROM_HEAD = 1
export const FROM_PRIOR = 0

/**
 * The top k users of `model` for product p: head and prior merged, skipping p's interactors (rows
 * of `interactors`, ascending), the head's users in the prior, and any user `skip` rejects (a
 * frequency cap, a do-not-target list). Writes users, scores and origins; returns the count.
 */
/** Each product's interactors: a whole CSR in memory, or one row read when asked (a single lookup). */
export type InteractorSource = PairCsr | {row(p: number): Int32Array}

export function rankTopK(
  model: RankingModel,
  p: number,
  k: number,
  interactors: InteractorSource | null,
  scratch: RankScratch,
  outUsers: Int32Array,
  outScores: Float64Array,
  outFrom?: Uint8Array,
  skip?: (u: number) => boolean,
): number {
  const stamp = scratch.stamp
  const tag = ++scratch.tag
  // A head never holds the product's interactors (every ranking leaves them out), so they are
  // marked only once the prior is consulted: a lookup answered from the head reads no more.
  let stamped = false
  const stampInteractors = (): void => {
    stamped = true
    if (!interactors) return
    if ('row' in interactors) {
      const row = interactors.row(p)
      for (let j = 0; j < row.length; j++) stamp[row[j]] = tag
    } else if (p < interactors.nRows) {
      const cols = interactors.cols
      for (let j = interactors.offsets[p]; j < interactors.offsets[p + 1]; j++) stamp[cols[j]] = tag
    }
  }
  // A skip rule may reject head users: ask for more until k are left or the head runs out.
  let depth = k
  let h = 0
  let kept = 0
  for (;;) {
    scratch.ensure(depth)
    h = model.head(p, depth, scratch.headUsers, scratch.headScores)
    if (!skip) {
      kept = h
      break
    }
    kept = 0
    for (let i = 0; i < h; i++) if (!skip(scratch.headUsers[i])) kept++
    if (kept >= k || h < depth) break
    depth *= 2
  }
  const headUsers = scratch.headUsers
  const headScores = scratch.headScores
  for (let i = 0; i < h; i++) stamp[headUsers[i]] = tag
  let w = 0
  let hi = 0
  let pi = 0
  const nextHead = (): number => {
    while (hi < h && skip && skip(headUsers[hi])) hi++
    return hi
  }
  // The prior is read only when consulted (a lookup may hold it behind a reader).
  let prior: Int32Array<ArrayBufferLike> = EMPTY_PRIOR
  const nextPrior = (): number => {
    if (!stamped) {
      stampInteractors()
      prior = model.prior
    }
    while (pi < prior.length) {
      const u = prior[pi]
      if (stamp[u] !== tag && !(skip && skip(u))) return pi
      pi++
    }
    return pi
  }
  const takeHead = (a: number): void => {
    outUsers[w] = headUsers[a]
    outScores[w] = headScores[a]
    if (outFrom) outFrom[w] = FROM_HEAD
    hi++
    w++
  }
  while (w < k) {
    const a = nextHead()
    const haveHead = a < h
    // Without interleaving, head users come before any prior user: the prior is not needed yet.
    if (haveHead && !model.interleave) {
      takeHead(a)
      continue
    }
    const b = nextPrior()
    const havePrior = b < prior.length
    if (!haveHead && !havePrior) break
    if (haveHead && (!havePrior || headScores[a] >= model.priorScore(prior[b]))) {
      takeHead(a)
      continue
    }
    const u = prior[b]
    outUsers[w] = u
    // After a head, a prior user never outranks the last head user in score (scores never rise).
    const s = model.priorScore(u)
    outScores[w] = !model.interleave && w > 0 && s > outScores[w - 1] ? outScores[w - 1] : s
    if (outFrom) outFrom[w] = FROM_PRIOR
    pi++
    w++
  }
  return w
}

/**
 * Keeps the best `depth` (score, user) pairs seen, best first, ties to the larger tie-break value
 * then the lower user key: a bounded insertion list (depth is small), no allocation per push.
 */
export class TopList {
  readonly users: Int32Array
  readonly scores: Float64Array
  readonly ties: Float64Array
  size = 0

  constructor(readonly depth: number) {
    this.users = new Int32Array(depth)
    this.scores = new Float64Array(depth)
    this.ties = new Float64Array(depth)
  }

  reset(): void {
    this.size = 0
  }

  /** The score a candidate must beat (or tie with a better tie-break) once the list is full. */
  get floor(): number {
    return this.size < this.depth ? Number.NEGATIVE_INFINITY : this.scores[this.depth - 1]
  }

  push(u: number, score: number, tie: number): void {
    const n = this.size
    const d = this.depth
    if (n === d) {
      const ls = this.scores[d - 1]
      if (score < ls) return
      if (score === ls && (tie < this.ties[d - 1] || (tie === this.ties[d - 1] && u > this.users[d - 1]))) return
    }
    let pos = n < d ? n : d - 1
    while (pos > 0) {
      const s = this.scores[pos - 1]
      const t = this.ties[pos - 1]
      if (s > score || (s === score && (t > tie || (t === tie && this.users[pos - 1] < u)))) break
      this.scores[pos] = s
      this.ties[pos] = t
      this.users[pos] = this.users[pos - 1]
      pos--
    }
    this.scores[pos] = score
    this.ties[pos] = tie
    this.users[pos] = u
    if (n < d) this.size = n + 1
  }

  /** Copies the list into `users`/`scores` (at most `limit`); returns the count. */
  copyTo(users: Int32Array, scores: Float64Array, limit = this.size): number {
    const n = Math.min(limit, this.size)
    for (let i = 0; i < n; i++) {
      users[i] = this.users[i]
      scores[i] = this.scores[i]
    }
    return n
  }
}

/**
 * Divides a head's scores by its best, so a per-product ranking's scores lie in (0, 1] whatever its
 * raw scale (summed similarities, TF-IDF affinities): 1 is the best match for this product, and
 * --min-score means the same for every ranking. The order is unchanged.
 */
export function scaleToBest(scores: Float64Array, n: number): number {
  const best = n > 0 ? scores[0] : 0
  if (best > 0) for (let i = 0; i < n; i++) scores[i] /= best
  return n
}
