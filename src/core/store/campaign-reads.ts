import type {Db} from './open.js'

/** A campaign as stored, with its latest measured result when there is one (JSON left unparsed). */
export interface StoredCampaign {
  campaignId: string
  createdAt: string
  /** JSON array of product ids. */
  products: string
  ranking: string
  modelVersion: number
  datasetVersion: number
  audienceSize: number
  holdout: number
  control: string
  params: string
  measuredAt: string | null
  /** JSON of the measured lift (`recsys campaign report --json`), or null before it is measured. */
  result: string | null
}

/**
 * The newest `limit` campaigns, each with its latest result, and how many there are in all. The
 * JSON columns come back as text: the caller parses them and decides what a malformed one means.
 */
export function recentCampaigns(db: Db, limit: number): {total: number; campaigns: StoredCampaign[]} {
  const total = (db.prepare('SELECT count(*) AS n FROM campaigns').get() as {n: number}).n
  const campaigns = db
    .prepare(
      `SELECT c.campaign_id AS campaignId, c.created_at AS createdAt, c.products, c.ranking, c.model_version AS modelVersion,
              c.dataset_version AS datasetVersion, c.audience_size AS audienceSize, c.holdout, c.control, c.params,
              r.measured_at AS measuredAt, r.result
         FROM campaigns c LEFT JOIN campaign_results r ON r.campaign_id = c.campaign_id
        ORDER BY c.created_at DESC, c.campaign_id
        LIMIT ?`,
    )
    .all(limit) as StoredCampaign[]
  return {total, campaigns}
}
