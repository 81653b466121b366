import {DAY_MS} from '../ingest/timestamps.js'
import type {Csr} from '../matrix/csr.js'
import {Growable} from '../util/growable.js'
import {type RankingData, type RankingModel, scaleToBest, TopList} from './contract.js'

export interface CooccurrenceOptions {
  /** Neighbours kept per product (before the lists are made symmetric). */
  neighbors?: number
  /** Weigh each user's touch of a product by exp(−age / decayDays), age counted to the period's end. */
  decayDays?: number
  /** A user's most recent products counted in the similarity (caps the cost of very long histories). */
  maxHistory?: number
}

export const DEFAULT_NEIGHBORS = 100
export const DEFAULT_MAX_HISTORY = 500

/** The sparse item–item similarity: product i's neighbours j (ascending) and sim(i, j). */
export interface Similarity extends Csr {
  sim: Float32Array
}

/**
 * Item-kNN cosine similarity over the products' user sets (Sarwar et al. 2001; Deshpande & Karypis
 * 2004): sim(i, j) = Σ_u w_ui·w_uj / (‖w_i‖·‖w_j‖), with w = 1 (or a time decay). Each product keeps
 * its `neighbors` most similar products; the lists are then made symmetric (j is i's neighbour
 * when either kept the other), so a user's score for p, Σ_{j touched} sim(p, j), is the same
 * summed from the product's side or the user's.
 */
export function buildSimilarity(data: RankingData, options: CooccurrenceOptions = {}): Similarity {
  const K = options.neighbors ?? DEFAULT_NEIGHBORS
  const H = options.maxHistory ?? DEFAULT_MAX_HISTORY
  const {interactors, histories, nProducts, nUsers} = data
  const nPairs = histories.cols.length
  // Pair weight: 1, or exp(−age/τ).
  const weight = new Float64Array(nPairs).fill(1)
  if (options.decayDays !== undefined) {
    const tau = options.decayDays * DAY_MS
    for (let x = 0; x < nPairs; x++) weight[x] = Math.exp(-(data.endTsMs - histories.lastTs![x]) / tau)
  }
  // Users with more than H products count only their H most recent (a cut-off time per user).
  const cutoff = new Float64Array(nUsers).fill(Number.NEGATIVE_INFINITY)
  for (let u = 0; u < nUsers; u++) {
    const a = histories.offsets[u]
    const b = histories.offsets[u + 1]
    if (b - a > H) cutoff[u] = Float64Array.from(histories.lastTs!.subarray(a, b)).sort()[b - a - H]
  }
  const counted = (x: number, u: number): boolean => histories.lastTs![x] >= cutoff[u]
  // Each product's norm over the pairs that count.
  const norm = new Float64Array(nProducts)
  for (let u = 0; u < nUsers; u++) {
    for (let x = histories.offsets[u]; x < histories.offsets[u + 1]; x++) if (counted(x, u)) norm[histories.cols[x]] += weight[x] * weight[x]
  }
  // Where each (product, user) pair sits in `histories`, to read its weight from the product's side.
  const pairIndex = pairPositions(interactors, histories)

  const acc = new Float64Array(nProducts)
  const touched = new Int32Array(nProducts)
  const top = new TopList(K)
  const edgesFrom = new Growable(Int32Array)
  const edgesTo = new Growable(Int32Array)
  const edgesSim = new Growable(Float32Array)
  for (let i = 0; i < nProducts; i++) {
    if (norm[i] === 0) continue
    let nTouched = 0
    for (let y = interactors.offsets[i]; y < interactors.offsets[i + 1]; y++) {
      const u = interactors.cols[y]
      const xi = pairIndex[y]
      if (!counted(xi, u)) continue
      const wi = weight[xi]
      for (let x = histories.offsets[u]; x < histories.offsets[u + 1]; x++) {
        const j = histories.cols[x]
        if (j === i || !counted(x, u)) continue
        if (acc[j] === 0) touched[nTouched++] = j
        acc[j] += wi * weight[x]
      }
    }
    top.reset()
    const ni = Math.sqrt(norm[i])
    for (let t = 0; t < nTouched; t++) {
      const j = touched[t]
      // Ties to the lower product key: TopList breaks ties by the larger tie value.
      top.push(j, acc[j] / (ni * Math.sqrt(norm[j])), -j)
      acc[j] = 0
    }
    for (let r = 0; r < top.size; r++) {
      const j = top.users[r]
      const sim = top.scores[r]
      edgesFrom.push(i)
      edgesTo.push(j)
      edgesSim.push(sim)
      edgesFrom.push(j)
      edgesTo.push(i)
      edgesSim.push(sim)
    }
  }
  return symmetric(edgesFrom.view(), edgesTo.view(), edgesSim.view(), nProducts)
}

