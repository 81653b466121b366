import {availableParallelism} from 'node:os'

import {excerpt, RecsysError} from '../errors.js'
import {ColumnWriter, deleteColumns} from '../store/columns.js'
import {bulkInsert} from '../store/bulk.js'
import {type Db, withPragmas} from '../store/open.js'
import {recordRun} from '../store/runs.js'
import {DATASET_INDEX_NAMES, DATASET_INDEXES} from '../store/schema.js'
import {releaseGarbage} from '../util/memory.js'
import {densify, findBotUsers, markDuplicates, type RowColumns, sortByTime} from './clean.js'
import {type CsvHeader, type CsvReadStats, type CsvSource, headerList, readCsv, sourceLabel} from './csv-reader.js'
import type {ForcedEncoding, InputFormat} from './input.js'
import type {Dictionary} from './dictionary.js'
import {canonicalInteger, decideIdKind, type IdKind, type IdTypeOption} from './ids.js'
import {type DropCounts, DROP_REASONS, type DropReason, RowIngest, RowRejected, type RowRules, SAMPLE_LINES} from './rows.js'
import {isoDateTime, parseTimestampMs} from './timestamps.js'

export type {DropCounts} from './rows.js'

export interface ColumnMapping {
  user: string
  product: string
  event: string
  time: string
  name: string
  category: string
  brand: string
}

/** Column names read when no flag names them; name, category and brand are optional. */
export const DEFAULT_COLUMNS: ColumnMapping = {
  user: 'customer_id',
  product: 'product_id',
  event: 'event',
  time: 'event_date',
  name: 'product_name',
  category: 'category',
  brand: 'brand',
}

export const DEFAULT_BOT_THRESHOLD = 1000

const DROP_WORDS = new Map(DROP_REASONS)

export interface PrepareOptions {
  source: CsvSource
  /** Column names given by the user; the rest take DEFAULT_COLUMNS. */
  columns?: Partial<ColumnMapping>
  /** Event for every row when the log has no event column, or for rows whose event is empty. */
  defaultEvent?: string
  botThreshold?: number
  strict?: boolean
  idType?: IdTypeOption
  delimiter?: string
  /** Read the file as this encoding (windows-1252 for Latin-1 exports) instead of UTF-8/UTF-16. */
  encoding?: ForcedEncoding
  /** Slash dates are D/M/YYYY rather than M/D/YYYY. */
  dayFirst?: boolean
  /** Also fill the \`interactions\` table for SQL queries (the columns are the source of truth). */
  sqlTable?: boolean
  signal?: AbortSignal
  onProgress?: (progress: PrepareProgress) => void
}

export interface PrepareProgress {
  phase: 'read' | 'clean' | 'write'
  rowsRead: number
  bytesRead: number
  totalBytes?: number
  elapsedMs: number
}

export interface PrepareReport {
  source: string
  /** How the input was read: gzip or zip, UTF-8 or UTF-16. */
  format: InputFormat
  datasetVersion: number
  columns: {user: string; product: string; event: string | null; time: string; name: string | null; category: string | null; brand: string | null}
  delimiter: string
  idKinds: {user: IdKind; product: IdKind}
  /**
   * Every physical line accounted for: lines = headerLines + blankLines + rowsRead +
   * continuationLines (the extra lines of rows whose quoted fields hold line breaks).
   */
  lines: number
  headerLines: number
  continuationLines: number
  rowsRead: number
  blankLines: number
  /** rowsRead = rowsKept + droppedTotal, and droppedTotal is the sum of these. */
  dropped: DropCounts
  droppedTotal: number
  /** The first line numbers dropped for each reason that dropped any. */
  droppedLines: Partial<Record<DropReason, number[]>>
  botUsers: string[]
  rowsKept: number
  users: number
  products: number
  events: Array<{event: string; count: number; share: number}>
  firstEvent: string | null
  lastEvent: string | null
  /** What to try when much was dropped for a fixable reason (e.g. day-first dates). */
  hints: string[]
  /** Things that worked but deserve a look (e.g. a column name used twice in the header). */
  warnings: string[]
  elapsedMs: number
}

