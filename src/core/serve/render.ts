import {scoreText, type RankedAnswer} from '../audience/answer.js'
import {AUDIENCE_CSV_COLUMNS} from '../audience/answer.js'
import {safeCsvText} from '../util/csv.js'
import type {ServeIndex} from './index.js'

/**
 * Response bodies of an answer, JSON and CSV, equal to what the CLI writes for it. Each user's
 * fixed parts (id, activity) are built once and reused; per request only ranks, scores and the
 * joins are new: no JSON.stringify of member objects, no SQL.
 */
export class BodyRenderer {
  private readonly jsonId: Array<string | undefined> = []
  private readonly jsonFacts: Array<string | undefined> = []
  private readonly csvId: Array<string | undefined> = []
  private readonly csvFacts: Array<string | undefined> = []
  private readonly reasons = new Map<string, {json: string; csv: string}>()

  constructor(private readonly index: ServeIndex) {}

  private reason(r: RankedAnswer, i: number): {json: string; csv: string} {
    const key = `${r.ranked.kind}:${r.ranked.origins[i]}`
    let v = this.reasons.get(key)
    if (!v) {
      const text = this.index.engine.reason(r.ranked.kind, r.ranked.origins[i])
      v = {json: JSON.stringify(text), csv: safeCsvText(text)}
      this.reasons.set(key, v)
    }
    return v
  }

  json(r: RankedAnswer, modelVersion: number, trainedAt: string, datasetVersion: number): string {
    const ix = this.index
    const d = ix.data
    let body = `{"product_id":${JSON.stringify(r.productId)},"product_name":${r.productName === null ? 'null' : JSON.stringify(r.productName)},"known":${r.kind === 'history'},"new_product":${r.kind === 'new'},"cold_start":${r.kind === 'cold'},"ranking":${JSON.stringify(r.ranking)},"note":${r.note === null ? 'null' : JSON.stringify(r.note)},"n":${r.n},"count":${r.ranked.count},"recommendations":[`
    const {users, scores} = r.ranked
    for (let i = 0; i < r.ranked.count; i++) {
      const u = users[i]
      let id = this.jsonId[u]
      if (id === undefined) {
        id = `,"customer_id":${JSON.stringify(ix.customerId(u))},"score":`
        this.jsonId[u] = id
      }
      let facts = this.jsonFacts[u]
      if (facts === undefined) {
        facts = `,"interactions":${d.interactions[u]},"distinct_products":${d.distinct[u]},"last_seen":"${ix.lastSeen(u)}","reason":`
        this.jsonFacts[u] = facts
      }
      body += `${i > 0 ? ',' : ''}{"rank":${i + 1}${id}${scoreText(scores[i])}${facts}${this.reason(r, i).json}}`
    }
    return `${body}],"model_version":${modelVersion},"trained_at":${JSON.stringify(trainedAt)},"dataset_version":${datasetVersion}}`
  }

  csv(r: RankedAnswer): string {
    const ix = this.index
    const d = ix.data
    const product = safeCsvText(r.productId)
    let body = `${AUDIENCE_CSV_COLUMNS.join(',')}\r\n`
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
      body += `${product},${i + 1}${id}${scoreText(scores[i])}${facts}${this.reason(r, i).csv}\r\n`
    }
    return body
  }
}