/** For each entry y of `interactors` (product i, user u), the index of (u, i) in `histories`. */
function pairPositions(interactors: Csr, histories: Csr): Int32Array {
  const out = new Int32Array(interactors.cols.length)
  const fill = histories.offsets.slice(0, histories.nRows)
  // Products ascending, and each user's products ascending: the k-th visit of user u is its k-th product.
  for (let i = 0; i < interactors.nRows; i++) {
    for (let y = interactors.offsets[i]; y < interactors.offsets[i + 1]; y++) out[y] = fill[interactors.cols[y]]++
  }
  return out
}

/**
 * Directed edges (each kept edge given in both directions) → a symmetric CSR, each row ascending
 * and each edge once: two stable counting sorts (by target, then by source), then repeats merged.
 */
function symmetric(from: Int32Array, to: Int32Array, sim: Float32Array, n: number): Similarity {
  const m = from.length
  const byTo = new Int32Array(n + 1)
  for (let e = 0; e < m; e++) byTo[to[e] + 1]++
  for (let i = 0; i < n; i++) byTo[i + 1] += byTo[i]
  const order = new Int32Array(m)
  for (let e = 0; e < m; e++) order[byTo[to[e]]++] = e
  const start = new Int32Array(n + 1)
  for (let e = 0; e < m; e++) start[from[e] + 1]++
  for (let i = 0; i < n; i++) start[i + 1] += start[i]
  const fill = start.slice(0, n)
  const edges = new Int32Array(m)
  for (let x = 0; x < m; x++) edges[fill[from[order[x]]]++] = order[x]
  const offsets = new Int32Array(n + 1)
  const cols = new Int32Array(m)
  const sims = new Float32Array(m)
  let w = 0
  for (let i = 0; i < n; i++) {
    let prev = -1
    for (let x = start[i]; x < start[i + 1]; x++) {
      const e = edges[x]
      if (to[e] === prev) continue
      prev = to[e]
      cols[w] = to[e]
      sims[w] = sim[e]
      w++
    }
    offsets[i + 1] = w
  }
  return {nRows: n, offsets, cols: cols.slice(0, w), sim: sims.slice(0, w)}
}

/**
 * Co-occurrence ranking: a user's score for p is Σ sim(p, j) over the products j they touched;
 * users with no such product follow engagement (score 0), as do ties.
 */
export function fitCooccurrence(data: RankingData, options: CooccurrenceOptions = {}, similarity = buildSimilarity(data, options)): RankingModel & {similarity: Similarity} {
  const {interactors} = data
  const acc = new Float64Array(data.nUsers)
  const touched = new Int32Array(data.nUsers)
  const stamp = new Int32Array(data.nUsers).fill(-1)
  let tag = 0
  let top = new TopList(128)
  const engagement = data.engagement
  return {
    name: 'cooccurrence',
    similarity,
    head(p, depth, users, scores) {
      if (p >= similarity.nRows) return 0
      if (top.depth < depth) top = new TopList(depth)
      top.reset()
      const t = ++tag
      if (p < interactors.nRows) for (let y = interactors.offsets[p]; y < interactors.offsets[p + 1]; y++) stamp[interactors.cols[y]] = t
      let nTouched = 0
      for (let e = similarity.offsets[p]; e < similarity.offsets[p + 1]; e++) {
        const j = similarity.cols[e]
        const s = similarity.sim[e]
        for (let y = interactors.offsets[j]; y < interactors.offsets[j + 1]; y++) {
          const u = interactors.cols[y]
          if (stamp[u] === t) continue
          if (acc[u] === 0) touched[nTouched++] = u
          acc[u] += s
        }
      }
      for (let x = 0; x < nTouched; x++) {
        const u = touched[x]
        if (acc[u] > 0) top.push(u, acc[u], engagement[u])
        acc[u] = 0
      }
      const n = Math.min(depth, top.size)
      for (let i = 0; i < n; i++) {
        users[i] = top.users[i]
        scores[i] = top.scores[i]
      }
      return scaleToBest(scores, n)
    },
    prior: data.engagementOrder,
    priorScore: () => 0,
    interleave: false,
    reasons: {head: 'touched products that this product’s customers also touched', prior: 'highly engaged customer (no co-occurring products)'},
  }
}