type Role = keyof ColumnMapping
const ROLE_LABEL: Record<Role, string> = {user: 'user id', product: 'product id', event: 'event', time: 'timestamp', name: 'product name', category: 'category', brand: 'brand'}
const ROLE_FLAG: Record<Role, string> = {
  user: '--user-col',
  product: '--product-col',
  event: '--event-col',
  time: '--time-col',
  name: '--name-col',
  category: '--category-col',
  brand: '--brand-col',
}
const ROLE_GUESS: Record<Role, RegExp> = {
  user: /user|customer|client|visitor|member|buyer|shopper/i,
  product: /product|item|sku|article|asin|offer/i,
  event: /event|action|behaviou?r|interaction|type/i,
  time: /time|date|timestamp|^ts$|when/i,
  name: /name|title/i,
  category: /categ|department|section/i,
  brand: /brand|maker|manufacturer|vendor/i,
}

function findColumn(names: string[], wanted: string): number {
  const exact = names.indexOf(wanted)
  if (exact !== -1) return exact
  const lower = wanted.toLowerCase()
  const loose = names.flatMap((n, i) => (n.toLowerCase() === lower ? [i] : []))
  return loose.length === 1 ? loose[0] : -1
}

/**
 * Whether a header line reads as a row of data: at least two cells, and half or more of them
 * numbers or dates, which column names never are.
 */
function looksLikeData(names: readonly string[]): boolean {
  if (names.length < 2) return false
  const dataLike = names.filter((n) => {
    const t = n.trim()
    return t !== '' && (/^[+-]?\d+(\.\d+)?$/.test(t) || (/\d/.test(t) && !Number.isNaN(parseTimestampMs(t, false))))
  }).length
  return dataLike * 2 >= names.length
}

interface ResolvedColumns {
  index: Record<Role, number>
  names: PrepareReport['columns']
}

function resolveColumns(header: CsvHeader, options: PrepareOptions, label: string): ResolvedColumns & {warnings: string[]} {
  const given = options.columns ?? {}
  const index = {} as Record<Role, number>
  // Every missing column at once, each with a guess from the header (never a column another role
  // already holds, and for events never a time column such as event_time), as one command to paste.
  const absent: Array<{role: Role; wanted: string}> = []
  const missing = (): RecsysError => {
    const taken = new Set(Object.values(index).filter((i) => i !== -1))
    const guesses = absent.map(({role}) => {
      const i = header.names.findIndex((n, j) => !taken.has(j) && ROLE_GUESS[role].test(n) && n.length <= 60 && !(role === 'event' && ROLE_GUESS.time.test(n)))
      if (i !== -1) taken.add(i)
      return i === -1 ? 'NAME' : header.names[i]
    })
    const quote = (n: string): string => (/^[\w.-]+$/.test(n) ? n : `"${n.replace(/"/g, '\\"')}"`)
    const extra = absent.some((a) => a.role === 'event') && !given.event ? ' A log without events (an order history) prepares with --default-event purchased.' : ''
    const looksOff = header.names.length === 1 && header.names[0].length > 30 ? ' (one long column: is the delimiter right? --delimiter sets it)' : ''
    const what = absent.map(({role, wanted}) => `no ${ROLE_LABEL[role]} column "${excerpt(wanted, 60)}"`).join(', ')
    if (looksLikeData(header.names)) {
      return new RecsysError(
        'MISSING_COLUMN',
        `${label}: the first line looks like data, not a header (${headerList(header.names)})`,
        `Put a line naming the ${header.names.length} columns first, in their order, e.g. \`(echo customer_id,product_id,event,event_date; cat ${label === 'stdin' ? 'FILE' : quote(label)}) | recsys prepare -\`, then name any other column with its flag (--user-col NAME …).`,
      )
    }
    return new RecsysError(
      'MISSING_COLUMN',
      `${label}: ${what}; columns found: ${headerList(header.names)}${looksOff}`,
      `Name ${absent.length > 1 ? 'them' : 'it'} with ${absent.map(({role}, i) => `${ROLE_FLAG[role]} ${quote(excerpt(guesses[i], 60))}`).join(' ')}.${extra}`,
    )
  }
  for (const role of ['user', 'product', 'time'] as const) {
    const wanted = given[role] ?? DEFAULT_COLUMNS[role]
    index[role] = findColumn(header.names, wanted)
    if (index[role] === -1) absent.push({role, wanted})
  }
  index.event = findColumn(header.names, given.event ?? DEFAULT_COLUMNS.event)
  if (index.event === -1 && (given.event || options.defaultEvent === undefined)) absent.push({role: 'event', wanted: given.event ?? DEFAULT_COLUMNS.event})
  for (const role of ['name', 'category', 'brand'] as const) {
    index[role] = findColumn(header.names, given[role] ?? DEFAULT_COLUMNS[role])
    if (index[role] === -1 && given[role]) absent.push({role, wanted: given[role]!})
  }
  if (absent.length > 0) throw missing()
  const used = Object.values(index).filter((i) => i !== -1)
  if (new Set(used).size !== used.length) {
    throw new RecsysError('USAGE', `${label}: two roles map to the same column`, 'Give each of --user-col, --product-col, --event-col, --time-col, --name-col, --category-col and --brand-col its own column.')
  }
  const warnings: string[] = []
  const seen = new Map<string, number>()
  header.names.forEach((name, i) => {
    const first = seen.get(name)
    if (first === undefined) seen.set(name, i)
    else if (name !== '') {
      const role = (Object.keys(index) as Role[]).find((r) => index[r] === first)
      warnings.push(
        `the header names column "${excerpt(name, 60)}" twice (columns ${first + 1} and ${i + 1})${role ? `: column ${first + 1} is read as the ${ROLE_LABEL[role]}` : ''}; rename one if that is wrong`,
      )
    }
  })
  return {
    index,
    names: {
      user: header.names[index.user],
      product: header.names[index.product],
      event: index.event === -1 ? null : header.names[index.event],
      time: header.names[index.time],
      name: index.name === -1 ? null : header.names[index.name],
      category: index.category === -1 ? null : header.names[index.category],
      brand: index.brand === -1 ? null : header.names[index.brand],
    },
    warnings,
  }
}

