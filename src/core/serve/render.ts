import {scoreText, type RankedAnswer} from '../audience/answer.js'
import {AUDIENCE_CSV_COLUMNS} from '../audience/answer.js'
import {safeCsvText} from '../util/csv.js'
import type {ServeIndex} from './index.js'

/** `{"rank":1`, `,{"rank":2`, …: the member openers, made once. */
const RANK_JSON = Array.from({length: 1024}, (_, i) => (i === 0 ? '{"rank":1' : `,{"rank":${i + 1}`))

/**
 * Response bodies of an answer, JSON and CSV, equal to what the CLI writes for it. Each user's
 * fixed parts (id, activity) are built once and reused; per request only ranks, scores and the
 * joins are new: no JSON.stringify of member objects, no SQL.
 */
export class BodyRenderer {
  /** Per user: the JSON of a member after its rank, for the score and reason it last had. */
  private readonly jsonTail: Array<string | undefined> = []
  private readonly tailScore: Float64Array
  private readonly tailReason: Int8Array
  private readonly csvId: Array<string | undefined> = []
  private readonly csvFacts: Array<string | undefined> = []
  private readonly reasons: Array<{json: string; csv: string} | undefined> = []
  /** Each user's last score and its text: most scores repeat (a prior score is the same in every audience). */
  private readonly lastScore: Float64Array
  private readonly lastScoreText: Array<string | undefined> = []

  constructor(private readonly index: ServeIndex) {
    this.lastScore = new Float64Array(index.data.users).fill(Number.NaN)
    this.tailScore = new Float64Array(index.data.users).fill(Number.NaN)
    this.tailReason = new Int8Array(index.data.users).fill(-1)
  }

  private reasonSlot(r: RankedAnswer, i: number): number {
    return (r.ranked.kind === 'history' ? 0 : r.ranked.kind === 'new' ? 2 : 4) + r.ranked.origins[i]
  }

  private reason(r: RankedAnswer, i: number): {json: string; csv: string} {
    const slot = this.reasonSlot(r, i)
    let v = this.reasons[slot]
    if (!v) {
      const text = this.index.engine.reason(r.ranked.kind, r.ranked.origins[i])
      v = {json: JSON.stringify(text), csv: safeCsvText(text)}
      this.reasons[slot] = v
    }
    return v
  }

  private score(u: number, value: number): string {
    if (this.lastScore[u] === value) return this.lastScoreText[u]!
    const text = scoreText(value)
    this.lastScore[u] = value
    this.lastScoreText[u] = text
    return text
  }

  json(r: RankedAnswer, modelVersion: number, trainedAt: string, datasetVersion: number): string {
    const ix = this.index
    const d = ix.data
    let body = `{"product_id":${JSON.stringify(r.productId)},"product_name":${r.productName === null ? 'null' : JSON.stringify(r.productName)},"known":${r.kind === 'history'},"new_product":${r.kind === 'new'},"cold_start":${r.kind === 'cold'},"ranking":${JSON.stringify(r.ranking)},"note":${r.note === null ? 'null' : JSON.stringify(r.note)},"n":${r.n},"count":${r.ranked.count},"recommendations":[`
    const {users, scores} = r.ranked
    for (let i = 0; i < r.ranked.count; i++) {
      const u = users[i]
      const score = scores[i]
      const slot = this.reasonSlot(r, i)
      let tail = this.jsonTail[u]
      if (tail === undefined || this.tailScore[u] !== score || this.tailReason[u] !== slot) {
        tail = `,"customer_id":${JSON.stringify(ix.customerId(u))},"score":${this.score(u, score)},"interactions":${d.interactions[u]},"distinct_products":${d.distinct[u]},"last_seen":"${ix.lastSeen(u)}","reason":${this.reason(r, i).json}}`
        this.jsonTail[u] = tail
        this.tailScore[u] = score
        this.tailReason[u] = slot
      }
      body += (RANK_JSON[i] ?? `,{"rank":${i + 1}`) + tail
    }
    return `${body}],"model_version":${modelVersion},"trained_at":${JSON.stringify(trainedAt)},"dataset_version":${datasetVersion}}`
  }

  /** With `groups`: each member's campaign group, as a last column. */
  csv(r: RankedAnswer, groups?: ArrayLike<string>): string {
    const ix = this.index
    const d = ix.data
    const product = safeCsvText(r.productId)
    let body = `${AUDIENCE_CSV_COLUMNS.join(',')}${groups ? ',group' : ''}\r\n`
    const {users, scores} = r.ranked
    for (let i = 0; i < r.ranked.count; i++) {
      const u = users[i]
      let id = this.csvId[u]
      if (id === undefined) {
        id = `,${safeCsvText(ix.customerId(u))},`
        this.csvId[u] = id
      }
      let facts = this.csvFacts[u]
      if (facts === undefined) {
        facts = `,${d.interactions[u]},${d.distinct[u]},${ix.lastSeen(u)},`
        this.csvFacts[u] = facts
      }
      const group = groups ? `,${groups[i]}` : ''
      body += `${product},${i + 1}${id}${this.score(u, scores[i])}${facts}${this.reason(r, i).csv}${group}\r\n`
    }
    return body
  }
}
