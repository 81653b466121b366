/**
 * Stable group assignment: a user's group in a campaign is a function of (campaign id, user id)
 * only, so re-exporting the same campaign (another day, another machine, another n) never moves
 * anyone between treatment and control.
 */

/** A 32-bit hash of a string's UTF-16 code units (FNV-1a, then the murmur3 finaliser). */
export function hashText(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** A uniform number in [0, 1) from (campaign, user). */
export function unitHash(campaignId: string, customerId: string): number {
  return hashText(customerId, hashText(campaignId)) / 4_294_967_296
}

export type Group = 'treatment' | 'control'

/** 'control' for about `share` of users, 'treatment' for the rest; the same answer every time. */
export function holdoutGroup(campaignId: string, customerId: string, share: number): Group {
  return unitHash(campaignId, customerId) < share ? 'control' : 'treatment'
}

/** Reads "10%", "10" (percent) or "0.1" as a share; the holdout must be 1% to 50%. */
export function parseHoldout(text: string): number | undefined {
  const t = text.trim()
  const percent = t.endsWith('%')
  const v = Number(percent ? t.slice(0, -1) : t)
  if (!Number.isFinite(v)) return undefined
  const share = percent || v > 1 ? v / 100 : v
  return share >= 0.01 && share <= 0.5 ? share : undefined
}
