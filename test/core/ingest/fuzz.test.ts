import * as fc from 'fast-check'
import {suite} from 'uvu'
import * as assert from 'uvu/assert'

import {RecsysError} from '../../../src/core/errors.js'
import {prepareDataset} from '../../../src/core/ingest/prepare.js'
import {parseTimestampMs} from '../../../src/core/ingest/timestamps.js'
import {loadDataset} from '../../../src/core/store/dataset.js'
import {type Db, openStore} from '../../../src/core/store/open.js'
import {tempDir} from '../../helpers/tmp.js'

/**
 * Property-based tests of prepare over generated CSV files: random delimiters, BOMs, CRLF, quoting,
 * empty fields, stray quotes, long fields, blank lines and bad timestamps. Seeded; the number of
 * cases comes from RECSYS_FUZZ_RUNS (default 300) and the seed from RECSYS_FUZZ_SEED.
 */
const RUNS = Number(process.env.RECSYS_FUZZ_RUNS ?? 300)
const SEED = Number(process.env.RECSYS_FUZZ_SEED ?? 20_261_130)

type RowSpec =
  | {kind: 'clean'; user: number; product: number; name: string; event: string; ts: string}
  | {kind: 'badTime'; user: number; product: number; ts: string}
  | {kind: 'nullUser' | 'nullProduct'; user: number; product: number}
  | {kind: 'stray'; user: number; product: number; field: 'user' | 'product' | 'name' | 'event'}
  | {kind: 'short'; user: number}
  | {kind: 'blank'}

interface CsvCase {
  delimiter: string
  newline: string
  bom: boolean
  trailingNewline: boolean
  rows: RowSpec[]
}

const EVENTS = ['cart', 'purchased', 'wishlist', 'view']
// Names start with a letter and never end in a space (prepare trims names); inside they may hold
// delimiters, quotes, line breaks and non-ASCII text.
const nameArb = fc
  .tuple(
    fc.constantFrom('Lamp', 'Mug', 'Café', 'Stuhl', 'Ökö', 'Toy'),
    fc.array(fc.constantFrom(' ', ',', ';', '\t', '|', '"', '""', '\n', '\r\n', 'x', 'é', '12" Edition', 'a'.repeat(3000)), {maxLength: 6}),
    fc.constantFrom('', 'Z', '.'),
  )
  .map(([head, middle, tail]) => `${head}${middle.join('')}${tail}`.replace(/\s+$/, '') || head)
const tsArb = fc.integer({min: Date.UTC(2022, 0, 1) / 1000, max: Date.UTC(2023, 11, 31) / 1000}).map((s) => new Date(s * 1000).toISOString().replace('T', ' ').replace('.000Z', '+00:00'))
const idArb = fc.integer({min: 1, max: 40})

const rowArb: fc.Arbitrary<RowSpec> = fc.oneof(
  {weight: 12, arbitrary: fc.record({kind: fc.constant('clean' as const), user: idArb, product: idArb, name: nameArb, event: fc.constantFrom(...EVENTS), ts: tsArb})},
  {weight: 1, arbitrary: fc.record({kind: fc.constant('badTime' as const), user: idArb, product: idArb, ts: fc.constantFrom('yesterday', '31/31/2023', '2023-02-30 10:00:00', '', '1899-01-01')})},
  {weight: 1, arbitrary: fc.record({kind: fc.constantFrom('nullUser' as const, 'nullProduct' as const), user: idArb, product: idArb})},
  {weight: 2, arbitrary: fc.record({kind: fc.constant('stray' as const), user: idArb, product: idArb, field: fc.constantFrom('user' as const, 'product' as const, 'name' as const, 'event' as const)})},
  {weight: 1, arbitrary: fc.record({kind: fc.constant('short' as const), user: idArb})},
  {weight: 1, arbitrary: fc.constant({kind: 'blank' as const})},
)

const caseArb: fc.Arbitrary<CsvCase> = fc.record({
  delimiter: fc.constantFrom(',', ';', '\t', '|'),
  newline: fc.constantFrom('\n', '\r\n'),
  bom: fc.boolean(),
  trailingNewline: fc.boolean(),
  rows: fc.array(rowArb, {minLength: 1, maxLength: 40}),
})

