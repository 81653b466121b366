import {RecsysError} from '../errors.js'
import type {Db} from '../store/open.js'
import type {CampaignSplit, ExportResult} from './export.js'

export interface CampaignRecord {
  campaignId: string
  createdAt: string
  products: string[]
  ranking: string
  modelVersion: number
  datasetVersion: number
  audienceSize: number
  holdout: number
  control: 'holdout' | 'random'
  params: Record<string, unknown>
}

/**
 * Records a campaign and who was in which group (replacing an earlier export of the same id, whose
 * groups are the same by construction). Call inside a transaction.
 */
export function recordCampaign(db: Db, record: CampaignRecord, members: Iterable<{customerId: string; productId: string; group: string; rank: number | null}>): void {
  db.prepare('DELETE FROM campaign_members WHERE campaign_id = ?').run(record.campaignId)
  db.prepare('DELETE FROM campaign_results WHERE campaign_id = ?').run(record.campaignId)
  db.prepare(
    'INSERT OR REPLACE INTO campaigns (campaign_id, created_at, products, ranking, model_version, dataset_version, audience_size, holdout, control, params) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(record.campaignId, record.createdAt, JSON.stringify(record.products), record.ranking, record.modelVersion, record.datasetVersion, record.audienceSize, record.holdout, record.control, JSON.stringify(record.params))
  const insert = db.prepare('INSERT OR IGNORE INTO campaign_members (campaign_id, customer_id, product_id, grp, rank) VALUES (?, ?, ?, ?, ?)')
  for (const m of members) insert.run(record.campaignId, m.customerId, m.productId, m.group, m.rank)
}

export function loadCampaign(db: Db, campaignId: string): CampaignRecord {
  const row = db.prepare('SELECT * FROM campaigns WHERE campaign_id = ?').get(campaignId) as
    | {campaign_id: string; created_at: string; products: string; ranking: string; model_version: number; dataset_version: number; audience_size: number; holdout: number; control: string; params: string}
    | undefined
  if (!row) {
    const known = db.prepare('SELECT campaign_id FROM campaigns ORDER BY created_at DESC LIMIT 5').pluck().all() as string[]
    throw new RecsysError('NOT_FOUND', `no campaign "${campaignId.slice(0, 80)}" in this store`, known.length > 0 ? `Known campaigns: ${known.join(', ')}.` : 'Export one first: recsys recommend PRODUCT --holdout 10% --campaign NAME --out audience.csv')
  }
  return {
    campaignId: row.campaign_id,
    createdAt: row.created_at,
    products: JSON.parse(row.products),
    ranking: row.ranking,
    modelVersion: row.model_version,
    datasetVersion: row.dataset_version,
    audienceSize: row.audience_size,
    holdout: row.holdout,
    control: row.control as CampaignRecord['control'],
    params: JSON.parse(row.params),
  }
}

/** The campaign's members: customer id → group and product (a user in several products counts once, in the first group seen). */
export function campaignMembers(db: Db, campaignId: string): Array<{customerId: string; productId: string; group: 'treatment' | 'control'}> {
  return (db.prepare('SELECT customer_id, product_id, grp FROM campaign_members WHERE campaign_id = ?').raw().all(campaignId) as Array<[string, string, string]>).map(([customerId, productId, group]) => ({
    customerId,
    productId,
    group: group as 'treatment' | 'control',
  }))
}

/** What `recommend` records of an export's campaign. */
export function campaignParams(split: CampaignSplit, n: number, result: ExportResult, rules: Record<string, unknown>): Record<string, unknown> {
  return {n, holdout: split.holdout, control: split.control, rules, removed: result.removed, members: result.members}
}

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

/**
 * An export under an existing campaign id keeps its holdout share and control method: changing
 * either after the first audience went out would rewrite who was held out, and the report would
 * measure the wrong groups (--replace says that is meant). Other changes (n, products) re-record the
 * members, each keeping their group (the split is a stable hash); the note says what changed, and
 * the first export time is kept (the report counts outcomes from it).
 */
export function checkCampaignReuse(db: Db, split: CampaignSplit, products: string[], n: number, replace: boolean): {note: string; firstExportedAt: string} | undefined {
  const row = db.prepare('SELECT products, holdout, control, params, created_at FROM campaigns WHERE campaign_id = ?').get(split.campaignId) as
    | {products: string; holdout: number; control: string; params: string; created_at: string}
    | undefined
  if (!row) return undefined
  const before = {products: JSON.parse(row.products) as string[], n: (JSON.parse(row.params) as {n?: number}).n}
  const blocking: string[] = []
  if (row.holdout !== split.holdout) blocking.push(`holdout ${Math.round(row.holdout * 100)}% → ${Math.round(split.holdout * 100)}%`)
  if (row.control !== split.control) blocking.push(`control ${row.control} → ${split.control}`)
  const other: string[] = []
  if (before.n !== undefined && before.n !== n) other.push(`n ${before.n} → ${n}`)
  if (before.products.length !== products.length || before.products.some((p, i) => p !== products[i])) other.push(`products ${before.products.length} → ${products.length}`)
  const id = split.campaignId.slice(0, 80)
  if (blocking.length > 0 && !replace) {
    throw new RecsysError(
      'USAGE',
      `campaign ${id} was exported on ${row.created_at.slice(0, 10)} with ${blocking.join(', ')}; recording this export would change who was held out`,
      'Use a new --campaign id, or pass --replace if the first export was never sent.',
    )
  }
  const changes = [...blocking, ...other]
  return {
    note: `campaign ${id} existed (exported ${row.created_at.slice(0, 10)}); its members are replaced by this export${changes.length ? ` (${changes.join(', ')})` : ''}`,
    firstExportedAt: row.created_at,
  }
}
