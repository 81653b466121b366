/**
 * The store's schema, one migration per version. `PRAGMA user_version` holds the version reached;
 * a migration runs in a transaction so a store is never left half-migrated.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: the prepared dataset, dictionary-encoded, and the record of every stage run.
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE datasets (
    version INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    prepared_at TEXT NOT NULL,
    rows INTEGER NOT NULL,
    users INTEGER NOT NULL,
    products INTEGER NOT NULL,
    first_ts_ms INTEGER,
    last_ts_ms INTEGER,
    report TEXT NOT NULL
  );
  CREATE TABLE users (user_key INTEGER PRIMARY KEY, user_id TEXT NOT NULL);
  CREATE TABLE products (product_key INTEGER PRIMARY KEY, product_id TEXT NOT NULL, name TEXT);
  CREATE TABLE event_types (event_key INTEGER PRIMARY KEY, name TEXT NOT NULL);
  -- rowid order is time order: prepare inserts sorted by ts_ms.
  CREATE TABLE interactions (
    user_key INTEGER NOT NULL,
    product_key INTEGER NOT NULL,
    event_key INTEGER NOT NULL,
    ts_ms INTEGER NOT NULL
  );
  -- Typed arrays kept as little-endian BLOBs, so stages load a column without a row scan.
  CREATE TABLE columns (
    name TEXT PRIMARY KEY,
    dtype TEXT NOT NULL,
    length INTEGER NOT NULL,
    data BLOB NOT NULL
  );
  CREATE TABLE runs (
    run_id INTEGER PRIMARY KEY,
    stage TEXT NOT NULL,
    dataset_version INTEGER,
    params TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    elapsed_ms REAL NOT NULL,
    summary TEXT NOT NULL,
    -- JSON {stage: run_id} of the stage runs this one read, to tell when it went stale.
    inputs TEXT NOT NULL DEFAULT '{}'
  );
  CREATE INDEX runs_by_stage ON runs (stage, run_id);
  `,
  // 2: per-user features (engagement) and the precomputed audiences.
  `
  CREATE TABLE user_features (
    user_key INTEGER PRIMARY KEY,
    interactions INTEGER NOT NULL,
    distinct_products INTEGER NOT NULL,
    first_ts_ms INTEGER NOT NULL,
    last_ts_ms INTEGER NOT NULL,
    volume REAL NOT NULL,
    breadth REAL NOT NULL,
    quality REAL NOT NULL,
    frequency REAL NOT NULL,
    recency REAL NOT NULL,
    engagement REAL NOT NULL
  );
  -- One row per product: its audience as typed arrays (user keys Int32, scores Float64), so a
  -- lookup is one primary-key read and training writes one row per product, not one per slot.
  CREATE TABLE audiences (
    product_key INTEGER PRIMARY KEY,
    size INTEGER NOT NULL,
    user_keys BLOB NOT NULL,
    scores BLOB NOT NULL
  );
  `,
  // 3: columns in fixed-size chunks (range reads, no 1 GB BLOB limit); per-user features as
  // columns only; audiences as per-product heads of the shipped ranking; the product catalog.
  // Features, audiences and models are rebuilt by their stages, so their old runs are dropped.
  `
  CREATE TABLE column_info (name TEXT PRIMARY KEY, dtype TEXT NOT NULL, length INTEGER NOT NULL, chunk_length INTEGER NOT NULL);
  CREATE TABLE column_chunks (name TEXT NOT NULL, chunk INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (name, chunk));
  INSERT INTO column_info SELECT name, dtype, length, max(length, 1) FROM columns WHERE name LIKE 'interactions.%';
  INSERT INTO column_chunks SELECT name, 0, data FROM columns WHERE name LIKE 'interactions.%' AND length > 0;
  DROP TABLE columns;
  DROP TABLE user_features;
  DROP TABLE audiences;
  -- One row per product with an audience head: the users the shipped ranking has product-specific
  -- evidence for, best first (user keys Int32, scores Float32). The rest of an audience follows
  -- the ranking's prior order, kept as columns. Under a frequency cap, \`capped\` holds the capped
  -- top-n as served (users Int32, then scores Float32, then origins Uint8).
  CREATE TABLE audiences (product_key INTEGER PRIMARY KEY, users BLOB NOT NULL, scores BLOB NOT NULL, capped BLOB);
  -- Product attributes, also for products with no interactions yet (a launch list). Rows from
  -- \`recsys catalog\` (source 'catalog') survive a new prepare; rows read from the log do not.
  CREATE TABLE catalog (product_id TEXT PRIMARY KEY, name TEXT, category TEXT, brand TEXT, source TEXT NOT NULL, updated_at TEXT NOT NULL);
  DELETE FROM runs WHERE stage IN ('features', 'train', 'cf-attempt');
  `,
  // 4: campaigns.
  `
  -- Campaigns: an exported audience split into treatment and control, and who was in which group
  -- (audiences change when train runs again; a campaign's groups must not).
  CREATE TABLE campaigns (
    campaign_id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    products TEXT NOT NULL,          -- JSON array of product ids
    ranking TEXT NOT NULL,
    model_version INTEGER NOT NULL,
    dataset_version INTEGER NOT NULL,
    audience_size INTEGER NOT NULL,  -- members, both groups
    holdout REAL NOT NULL,           -- share of members in control
    control TEXT NOT NULL,           -- 'holdout' (from the audience) or 'random' (from outside it)
    params TEXT NOT NULL             -- JSON: n, rules applied and their counts, dedupe
  );
  CREATE TABLE campaign_members (
    campaign_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    grp TEXT NOT NULL,               -- 'treatment' or 'control'
    rank INTEGER,                    -- null for a random control member
    PRIMARY KEY (campaign_id, customer_id, product_id)
  ) WITHOUT ROWID;
  -- The latest measured lift of each campaign (the JSON of \`recsys campaign report --json\`).
  CREATE TABLE campaign_results (campaign_id TEXT PRIMARY KEY, measured_at TEXT NOT NULL, result TEXT NOT NULL);
  `,
]

export const SCHEMA_VERSION = MIGRATIONS.length

/**
 * Indexes dropped before a bulk load and built after it (cheaper than maintaining them row by
 * row). Only product ids are looked up by text (recommend); stages read the interactions from the
 * BLOB columns, so the interactions table (kept for people querying the store) needs no index.
 */
export const DATASET_INDEXES: readonly string[] = ['CREATE UNIQUE INDEX products_by_id ON products (product_id)']
export const DATASET_INDEX_NAMES = ['products_by_id']
