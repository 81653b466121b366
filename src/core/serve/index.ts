import {loadStoredAudiences} from '../audience/stored.js'
import {readColumn} from '../store/columns.js'
import type {Db} from '../store/open.js'
import {requireFreshRun} from '../store/runs.js'

/**
 * Everything the server answers from, loaded once from a trained store: each product's audience
 * (user keys, scores) and, per user that appears in any audience, the JSON fragment of its entry
 * up to the rank. Response bodies are concatenations of these pieces; nothing is looked up in
 * SQLite and nothing goes through JSON.stringify per request.
 */
export interface AudienceIndex {
  modelVersion: number
  trainedAt: string
  topN: number
  products: number
  users: number
  /** product id → position in the arrays below. */
  productIndex: Map<string, number>
  productIds: string[]
  offsets: Int32Array
  userKeys: Int32Array
  scores: Float64Array
  coldStart: Int32Array
  /** user key → '{"customer_id":"…","score":…,"rank":' */
  fragment: Map<number, string>
  /** user key → customer id and score as written in responses (CSV). */
  customerId: Map<number, string>
  scoreText: Map<number, string>
}

export function loadAudienceIndex(db: Db): AudienceIndex {
  const train = requireFreshRun<{params: {topN: number}}>(db, 'train')
  const topN = (train.params as {topN: number}).topN
  const {productIds, index: productIndex, offsets, users: userKeys, scores} = loadStoredAudiences(db, {onlyStored: true})
  const coldStart = readColumn<Int32Array>(db, 'audience.cold_start') ?? new Int32Array(0)
  const engagement = readColumn<Float64Array>(db, 'features.engagement') ?? new Float64Array(0)
  const needed = new Set<number>(userKeys)
  for (const u of coldStart) needed.add(u)
  const idOf = db.prepare('SELECT user_id FROM users WHERE user_key = ?').pluck()
  const fragment = new Map<number, string>()
  const customerId = new Map<number, string>()
  const scoreText = new Map<number, string>()
  for (const u of needed) {
    const id = idOf.get(u) as string
    const score = String(Number((engagement[u] ?? 0).toFixed(6)))
    customerId.set(u, id)
    scoreText.set(u, score)
    fragment.set(u, `{"customer_id":${JSON.stringify(id)},"score":${score},"rank":`)
  }
  const users = db.prepare('SELECT count(*) FROM users').pluck().get() as number
  return {modelVersion: train.runId, trainedAt: train.finishedAt, topN, products: productIds.length, users, productIndex, productIds, offsets, userKeys, scores, coldStart, fragment, customerId, scoreText}
}
