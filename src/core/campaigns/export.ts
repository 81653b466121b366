import type {AnswerOptions, AudienceService, RankedAnswer} from '../audience/answer.js'
import {RecsysError} from '../errors.js'
import {rowHas} from '../matrix/csr.js'
import {createRng} from '../util/rng.js'
import {type Group, hashText, holdoutGroup} from './holdout.js'

/** Business rules, applied after ranking: the next best eligible user takes each freed place. */
export interface ExportRules {
  /** Customer ids never to target (unsubscribed, recently contacted). */
  excludeUsers?: Set<string>
  /** Product ids to leave out of a batch (out of stock, discontinued). */
  excludeProducts?: Set<string>
  /** An audience ends where the score falls below this. */
  minScore?: number
  /** A user appears in at most this many audiences of the export. */
  maxAudiencesPerUser?: number
  /** Each user appears once, under the product that ranks them highest. */
  dedupe?: boolean
}

export interface CampaignSplit {
  campaignId: string
  /** Share of each audience held out as control (by a stable hash of campaign and user). */
  holdout: number
  /** holdout: control comes from the audience; random: from users outside it, as many as the audience. */
  control: 'holdout' | 'random'
}

export interface ExportRequest {
  ids: string[]
  n: number
  rules?: ExportRules
  campaign?: CampaignSplit
  attributes?: AnswerOptions['attributes']
}

/** One exported audience: the ranked answer and, in a campaign, each member's group. */
export interface ExportedAudience {
  answer: RankedAnswer
  groups?: Group[]
  /** A random control arm: users outside the audience, as many as it holds. */
  randomControl?: Int32Array
}

export interface ExportResult {
  audiences: ExportedAudience[]
  /** Places each rule freed (taken by the next eligible user), and products left out. */
  removed: {excludedUsers: number; frequencyCap: number; dedupe: number; belowMinScore: number; excludedProducts: number}
  /** Users who are in more than one product's top n (before dedupe), and the pairs that share most. */
  overlap: {usersInSeveral: number; pairs: Array<{a: string; b: string; shared: number}>} | null
  members: {treatment: number; control: number}
  /** Ids on the do-not-target list that match no customer in the data (a wrong file shows here). */
  unmatchedExclusions: number
  /** Audiences the rules left with fewer than n users, and with none. */
  short: {products: number; empty: number}
}

/** User keys of the listed customer ids (one scan of the users table). */
function userKeys(service: AudienceService, ids: Set<string>): {marked: Uint8Array; matched: number} {
  const marked = new Uint8Array(service.engine.parts.engagement.length)
  let matched = 0
  if (ids.size === 0) return {marked, matched}
  for (const [key, id] of service.userIdRows()) {
    if (ids.has(id)) {
      marked[key] = 1
      matched++
    }
  }
  return {marked, matched}
}

/**
 * A batch export with campaign rules: ranks each product, leaves out do-not-target users, applies
 * the frequency cap in the order the products are given, resolves duplicates (dedupe) in favour of
 * the product that ranks a user best, cuts at the minimum score, and splits into groups. Counts
 * what each rule removed from the plain top n.
 */