/**
 * Maps raw dictionary keys to merged keys after deciding the id kind: in an integer column,
 * "42.0" joins "42" and non-integer values map to -1 (invalid). Merged keys are the raw keys
 * plus, at the end, any canonical value not seen as such (a "7.0" with no "7").
 */
function reconcileIds(dict: Dictionary, rowKeys: Int32Array, option: IdTypeOption): {kind: IdKind; map: Int32Array; merged: boolean} {
  const n = dict.size
  // Rows per text key, to count the rows whose id is not an integer (none when no id is text).
  const rowsPerKey = new Int32Array(dict.hasText ? n : 0)
  if (dict.hasText) for (let i = 0; i < rowKeys.length; i++) rowsPerKey[rowKeys[i]]++
  // Plain integer ids took the numeric path and are canonical already; only text ids need checking.
  // Text keys whose canonical form differs: the canonical text, or null when not an integer.
  const changed = new Map<number, string | null>()
  let integerRows = rowKeys.length
  for (let k = 0; k < n; k++) {
    if (!Number.isNaN(dict.numberOf(k))) continue
    const v = dict.text(k)
    const c = canonicalInteger(v)
    if (c === null) integerRows -= rowsPerKey[k]
    if (c !== v) changed.set(k, c)
  }
  const kind = decideIdKind(option, integerRows, rowKeys.length)
  const map = new Int32Array(n)
  for (let k = 0; k < n; k++) map[k] = k
  if (kind === 'integer') for (const [k, c] of changed) map[k] = c === null ? -1 : dict.intern(c)
  return {kind, map, merged: kind === 'integer' && changed.size > 0}
}

function strictFailure(label: string, line: number, reason: string): RecsysError {
  return new RecsysError('BAD_ROW', `${label} line ${line}: ${reason}`, 'Fix or remove that line, or run without --strict to drop such rows and count them in the report.')
}

interface SourceRead {
  rows: RowIngest
  resolved: ResolvedColumns & {warnings: string[]}
  delimiter: string
  csv: CsvReadStats
}

