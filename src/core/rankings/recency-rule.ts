import {DAY_MS} from '../ingest/timestamps.js'

/**
 * The original system's recency rule: events in the last `windowDays` days before the reference
 * time, divided by (whole days since the user's last event + 1). Users without rows in range score 0.
 */
export function recencyRuleScores(userKey: Int32Array, tsMs: Float64Array, nUsers: number, from: number, to: number, windowDays = 30): Float64Array {
  const referenceTsMs = to > from ? tsMs[to - 1] : 0
  const windowStart = referenceTsMs - windowDays * DAY_MS
  const recent = new Int32Array(nUsers)
  const last = new Float64Array(nUsers).fill(Number.NEGATIVE_INFINITY)
  for (let i = from; i < to; i++) {
    const u = userKey[i]
    if (tsMs[i] > windowStart) recent[u]++
    if (tsMs[i] > last[u]) last[u] = tsMs[i]
  }
  const score = new Float64Array(nUsers)
  for (let u = 0; u < nUsers; u++) {
    if (last[u] === Number.NEGATIVE_INFINITY) continue
    score[u] = recent[u] / (Math.floor((referenceTsMs - last[u]) / DAY_MS) + 1)
  }
  return score
}
