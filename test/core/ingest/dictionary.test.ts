import fc from 'fast-check'
import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {Dictionary, plainIntegerRange} from '../../../src/core/ingest/dictionary.js'

test('keys follow first sight and stay put as the tables grow, for integer, text and mixed ids', () => {
  for (const make of [(i: number) => String(10_000_000 + i * 7), (i: number) => `sku-${i}`, (i: number) => (i % 3 === 0 ? `x${i}` : String(i))]) {
    const d = new Dictionary()
    const n = 50_000
    for (let i = 0; i < n; i++) assert.is(d.intern(make(i)), i)
    // Looked up again after every growth, each id finds its own key.
    for (let i = 0; i < n; i++) if (d.intern(make(i)) !== i) assert.unreachable(`id ${make(i)} got a new key`)
    assert.is(d.size, n)
    for (let i = 0; i < n; i += 997) assert.is(d.text(i), make(i))
  }
})

test('intern agrees with a Map on generated ids, read whole or as ranges of a longer text', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.nat({max: 300}).map(String), fc.stringMatching(/^[0-9a-z.]{0,4}$/), fc.constantFrom('0', '00', '007', '1e3', '999999999999999', '1234567890123456')), {maxLength: 300}), (ids) => {
      const d = new Dictionary()
      const ranges = new Dictionary()
      const seen = new Map<string, number>()
      const text = `|${ids.join('|')}|`
      let at = 1
      for (const id of ids) {
        if (!seen.has(id)) seen.set(id, seen.size)
        assert.is(d.intern(id), seen.get(id))
        assert.is(ranges.internRange(text, at, at + id.length), seen.get(id))
        at += id.length + 1
      }
      for (const [id, key] of seen) {
        assert.is(d.text(key), id)
        assert.is(ranges.text(key), id)
        assert.ok(Object.is(d.numberOf(key), plainIntegerRange(id, 0, id.length) >= 0 ? Number(id) : Number.NaN), id)
      }
    }),
    {numRuns: 300, seed: 4},
  )
})

test('after closeLookups keys and texts stay readable and interning is refused', () => {
  const d = new Dictionary()
  d.intern('42')
  d.intern('abc')
  d.closeLookups()
  assert.equal([d.text(0), d.text(1), d.rawValue(0), d.hasText], ['42', 'abc', 42, true])
  assert.throws(() => d.intern('7'), /closeLookups/)
  assert.throws(() => d.intern('x'), /closeLookups/)
})

test.run()