/** Reads the whole source into typed columns (RowIngest), resolving the columns from the header. */
async function readSource(options: PrepareOptions, rules: RowRules, label: string, onProgress: (stats: CsvReadStats) => void): Promise<SourceRead> {
  let resolved: SourceRead['resolved'] | undefined
  let rows: RowIngest | undefined
  let delimiter = ','
  try {
    const csv = await readCsv(
      options.source,
      {
        onHeader(header) {
          resolved = resolveColumns(header, options, label)
          delimiter = header.delimiter
          const {index, names} = resolved
          rows = new RowIngest({...index, width: header.names.length, names: {user: names.user, product: names.product, event: names.event}}, rules)
        },
        onRow: (fields, line) => rows!.add(fields, line),
        onLine: (s, from, to, line) => rows!.addLine(s, from, to, line, delimiter),
        onMalformed: (line, _text, reason) => rows!.malformed(line, reason),
        onProgress,
      },
      {delimiter: options.delimiter, encoding: options.encoding},
    )
    return {rows: rows!, resolved: resolved!, delimiter, csv}
  } catch (error) {
    if (error instanceof RowRejected) throw strictFailure(label, error.line, error.reason)
    throw error
  }
}

/**
 * Streams a CSV into the store: parse, clean, sort by time, dictionary-encode, and replace the
 * previous dataset in one transaction. Nothing is written until the whole file has been read and
 * cleaned, so a failure (or an interrupt) leaves the previous dataset as it was.
 */
