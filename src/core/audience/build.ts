import type {Csr} from '../matrix/csr.js'

export interface Audiences {
  /** products.length × topN user keys, −1 where fewer than topN users could be found. */
  users: Int32Array
  sizes: Int32Array
  topN: number
}

/**
 * For each product (in the order given), the first `topN` users of the global `order` who never
 * interacted with it. With `cap`, a user fills at most `cap` audiences; then the next best user
 * takes the slot. Exhausted users are skipped in amortised O(1) by a path-compressed "next live
 * position" array (union-find style), so the cap costs no rescans.
 */
export function buildAudiences(order: Int32Array, interactors: Csr, nUsers: number, products: Int32Array, topN: number, cap?: number): Audiences {
  const excluded = new Int32Array(nUsers).fill(-1)
  const used = cap === undefined ? undefined : new Int32Array(nUsers)
  const nextLive = new Int32Array(order.length + 1)
  for (let i = 0; i <= order.length; i++) nextLive[i] = i
  const find = (i: number): number => {
    let root = i
    while (nextLive[root] !== root) root = nextLive[root]
    while (nextLive[i] !== root) {
      const up = nextLive[i]
      nextLive[i] = root
      i = up
    }
    return root
  }
  const users = new Int32Array(products.length * topN).fill(-1)
  const sizes = new Int32Array(products.length)
  for (let x = 0; x < products.length; x++) {
    const p = products[x]
    for (let j = interactors.offsets[p]; j < interactors.offsets[p + 1]; j++) excluded[interactors.cols[j]] = p
    let w = 0
    let i = find(0)
    while (w < topN && i < order.length) {
      const u = order[i]
      if (excluded[u] !== p) {
        users[x * topN + w++] = u
        if (used && ++used[u] >= (cap as number)) nextLive[i] = i + 1
      }
      i = find(i + 1)
    }
    sizes[x] = w
  }
  return {users, sizes, topN}
}

/** Distinct users across all audiences. */
export function reach(audiences: Audiences, nUsers: number): number {
  const seen = new Uint8Array(nUsers)
  let distinct = 0
  for (let i = 0; i < audiences.users.length; i++) {
    const u = audiences.users[i]
    if (u >= 0 && !seen[u]) {
      seen[u] = 1
      distinct++
    }
  }
  return distinct
}
