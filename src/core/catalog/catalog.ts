import {excerpt, RecsysError} from '../errors.js'
import {type CsvHeader, type CsvSource, headerList, readCsv, sourceLabel} from '../ingest/csv-reader.js'
import {canonicalInteger, isNullId} from '../ingest/ids.js'
import {AttributeBuilder} from '../rankings/content.js'
import type {ProductAttributes} from '../rankings/contract.js'
import type {Db} from '../store/open.js'
import {latestRun} from '../store/runs.js'

export interface CatalogColumns {
  product: string
  name: string
  category: string
  brand: string
}

export const DEFAULT_CATALOG_COLUMNS: CatalogColumns = {product: 'product_id', name: 'product_name', category: 'category', brand: 'brand'}

export interface CatalogOptions {
  source: CsvSource
  columns?: Partial<CatalogColumns>
  delimiter?: string
}

export interface CatalogReport {
  source: string
  columns: {product: string; name: string | null; category: string | null; brand: string | null}
  rowsRead: number
  /** Products written (new rows and updated ones). */
  upserted: number
  /** Of those, products the prepared data has interactions for, and products it does not (a launch list). */
  inData: number
  withoutHistory: number
  dropped: {malformedQuote: number; wrongFieldCount: number; nullProductId: number; noAttributes: number; repeatedId: number}
  droppedTotal: number
  catalogSize: number
  elapsedMs: number
}

/**
 * Normalises a product id as prepare did for the current dataset: trimmed, and in an integer id
 * column "42.0" is "42". Undefined for a null id, null for a text id in an integer column.
 */
export function productIdNormaliser(db: Db): (raw: string) => string | null | undefined {
  return idNormaliser(productIdsAreIntegers(db))
}

/** True when prepare found the product id column to hold integers. */
export function productIdsAreIntegers(db: Db): boolean {
  return latestRun<{idKinds?: {product?: string}}>(db, 'prepare')?.summary.idKinds?.product === 'integer'
}

/** The normaliser for an id column of that kind (see productIdNormaliser). */
export function idNormaliser(integer: boolean): (raw: string) => string | null | undefined {
  return (raw) => {
    const id = raw.trim()
    if (isNullId(id)) return undefined
    return integer ? canonicalInteger(id) : id
  }
}

/**
 * `recsys catalog FILE`: stores product attributes (name, category, brand), including products with
 * no interactions yet. Upserts by product id; a later prepare keeps these rows. The attributes feed
 * the content ranking, which is what gives a new product a real audience.
 */
export async function importCatalog(db: Db, options: CatalogOptions): Promise<CatalogReport> {
  const started = Date.now()
  const label = sourceLabel(options.source)
  const given = options.columns ?? {}
  const normalise = productIdNormaliser(db)
  const dropped = {malformedQuote: 0, wrongFieldCount: 0, nullProductId: 0, noAttributes: 0, repeatedId: 0}
  const rows = new Map<string, {name: string | null; category: string | null; brand: string | null}>()
  let index = {product: -1, name: -1, category: -1, brand: -1}
  let width = 0
  let names: CatalogReport['columns'] = {product: '', name: null, category: null, brand: null}
  const find = (header: CsvHeader, wanted: string): number => {
    const exact = header.names.indexOf(wanted)
    if (exact !== -1) return exact
    const loose = header.names.flatMap((n, i) => (n.toLowerCase() === wanted.toLowerCase() ? [i] : []))
    return loose.length === 1 ? loose[0] : -1
  }
  const stats = await readCsv(
    options.source,
    {
      onHeader(header) {
        width = header.names.length
        for (const role of ['product', 'name', 'category', 'brand'] as const) {
          index[role] = find(header, given[role] ?? DEFAULT_CATALOG_COLUMNS[role])
          if (index[role] === -1 && (role === 'product' || given[role])) {
            throw new RecsysError(
              'MISSING_COLUMN',
              `${label}: no ${role === 'product' ? 'product id' : role} column "${excerpt(given[role] ?? DEFAULT_CATALOG_COLUMNS[role], 60)}"; columns found: ${headerList(header.names)}`,
              `Name it with --${role}-col NAME.`,
            )
          }
        }
        if (index.name === -1 && index.category === -1 && index.brand === -1) {
          throw new RecsysError('MISSING_COLUMN', `${label}: no name, category or brand column; columns found: ${headerList(header.names)}`, 'Name at least one with --name-col, --category-col or --brand-col.')
        }
        const at = (i: number): string | null => (i === -1 ? null : header.names[i])
        names = {product: header.names[index.product], name: at(index.name), category: at(index.category), brand: at(index.brand)}
        index = {...index}
      },
      onRow(fields) {
        if (fields.length < width && !(fields.length >= Math.max(index.product, index.name, index.category, index.brand) + 1)) {
          dropped.wrongFieldCount++
          return
        }
        const raw = (fields[index.product] ?? '').trim()
        const normal = normalise(raw)
        if (normal === undefined) {
          dropped.nullProductId++
          return
        }
        // "42.0" joins product 42 as prepare folded it; a text id (a launch SKU) is kept as it is.
        const id = normal ?? raw
        const value = (i: number): string | null => {
          if (i === -1) return null
          const v = (fields[i] ?? '').trim()
          return v === '' || isNullId(v) ? null : v
        }
        const row = {name: value(index.name), category: value(index.category), brand: value(index.brand)}
        if (row.name === null && row.category === null && row.brand === null) {
          dropped.noAttributes++
          return
        }
        if (rows.has(id)) dropped.repeatedId++
        rows.set(id, row)
      },
      onMalformed() {
        dropped.malformedQuote++
      },
    },
    {delimiter: options.delimiter},
  )
  if (rows.size === 0) {
    throw new RecsysError('NO_DATA', `${label}: no product with a name, category or brand (${stats.rows} rows read)`, 'Check the column flags (--product-col, --name-col, --category-col, --brand-col).')
  }
  const now = new Date().toISOString()
  const inDataStmt = db.prepare('SELECT 1 FROM products WHERE product_id = ?').pluck()
  let inData = 0
  db.transaction(() => {
    const upsert = db.prepare(
      "INSERT INTO catalog (product_id, name, category, brand, source, updated_at) VALUES (?, ?, ?, ?, 'catalog', ?) ON CONFLICT (product_id) DO UPDATE SET name = coalesce(excluded.name, name), category = coalesce(excluded.category, category), brand = coalesce(excluded.brand, brand), source = 'catalog', updated_at = excluded.updated_at",
    )
    for (const [id, r] of rows) {
      upsert.run(id, r.name, r.category, r.brand, now)
      if (inDataStmt.get(id)) inData++
    }
  })()
  const droppedTotal = Object.values(dropped).reduce((a, b) => a + b, 0) - dropped.repeatedId
  const catalogSize = db.prepare('SELECT count(*) FROM catalog').pluck().get() as number
  return {source: label, columns: names, rowsRead: stats.rows, upserted: rows.size, inData, withoutHistory: rows.size - inData, dropped, droppedTotal, catalogSize, elapsedMs: Date.now() - started}
}