export async function prepareDataset(db: Db, options: PrepareOptions): Promise<PrepareReport> {
  const started = Date.now()
  const label = sourceLabel(options.source)
  const botThreshold = options.botThreshold ?? DEFAULT_BOT_THRESHOLD
  const defaultEvent = options.defaultEvent?.trim().toLowerCase()
  const strict = options.strict ?? false
  const dayFirst = options.dayFirst ?? false
  const rules: RowRules = {strict, dayFirst, defaultEvent}
  const checkAbort = (): void => {
    if (options.signal?.aborted) {
      throw new RecsysError('INTERRUPTED', `prepare of ${label} was interrupted; the store was not changed`, 'Run it again when ready.')
    }
  }
  const {rows: read, resolved, delimiter, csv} = await readSource(options, rules, label, (stats) => {
    checkAbort()
    options.onProgress?.({phase: 'read', rowsRead: stats.rows, bytesRead: stats.bytesRead, totalBytes: stats.totalBytes, elapsedMs: Date.now() - started})
  })
  checkAbort()
  if (csv.rows === 0) {
    throw new RecsysError('NO_DATA', `${label} has a header but no data rows`, 'Pass a CSV with at least one data row.')
  }
  options.onProgress?.({phase: 'clean', rowsRead: csv.rows, bytesRead: csv.bytesRead, totalBytes: csv.totalBytes, elapsedMs: Date.now() - started})
  const {users, products, events, dropped, sampleLines} = read
  const noteLine = (reason: DropReason, line: number): void => {
    const lines = (sampleLines[reason] ??= [])
    if (lines.length < SAMPLE_LINES) lines.push(line)
  }
  // The rows as exact-size typed columns. Each reader chunk is dropped as it is copied, and the
  // garbage is collected as the copy goes, so chunks and copies do not stack up in the peak. Below
  // a million rows the arrays are small and a collection would cost more than it saves.
  const release = read.user.length >= 1 << 20 ? releaseGarbage : (): void => {}
  release()
  const user = read.user.toArray(release)
  const product = read.product.toArray(release)
  const event = read.event.toArray(release)
  const tsMs = read.tsMs.toArray(release)
  release()
  const n = user.length
  const userIds = reconcileIds(users, user, options.idType ?? 'auto')
  const productIds = reconcileIds(products, product, options.idType ?? 'auto')
  // No id is interned from here on: the hash tables go.
  users.closeLookups()
  products.closeLookups()
  // Ids to merged keys, in place; rows with an invalid id are left out of `order`.
  let candidates = 0
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) {
    const u = userIds.map[user[i]]
    const p = productIds.map[product[i]]
    if (u === -1 || p === -1) {
      if (strict) {
        const which = u === -1 ? `user id "${excerpt(users.text(user[i]), 60)}"` : `product id "${excerpt(products.text(product[i]), 60)}"`
        throw strictFailure(label, read.lineOf(i), `${which} is not an integer like the rest of its column (use --id-type text to keep such ids)`)
      }
      const reason = u === -1 ? 'invalidUserId' : 'invalidProductId'
      dropped[reason]++
      noteLine(reason, read.lineOf(i))
      continue
    }
    user[i] = u
    product[i] = p
    order[candidates++] = i
  }
  userIds.map = new Int32Array(0)
  release()
  const rows = {user, product, event, tsMs}
  const {sorted, keep, botUsers} = cleanRows(rows, order.subarray(0, candidates), users, botThreshold, dropped, (reason, i) => noteLine(reason, read.lineOf(i)))
  release()

  // Dense keys in order of first appearance; the rows are rewritten to them in place.
  const userKeys = densify(user, sorted, keep, users.size)
  const eventKeys = densify(event, sorted, keep, events.size)
  // A merged product's attributes come from the first of its raw keys ("42" before "42.0") that has them.
  const productKeys = densify(product, sorted, keep, products.size, productIds.merged ? productIds.map : undefined)
  const productKeyOf = productKeys.keyOf
  productIds.map = new Int32Array(0)
  const nUsers = userKeys.keyOf.length
  const nProducts = productKeyOf.length
  const kept = sorted.length - dropped.duplicate - dropped.bot
  if (kept === 0) {
    const reasons = (Object.entries(dropped) as Array<[DropReason, number]>).filter(([, count]) => count > 0).map(([reason, count]) => `${count.toLocaleString('en-US')} ${DROP_WORDS.get(reason)}`)
    const hint = read.dayFirstLooking > 0
      ? `${read.dayFirstLooking.toLocaleString('en-US')} timestamps look day-first (e.g. "${excerpt(read.dayFirstExample, 40)}"): if the column is D/M/YYYY, prepare again with --day-first.`
      : 'Check the column mapping (--user-col, --time-col, ...) against the reasons above.'
    throw new RecsysError('NO_DATA', `${label}: no row survived cleaning (${csv.rows.toLocaleString('en-US')} read; dropped: ${reasons.join(', ')})`, hint)
  }
  const attribute = (column: RowIngest['productName'], dense: number): string | undefined => {
    const raws = productKeys.raws
    if (!raws) return column.get(productKeyOf[dense])
    for (let raw = raws.start[dense]; raw !== -1; raw = raws.next[raw]) {
      const v = column.get(raw)
      if (v !== undefined) return v
    }
    return undefined
  }
  release()
  const eventCounts = new Int32Array(eventKeys.keyOf.length)
  let firstTs = Number.POSITIVE_INFINITY
  let lastTs = Number.NEGATIVE_INFINITY
  for (let i = 0; i < sorted.length; i++) {
    if (!keep[i]) continue
    const r = sorted[i]
    eventCounts[event[r]]++
    if (firstTs === Number.POSITIVE_INFINITY) firstTs = tsMs[r]
    lastTs = tsMs[r]
  }

  checkAbort()
  options.onProgress?.({phase: 'write', rowsRead: csv.rows, bytesRead: csv.bytesRead, totalBytes: csv.totalBytes, elapsedMs: Date.now() - started})
  const droppedTotal = Object.values(dropped).reduce((a, b) => a + b, 0)
  for (const reason of Object.keys(sampleLines) as DropReason[]) sampleLines[reason]!.sort((a, b) => a - b)
  const eventText = Array.from(eventKeys.keyOf, (k) => events.text(k))
  // A much smaller dataset replacing a large one is usually the wrong file: say so plainly.
  const previous = db.prepare('SELECT version, rows FROM datasets ORDER BY version DESC LIMIT 1').get() as {version: number; rows: number} | undefined
  const shrink = previous && previous.rows >= 1000 && kept * 100 < previous.rows
    ? [`this dataset keeps ${kept.toLocaleString('en-US')} rows where the one it replaces (v${previous.version}) held ${previous.rows.toLocaleString('en-US')}: if that was the wrong file, prepare the right one again (the earlier data is no longer in this store)`]
    : []
  const report: Omit<PrepareReport, 'datasetVersion' | 'elapsedMs'> = {
    source: label,
    format: csv.format,
    columns: resolved.names,
    delimiter,
    idKinds: {user: userIds.kind, product: productIds.kind},
    lines: csv.lines,
    headerLines: csv.headerLines,
    continuationLines: csv.continuationLines,
    rowsRead: csv.rows,
    blankLines: csv.blankLines,
    dropped,
    droppedTotal,
    droppedLines: sampleLines,
    botUsers,
    rowsKept: kept,
    users: nUsers,
    products: nProducts,
    events: eventText
      .map((name, k) => ({event: name, count: eventCounts[k], share: eventCounts[k] / kept}))
      .sort((a, b) => b.count - a.count || a.event.localeCompare(b.event)),
    firstEvent: isoDateTime(firstTs),
    lastEvent: isoDateTime(lastTs),
    hints:
      read.dayFirstLooking > 0
        ? [`${read.dayFirstLooking} timestamps look day-first (e.g. "${excerpt(read.dayFirstExample, 40)}") and were dropped: if the column is D/M/YYYY, prepare again with --day-first`]
        : [],
    warnings: [
      ...resolved.warnings,
      ...shrink,
      ...(csv.nulCharacters > 0
        ? [`the file holds ${csv.nulCharacters.toLocaleString('en-US')} NUL character${csv.nulCharacters === 1 ? '' : 's'}, which no CSV text has: it may be damaged (zero-filled after a crash) or partly binary; the rows holding them were read as they are, so check the drops and the event names above, and repair or re-export the file`]
        : []),
      ...(csv.invalidUtf8 > 0
        ? [`${csv.invalidUtf8.toLocaleString('en-US')} byte sequences are not valid UTF-8 and were read as "\uFFFD": if the file was saved as Latin-1 or Windows-1252 (older Excel exports), prepare again with --encoding windows-1252`]
        : []),
    ],
  }

  const write = db.transaction(() => {
    for (const name of DATASET_INDEX_NAMES) db.exec(`DROP INDEX IF EXISTS ${name}`)
    db.exec('DELETE FROM interactions; DELETE FROM users; DELETE FROM products; DELETE FROM event_types;')
    deleteColumns(db, 'interactions.')
    bulkInsert(db, 'users', ['user_key', 'user_id'], nUsers, (i, p, at) => {
      p[at] = i
      p[at + 1] = idValue(users, userKeys.keyOf[i])
    }, ['?', idSql(users)])
    bulkInsert(db, 'products', ['product_key', 'product_id', 'name'], nProducts, (i, p, at) => {
      p[at] = i
      p[at + 1] = idValue(products, productKeyOf[i])
      p[at + 2] = attribute(read.productName, i) ?? null
    }, ['?', idSql(products), '?'])
    bulkInsert(db, 'event_types', ['event_key', 'name'], eventText.length, (i, p, at) => {
      p[at] = i
      p[at + 1] = eventText[i]
    })
    buildIndexes(db)
    replaceLogAttributes(db, nProducts, (i) => products.text(productKeyOf[i]), (i) => attribute(read.productName, i), (i) => attribute(read.productCategory, i), (i) => attribute(read.productBrand, i))
    // The kept rows in time order, as chunked columns (the source of truth every stage reads).
    const columns = {
      user: new ColumnWriter(db, 'interactions.user_key', Int32Array),
      product: new ColumnWriter(db, 'interactions.product_key', Int32Array),
      event: new ColumnWriter(db, 'interactions.event_key', Uint16Array),
      ts: new ColumnWriter(db, 'interactions.ts_ms', Float64Array),
    }
    for (let i = 0; i < sorted.length; i++) {
      if (!keep[i]) continue
      const r = sorted[i]
      columns.user.push(user[r])
      columns.product.push(product[r])
      columns.event.push(event[r])
      columns.ts.push(tsMs[r])
    }
    for (const c of Object.values(columns)) c.finish()
    if (options.sqlTable) {
      // For people querying the store with SQL: the same rows as a table (costs their size again).
      let w = 0
      const at = new Uint32Array(kept)
      for (let i = 0; i < sorted.length; i++) if (keep[i]) at[w++] = sorted[i]
      bulkInsert(db, 'interactions', ['user_key', 'product_key', 'event_key', 'ts_ms'], kept, (i, p, o) => {
        const r = at[i]
        p[o] = user[r]
        p[o + 1] = product[r]
        p[o + 2] = event[r]
        p[o + 3] = tsMs[r]
      })
    }
    const info = db
      .prepare('INSERT INTO datasets (source, prepared_at, rows, users, products, first_ts_ms, last_ts_ms, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(label, new Date().toISOString(), kept, nUsers, nProducts, firstTs, lastTs, JSON.stringify(report))
    const datasetVersion = Number(info.lastInsertRowid)
    const elapsedMs = Date.now() - started
    const full: PrepareReport = {...report, datasetVersion, elapsedMs}
    recordRun(db, {
      stage: 'prepare',
      datasetVersion,
      params: {columns: resolved.names, botThreshold, strict, idType: options.idType ?? 'auto', defaultEvent: defaultEvent ?? null, dayFirst, sqlTable: options.sqlTable ?? false},
      startedAtMs: started,
      summary: full,
    })
    return full
  })
  // The write stays in WAL mode, although a rollback journal would write each page once (50M rows:
  // 228 s → 212 s): a write killed by Ctrl-C leaves a rollback journal that a read-only connection
  // (recommend, serve) cannot roll back, so the store would be unreadable until a writer opens it.
  // A killed WAL write leaves frames no reader looks at.
  // A large page cache spills fewer pages mid-write, but it is memory: 256 MiB keeps small and
  // medium stores whole and bounds the peak on tens of millions of rows.
  const result = withPragmas(db, {cache_size: -262144}, write)
  return {...result, elapsedMs: Date.now() - started}
}

