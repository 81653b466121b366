import fc from 'fast-check'
import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {Dictionary, FirstText, plainIntegerRange} from '../../../src/core/ingest/dictionary.js'

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

/** Interns each id, checking its key against first sight and (at the end) every key's value and text. */
function checkAgainstMap(d: Dictionary, ids: number[]): void {
  const seen = new Map<number, number>()
  for (const id of ids) {
    if (!seen.has(id)) seen.set(id, seen.size)
    const key = d.internNumber(id)
    if (key !== seen.get(id)) assert.unreachable(`id ${id}: key ${key}, expected ${seen.get(id)}`)
  }
  assert.is(d.size, seen.size)
  for (const [id, key] of seen) {
    assert.is(d.numberOf(key), id)
    assert.is(d.text(key), String(id))
  }
}

test('integer ids keep first-sight keys whether looked up directly or hashed, and across each switch', () => {
  // A direct table may always span 256 entries here (16M in use), so small cases reach both ways.
  const small = (): Dictionary => new Dictionary(256)
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.nat({max: 200}),
          fc.integer({min: 1000, max: 1300}),
          fc.integer({min: 0, max: 100_000}),
          fc.constantFrom(0, 999_999_999_999_999),
          // Runs that rise or fall, as auto-increment ids do.
          fc.integer({min: 0, max: 5000}).map((x) => -x - 1),
        ),
        {maxLength: 400, size: 'max'},
      ),
      (draws) => {
        let last = 500_000
        const ids = draws.map((x) => (x < 0 ? (last += x % 2 === 0 ? 3 : -3) : x))
        checkAgainstMap(small(), ids)
        // The same ids, whole and as ranges of a longer text, through the parse path.
        const text = ids.join(',')
        const d = small()
        let at = 0
        for (const id of ids) {
          const to = at + String(id).length
          assert.is(d.internRange(text, at, to), d.intern(String(id)))
          at = to + 1
        }
      },
    ),
    {numRuns: 300, seed: 12},
  )
})

test('a dense range stays direct, a far id moves it to the hash, and enough ids bring it back', () => {
  const d = new Dictionary(1024)
  const ids: number[] = []
  for (let i = 0; i < 1000; i++) ids.push(5000 + ((i * 7919) % 1000))
  checkAgainstMap(d, ids)
  assert.is(d.integerLookup, 'direct')
  d.internNumber(5000 + 50_000)
  assert.is(d.integerLookup, 'hash')
  // 50,000 ids spanning 50,001 values: once the hash would need 2^17 slots, the range fits again.
  for (let i = 0; i < 50_000; i++) ids.push(5000 + ((i * 7919) % 50_000))
  ids.push(55_000)
  checkAgainstMap(new Dictionary(1024), ids)
  for (let i = 0; i < 50_000; i++) d.internNumber(5000 + ((i * 7919) % 50_000))
  assert.is(d.integerLookup, 'direct')
  assert.is(d.size, 50_001)
  // Text ids share the key space without disturbing the integer lookup.
  assert.is(d.intern('sku-1'), 50_001)
  assert.is(d.intern('6000'), d.internNumber(6000))
  assert.is(d.integerLookup, 'direct')
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

test('FirstText keeps the first text per key, says which keys have one, and counts them, across growth', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(20_000), fc.string({maxLength: 12})), {maxLength: 400}), (sets) => {
      const texts = new FirstText()
      const model = new Map<number, string>()
      for (const [key, s] of sets) {
        // prepare sets a key's text only while it has none; set() itself replaces it.
        texts.set(key, s)
        model.set(key, s)
      }
      assert.is(texts.count, model.size)
      for (let key = 0; key <= 20_050; key += key < 64 ? 1 : 97) {
        assert.is(texts.has(key), model.has(key), `has(${key})`)
        assert.is(texts.get(key), model.get(key))
      }
      for (const [key, s] of model) assert.is(texts.get(key), s)
    }),
  )
})

test.run()