const NAMES_PER_READ = 1 << 16

/**
 * Calls `each` with the name of every product below nData that has one, in key order. Names are
 * read a batch of keys at a time as one joined text (a third of the time of a row per name: 20M
 * products, 25 s by row); a batch whose names hold the separator is read row by row.
 */
function readNames(db: Db, nData: number, each: (key: number, name: string) => void): void {
  const joined = db.prepare("SELECT count(*), group_concat(coalesce(name, ''), char(1)) FROM (SELECT name FROM products WHERE product_key >= ? AND product_key < ? ORDER BY product_key)").raw()
  const byRow = db.prepare('SELECT product_key, name FROM products WHERE product_key >= ? AND product_key < ? AND name IS NOT NULL ORDER BY product_key').raw()
  for (let from = 0; from < nData; from += NAMES_PER_READ) {
    const to = Math.min(nData, from + NAMES_PER_READ)
    const [count, text] = joined.get(from, to) as [number, string | null]
    const names = text === null ? [] : text.split('\u0001')
    if (names.length === count && count === to - from) {
      for (let i = 0; i < names.length; i++) if (names[i] !== '') each(from + i, names[i])
    } else for (const [key, name] of byRow.iterate(from, to) as IterableIterator<[number, string]>) if (name !== '') each(key, name)
  }
}

/** Every product's attributes by key: the dataset's products, then catalog products with no interactions. */
export interface ProductCatalog {
  /** Products of the prepared data (keys 0 … nData−1). */
  nData: number
  /** Catalog products with no interactions, given keys nData, nData+1, … in this order: id and name. */
  withoutHistory: Array<{id: string; name: string | null}>
  /** Tokens of every product (undefined when no product has a name, category or brand). */
  attributes?: ProductAttributes
}

/** Streams the products and the catalog into token lists (no text object kept per product). */
export function loadProductCatalog(db: Db, nData: number): ProductCatalog {
  const builder = new AttributeBuilder()
  // With no catalog rows (a log without categories or brands, and no import) only names are read.
  const hasCatalog = db.prepare('SELECT EXISTS (SELECT 1 FROM catalog)').pluck().get() === 1
  if (hasCatalog) {
    const rows = db
      .prepare('SELECT p.product_key AS key, coalesce(c.name, p.name) AS name, c.category AS category, c.brand AS brand FROM products p LEFT JOIN catalog c ON c.product_id = p.product_id WHERE p.product_key < ? ORDER BY p.product_key')
      .raw()
      .iterate(nData) as IterableIterator<[number, string | null, string | null, string | null]>
    for (const [key, name, category, brand] of rows) {
      if (name !== null || category !== null || brand !== null) builder.add(key, {name, category, brand})
    }
  } else readNames(db, nData, (key, name) => builder.add(key, {name, category: null, brand: null}))
  const withoutHistory: ProductCatalog['withoutHistory'] = []
  const extra = db
    .prepare('SELECT c.product_id AS id, c.name AS name, c.category AS category, c.brand AS brand FROM catalog c WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.product_id = c.product_id AND p.product_key < ?) ORDER BY c.product_id')
    .iterate(nData) as IterableIterator<{id: string; name: string | null; category: string | null; brand: string | null}>
  for (const r of extra) {
    builder.add(nData + withoutHistory.length, {name: r.name, category: r.category, brand: r.brand})
    withoutHistory.push({id: r.id, name: r.name})
  }
  const attributes = builder.finish(nData + withoutHistory.length)
  return {nData, withoutHistory, attributes: builder.described ? attributes : undefined}
}