/**
 * How a dictionary's ids are bound for the TEXT id columns. When every id is a plain integer they
 * go as numbers, and SQLite writes their text (a number bound from JS is a REAL, so it is cast to
 * INTEGER first: 42, not "42.0"): a fifth faster than making a JS string per id at 4.3M users.
 */
function idSql(dict: Dictionary): string {
  return dict.hasText ? '?' : 'CAST(? AS INTEGER)'
}

function idValue(dict: Dictionary, key: number): string | number {
  return dict.hasText ? dict.text(key) : dict.numberOf(key)
}

/**
 * The dataset's indexes (the unique product-id index: 20M ids at 50M rows), built by SQLite's
 * sorter. With temp_store = MEMORY its runs stay in memory whole (about 1 GiB for 20M products);
 * with FILE they spill. Helper threads and small in-memory runs make it faster: on the 50M store
 * 28.5 s with the write's 256 MiB cache and no helper, 10.6 s with a 16 MiB cache and 2 threads.
 */
function buildIndexes(db: Db): void {
  withPragmas(db, {temp_store: 'FILE', cache_size: -16384, threads: Math.min(4, availableParallelism())}, () => {
    for (const sql of DATASET_INDEXES) db.exec(sql)
  })
}

/**
 * Attributes the log itself carries (category, brand) go to the catalog as source 'log', replacing
 * the last prepare's; rows a \`recsys catalog\` import wrote are kept as they are.
 */