export function exportAudiences(service: AudienceService, request: ExportRequest): ExportResult {
  const rules = request.rules ?? {}
  const {n} = request
  const nUsers = service.engine.parts.engagement.length
  const listed = rules.excludeUsers ? userKeys(service, rules.excludeUsers) : undefined
  const excluded = listed?.marked
  // Both sides as prepare stores ids, so 1004856.0 on either side is product 1004856.
  const canonical = (id: string): string => {
    try {
      return service.canonicalId(id)
    } catch {
      return id.trim()
    }
  }
  const excludedProducts = rules.excludeProducts ? new Set([...rules.excludeProducts].map(canonical)) : undefined
  const ids = request.ids.filter((id) => !excludedProducts?.has(canonical(id)))
  const removed = {excludedUsers: 0, frequencyCap: 0, dedupe: 0, belowMinScore: 0, excludedProducts: request.ids.length - ids.length}
  if (ids.length === 0) throw new RecsysError('NO_DATA', 'every product of the export is on the exclusion list', 'Check --exclude-products against the products asked for.')
  const cap = rules.maxAudiencesPerUser
  if (cap !== undefined && (!Number.isInteger(cap) || cap < 1)) throw new RecsysError('USAGE', `the frequency cap must be a positive integer (got ${cap})`, 'Pass e.g. --max-audiences-per-user 3.')

  // The plain top n, for what the rules removed and for overlap.
  const plain = ids.map((id) => service.rank(id, n, {attributes: request.attributes}))
  const inPlain = new Int32Array(nUsers)
  for (const a of plain) for (let i = 0; i < a.ranked.count; i++) inPlain[a.ranked.users[i]]++
  let usersInSeveral = 0
  for (let u = 0; u < nUsers; u++) if (inPlain[u] > 1) usersInSeveral++

  const used = new Int32Array(nUsers)
  const owner = new Int32Array(nUsers).fill(-1)
  const ownerRank = new Int32Array(nUsers)
  const isExcluded = (u: number): boolean => excluded !== undefined && excluded[u] === 1
  let answers: RankedAnswer[] = []
  if (rules.dedupe) {
    // Claim users by best rank across products, re-rank the products that lost users, until stable.
    for (let pass = 0; pass < 8; pass++) {
      answers = ids.map((id, x) => service.rank(id, n, {attributes: request.attributes, skip: (u) => isExcluded(u) || (owner[u] !== -1 && owner[u] !== x)}))
      let changed = false
      answers.forEach((a, x) => {
        for (let r = 0; r < a.ranked.count; r++) {
          const u = a.ranked.users[r]
          if (owner[u] === -1 || r < ownerRank[u] || (r === ownerRank[u] && x < owner[u])) {
            if (owner[u] !== x) changed = true
            owner[u] = x
            ownerRank[u] = r
          }
        }
      })
      if (!changed) break
    }
    // The passes settle which product ranks each user best but need not converge (a global ranking
    // hands the same users to every product): a last pass in product order takes each user at most
    // once, leaving users to the later product that owns them (it will take them: skips only move
    // them up its list).
    const taken = new Uint8Array(nUsers)
    answers = ids.map((id, x) => {
      const a = service.rank(id, n, {attributes: request.attributes, skip: (u) => isExcluded(u) || taken[u] === 1 || owner[u] > x})
      for (let i = 0; i < a.ranked.count; i++) taken[a.ranked.users[i]] = 1
      return a
    })
  } else {
    for (const id of ids) {
      const a = service.rank(id, n, {attributes: request.attributes, skip: (u) => isExcluded(u) || (cap !== undefined && used[u] >= cap)})
      for (let i = 0; i < a.ranked.count; i++) used[a.ranked.users[i]]++
      answers.push(a)
    }
  }

  // What each rule took from the plain lists (each removed user counted under the first rule that applies).
  answers.forEach((a, x) => {
    const kept = new Set(a.ranked.users.subarray(0, a.ranked.count))
    const p = plain[x]
    for (let i = 0; i < p.ranked.count; i++) {
      const u = p.ranked.users[i]
      if (kept.has(u)) continue
      if (isExcluded(u)) removed.excludedUsers++
      else if (rules.dedupe) removed.dedupe++
      else removed.frequencyCap++
    }
  })
  if (rules.minScore !== undefined) {
    for (const a of answers) {
      let keep = a.ranked.count
      while (keep > 0 && a.ranked.scores[keep - 1] < rules.minScore) keep--
      removed.belowMinScore += a.ranked.count - keep
      a.ranked.count = keep
    }
  }

  const audiences: ExportedAudience[] = answers.map((answer) => ({answer}))
  const members = {treatment: 0, control: 0}
  const split = request.campaign
  if (split) {
    const inAny = new Uint8Array(nUsers)
    for (const a of answers) for (let i = 0; i < a.ranked.count; i++) inAny[a.ranked.users[i]] = 1
    const rng = createRng(hashText(split.campaignId))
    for (const e of audiences) {
      const r = e.answer.ranked
      if (split.control === 'holdout') {
        e.groups = Array.from(r.users.subarray(0, r.count), (u) => holdoutGroup(split.campaignId, service.memberFacts(u).customerId, split.holdout))
        for (const g of e.groups) members[g]++
      } else {
        // Model against random targeting: everyone in the audience is treated, and a control arm of
        // the same size is drawn from users in no audience of this export (and never excluded).
        e.groups = Array.from({length: r.count}, (): Group => 'treatment')
        members.treatment += r.count
        const control = new Int32Array(r.count)
        const taken = new Set<number>()
        const key = service.productKey(e.answer.productId)
        const interactors = service.engine.parts.interactors
        let w = 0
        for (let tries = 0; w < r.count && tries < r.count * 100; tries++) {
          const u = rng.int(nUsers)
          // Eligible as the audience was: not targeted, not excluded, never interacted with the product.
          if (inAny[u] || isExcluded(u) || taken.has(u) || (key !== undefined && rowHas(interactors, key, u))) continue
          taken.add(u)
          control[w++] = u
        }
        e.randomControl = control.subarray(0, w)
        members.control += w
      }
    }
  } else {
    for (const a of answers) members.treatment += a.ranked.count
  }

  let overlap: ExportResult['overlap'] = null
  if (ids.length > 1) {
    const pairs: Array<{a: string; b: string; shared: number}> = []
    const sets = plain.map((a) => new Set(a.ranked.users.subarray(0, a.ranked.count)))
    if (ids.length <= 200) {
      for (let x = 0; x < ids.length; x++) {
        for (let y = x + 1; y < ids.length; y++) {
          let shared = 0
          for (const u of sets[x]) if (sets[y].has(u)) shared++
          if (shared > 0) pairs.push({a: plain[x].productId, b: plain[y].productId, shared})
        }
      }
    }
    pairs.sort((p, q) => q.shared - p.shared || p.a.localeCompare(q.a) || p.b.localeCompare(q.b))
    overlap = {usersInSeveral, pairs: pairs.slice(0, 10)}
  }
  const short = {products: 0, empty: 0}
  for (const a of audiences) {
    if (a.answer.ranked.count < n) short.products++
    if (a.answer.ranked.count === 0) short.empty++
  }
  const unmatchedExclusions = rules.excludeUsers ? rules.excludeUsers.size - (listed?.matched ?? 0) : 0
  return {audiences, removed, overlap, members, unmatchedExclusions, short}
}

/** A campaign id from the product and the day, when none was given: "103483-2026-11-30", "batch-3-2026-11-30". */
export function deriveCampaignId(ids: string[], now = new Date()): string {
  const day = now.toISOString().slice(0, 10)
  const head = ids.length === 1 ? ids[0].trim().replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 60) : `batch-${ids.length}`
  return `${head}-${day}`
}
