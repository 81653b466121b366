import fc from 'fast-check'
import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {RowIngest, RowRejected, type RowLayout, type RowRules} from '../../../src/core/ingest/rows.js'
import {isTrimmedUnit, trimmedEnd, trimmedStart} from '../../../src/core/util/text-range.js'

const LAYOUT: RowLayout = {user: 0, product: 1, event: 2, time: 3, name: 4, category: -1, brand: 5, width: 6, names: {user: 'u', product: 'p', event: 'e'}}

/** Everything a RowIngest holds after its rows, as plain values to compare. */
function state(r: RowIngest): object {
  const texts = (d: RowIngest['users']) => Array.from({length: d.size}, (_, k) => d.rawValue(k))
  const user = r.user.toArray()
  return {
    users: texts(r.users),
    products: texts(r.products),
    events: texts(r.events),
    names: Array.from({length: r.products.size}, (_, k) => [r.productName.get(k), r.productBrand.get(k)]),
    user: [...user],
    product: [...r.product.toArray()],
    event: [...r.event.toArray()],
    ts: [...r.tsMs.toArray()],
    lines: Array.from({length: user.length}, (_, i) => r.lineOf(i)),
    dropped: r.dropped,
    sampleLines: r.sampleLines,
    dayFirst: [r.dayFirstLooking, r.dayFirstExample],
  }
}

/** Feeds the lines through add (split fields) or addLine (in place); a refusal ends the feed, as in prepare. */
function feed(lines: string[], delimiter: string, rules: RowRules, inPlace: boolean): {state: object; refused?: string} {
  const r = new RowIngest(LAYOUT, rules)
  // The line sits inside a longer text, as it does in a reader chunk.
  try {
    lines.forEach((text, i) => {
      if (inPlace) r.addLine(`x\n${text}\ny`, 2, 2 + text.length, i + 2, delimiter)
      else r.add(text.split(delimiter), i + 2)
    })
  } catch (error) {
    if (!(error instanceof RowRejected)) throw error
    return {state: state(r), refused: `${error.line} ${error.message} ${error.fatal}`}
  }
  return {state: state(r)}
}

// Mostly bare values, sometimes padded with whitespace that trim() removes.
const pad = (...spaces: string[]) => fc.oneof({arbitrary: fc.constant(''), weight: 4}, {arbitrary: fc.constantFrom(...spaces), weight: 1})
/** Mostly values a kept row has, sometimes ones that get a row dropped or refused. */
const mostly = (good: string[], bad: string[]) => fc.oneof({arbitrary: fc.constantFrom(...good), weight: 5}, {arbitrary: fc.constantFrom(...bad), weight: 1})
const ids = mostly(['1', '42', '042', '42.0', '7', '99999999999999', '1234567890123456', 'abc', 'ABC', 'café', 'nickname', '-3', '1e3'], ['null', 'NULL', 'n/a', 'nan', 'na', ''])
// Some begin others ('2024-01-02 03:04' and its seconds), and rows often repeat the last one, as logs do.
const times = mostly(['2024-01-02 03:04:05', '2024-01-02 03:04', '2024-01-02 03:04:05', '2024-01-02T03:04:05Z', '1700000000', '3/4/2024 5:06', '31.12.2023', ' 2024-01-02 '], ['2024-02-30 00:00:00', '13/4/2024', 'soon', ''])
// Cells that begin other cells ('vie', 'view'), and more than addLine matches in place.
const events = mostly(['view', 'View', 'vie', 'viewed', ' cart ', 'purchase', 'wishlist', 'rating', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm'], ['', 'NULL'])
const cell = (values: fc.Arbitrary<string>) => fc.tuple(pad(' ', '\t', '\u00a0', '\u3000', '\ufeff'), values, pad(' ', '\u2028', '\u00a0')).map((p) => p.join(''))

test('a row read in place (addLine) is taken exactly as its split fields are (add): keys, texts, columns, lines, drops', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(',', ';', '\t'),
      fc.boolean(),
      fc.boolean(),
      fc.array(
        fc.oneof(
          {arbitrary: fc.tuple(cell(ids), cell(ids), cell(events), times, cell(fc.constantFrom('Lamp', '', 'Große Tasse', ' ')), cell(fc.constantFrom('', 'Acme'))), weight: 8},
          {arbitrary: fc.array(cell(ids), {minLength: 1, maxLength: 8}), weight: 1},
        ),
        {minLength: 1, maxLength: 40},
      ),
      (delimiter, strict, dayFirst, rows) => {
        const lines = rows.map((fields) => fields.join(delimiter))
        const rules: RowRules = {strict, dayFirst, defaultEvent: strict ? undefined : 'view'}
        assert.equal(feed(lines, delimiter, rules, true), feed(lines, delimiter, rules, false))
      },
    ),
    {numRuns: 400, seed: 5},
  )
})

test('each product keeps the first non-empty name, category and brand its rows give, however they come', () => {
  const layout: RowLayout = {user: 0, product: 1, event: 2, time: 3, name: 4, category: 5, brand: 6, width: 7, names: {user: 'u', product: 'p', event: 'e'}}
  const text = fc.constantFrom('', '', ' ', 'A', 'B', 'Große Tasse')
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat({max: 12}), text, text, text, fc.boolean()), {minLength: 1, maxLength: 60}), (rows) => {
      const r = new RowIngest(layout, {strict: false, dayFirst: false})
      const first = new Map<string, string[]>()
      rows.forEach(([product, name, category, brand, inPlace], i) => {
        const fields = ['7', `p${product}`, 'view', '2024-01-02 03:04:05', name, category, brand]
        const line = fields.join(',')
        if (inPlace) r.addLine(line, 0, line.length, i + 2, ',')
        else r.add(fields, i + 2)
        const kept = first.get(`p${product}`) ?? ['', '', '']
        first.set(`p${product}`, kept.map((v, k) => v || fields[4 + k].trim()))
      })
      for (const [id, texts] of first) {
        const key = r.products.intern(id)
        assert.equal([r.productName.get(key), r.productCategory.get(key), r.productBrand.get(key)], texts.map((t) => t || undefined), id)
      }
      assert.is(r.productName.count, [...first.values()].filter((t) => t[0] !== '').length)
    }),
    {numRuns: 300, seed: 21},
  )
})

test('trimming a range in place removes exactly what String.prototype.trim removes', () => {
  for (let c = 0; c < 0x10000; c++) assert.is(isTrimmedUnit(c), String.fromCharCode(c).trim() === '', `U+${c.toString(16)}`)
  const s = ' \u00a0 a b\u3000 '
  assert.is(s.slice(trimmedStart(s, 0, s.length), trimmedEnd(s, trimmedStart(s, 0, s.length), s.length)), 'a b')
  assert.is(trimmedEnd(s, 2, 2), 2)
})

test.run()