function replaceLogAttributes(
  db: Db,
  count: number,
  id: (i: number) => string,
  name: (i: number) => string | undefined,
  category: (i: number) => string | undefined,
  brand: (i: number) => string | undefined,
): void {
  db.exec("DELETE FROM catalog WHERE source = 'log'")
  const now = new Date().toISOString()
  const insert = db.prepare("INSERT OR IGNORE INTO catalog (product_id, name, category, brand, source, updated_at) VALUES (?, ?, ?, ?, 'log', ?)")
  for (let i = 0; i < count; i++) {
    const c = category(i)
    const b = brand(i)
    if (c === undefined && b === undefined) continue
    insert.run(id(i), name(i) ?? null, c ?? null, b ?? null, now)
  }
}

/**
 * Time order, duplicates and bots: the rows of `order` sorted by time, which of them are kept,
 * and the first bot users' ids. Drops are counted into `dropped`, with `note(reason, row)`.
 */
function cleanRows(
  rows: RowColumns,
  order: Uint32Array,
  users: Dictionary,
  botThreshold: number,
  dropped: DropCounts,
  note: (reason: DropReason, row: number) => void,
): {sorted: Uint32Array; keep: Uint8Array; botUsers: string[]} {
  const sorted = sortByTime(rows, order)
  const dup = markDuplicates(rows, sorted)
  const isBot = findBotUsers(rows, sorted, dup, users.size, botThreshold)
  const keep = new Uint8Array(sorted.length)
  for (let i = 0; i < sorted.length; i++) {
    if (dup[i]) {
      dropped.duplicate++
      note('duplicate', sorted[i])
    } else if (isBot[rows.user[sorted[i]]]) {
      dropped.bot++
      note('bot', sorted[i])
    } else keep[i] = 1
  }
  const botUsers: string[] = []
  for (let u = 0; u < isBot.length && botUsers.length < 1000; u++) if (isBot[u]) botUsers.push(users.text(u))
  return {sorted, keep, botUsers}
}