/** A field as RFC 4180 writes it for this delimiter. */
function field(value: string, delimiter: string): string {
  return value.includes(delimiter) || /["\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

function render(c: CsvCase): string {
  const d = c.delimiter
  const lines = ['customer_id', 'product_id', 'product_name', 'event', 'event_date'].join(d)
  const out = [lines]
  for (const r of c.rows) {
    switch (r.kind) {
      case 'clean':
        out.push([String(r.user), String(r.product), field(r.name, d), r.event, r.ts].join(d))
        break
      case 'badTime':
        out.push([String(r.user), String(r.product), 'Thing', 'cart', field(r.ts, d)].join(d))
        break
      case 'nullUser':
        out.push(['', String(r.product), 'Thing', 'cart', '2022-05-01'].join(d))
        break
      case 'nullProduct':
        out.push([String(r.user), 'NULL', 'Thing', 'cart', '2022-05-01'].join(d))
        break
      case 'stray': {
        const fields = [String(r.user), String(r.product), 'Stray Thing', 'cart', '2022-06-01 10:00:00']
        const at = {user: 0, product: 1, name: 2, event: 3}[r.field]
        fields[at] = `"${fields[at]}`
        out.push(fields.join(d))
        break
      }
      case 'short':
        out.push([String(r.user), '7', 'Thing', 'cart'].join(d))
        break
      case 'blank':
        out.push('')
        break
    }
  }
  return `${c.bom ? '\uFEFF' : ''}${out.join(c.newline)}${c.trailingNewline ? c.newline : ''}`
}

/** Physical lines of a text: line breaks, plus a last line that has none. */
function physicalLines(text: string): number {
  const breaks = text.split('\n').length - 1
  return breaks + (text.length > 0 && !text.endsWith('\n') ? 1 : 0)
}

/** What prepare must keep: clean rows, each exact (user, product, event, time) once, and each product's first name. */
function expected(c: CsvCase): {tuples: string[]; names: Map<string, string>; rows: number} {
  const seen = new Set<string>()
  const names = new Map<string, string>()
  let rows = 0
  for (const r of c.rows) {
    if (r.kind === 'blank') continue
    rows++
    if (r.kind !== 'clean') continue
    const key = `${r.user}|${r.product}|${r.event}|${parseTimestampMs(r.ts)}`
    seen.add(key)
    if (!names.has(String(r.product))) names.set(String(r.product), r.name)
  }
  return {tuples: [...seen].sort(), names, rows}
}

const Fuzz = suite<{tmp: ReturnType<typeof tempDir>; db: Db}>('prepare, fuzzed', {} as never)
Fuzz.before((ctx) => {
  ctx.tmp = tempDir()
  ctx.db = openStore(ctx.tmp.file('fuzz.db'))
})
Fuzz.after((ctx) => {
  ctx.db.close()
  ctx.tmp.cleanup()
})

function stored(db: Db): {tuples: string[]; names: Map<string, string>} {
  const data = loadDataset(db)
  const users = db.prepare('SELECT user_id FROM users ORDER BY user_key').pluck().all() as string[]
  const products = db.prepare('SELECT product_id, name FROM products ORDER BY product_key').all() as Array<{product_id: string; name: string | null}>
  const tuples = Array.from({length: data.nRows}, (_, i) => `${users[data.userKey[i]]}|${products[data.productKey[i]].product_id}|${data.eventNames[data.eventKey[i]]}|${data.tsMs[i]}`)
  return {tuples: tuples.sort(), names: new Map(products.map((p) => [p.product_id, p.name ?? '']))}
}

Fuzz('never crashes; every line and row is accounted for; clean rows are stored exactly', async (ctx) => {
  let n = 0
  await fc.assert(
    fc.asyncProperty(caseArb, async (c) => {
      const text = render(c)
      const path = ctx.tmp.file(`case-${n++}.csv`, text)
      const want = expected(c)
      let report
      try {
        report = await prepareDataset(ctx.db, {source: {kind: 'file', path}, delimiter: c.delimiter})
      } catch (error) {
        // The only acceptable failure: nothing survived cleaning.
        assert.instance(error, RecsysError)
        assert.is((error as RecsysError).code, 'NO_DATA', (error as Error).message)
        assert.is(want.tuples.length, 0, `prepare failed although clean rows exist: ${(error as Error).message}`)
        return
      }
      assert.is(report.lines, physicalLines(text), 'lines counted')
      assert.is(report.headerLines + report.blankLines + report.rowsRead + report.continuationLines, report.lines, 'lines = header + blank + rows + continuation')
      assert.is(report.rowsRead, want.rows, 'one row read per generated row')
      const droppedSum = Object.values(report.dropped).reduce((a, b) => a + b, 0)
      assert.is(report.droppedTotal, droppedSum)
      assert.is(report.rowsKept + report.droppedTotal, report.rowsRead, 'rows read = kept + dropped')
      assert.is(report.dropped.malformedQuote, c.rows.filter((r) => r.kind === 'stray').length, 'each stray quote costs exactly its line')
      const got = stored(ctx.db)
      assert.equal(got.tuples, want.tuples, 'exactly the clean rows are stored')
      for (const [product, name] of want.names) assert.is(got.names.get(product), name, `product ${product}'s name, byte for byte`)
    }),
    {numRuns: RUNS, seed: SEED, endOnFailure: true},
  )
})

Fuzz('a failed run (strict, or interrupted) leaves the previous dataset as it was', async (ctx) => {
  let n = 0
  await fc.assert(
    fc.asyncProperty(caseArb, caseArb, async (first, second) => {
      const good = {...first, rows: [...first.rows, {kind: 'clean' as const, user: 1, product: 1, name: 'Anchor', event: 'cart', ts: '2022-03-03 03:03:03+00:00'}]}
      const before = await prepareDataset(ctx.db, {source: {kind: 'file', path: ctx.tmp.file(`keep-${n++}.csv`, render(good))}, delimiter: good.delimiter})
      const snapshot = stored(ctx.db)
      const dirty = {...second, rows: [...second.rows, {kind: 'stray' as const, user: 2, product: 2, field: 'name' as const}]}
      const path = ctx.tmp.file(`fail-${n++}.csv`, render(dirty))
      const abort = new AbortController()
      abort.abort()
      for (const options of [{strict: true}, {signal: abort.signal}]) {
        try {
          await prepareDataset(ctx.db, {source: {kind: 'file', path}, delimiter: dirty.delimiter, ...options})
          assert.unreachable('the run should fail')
        } catch (error) {
          assert.instance(error, RecsysError)
          assert.ok(['BAD_ROW', 'INTERRUPTED'].includes((error as RecsysError).code), (error as Error).message)
        }
        assert.is(loadDataset(ctx.db).version, before.datasetVersion)
        assert.equal(stored(ctx.db), snapshot)
      }
    }),
    {numRuns: Math.max(10, Math.round(RUNS / 5)), seed: SEED + 1, endOnFailure: true},
  )
})

Fuzz.run()
