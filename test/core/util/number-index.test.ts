import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {NumberIndex} from '../../../src/core/util/number-index.js'
import {createRng, sampleWithoutReplacement} from '../../../src/core/util/rng.js'

test('NumberIndex agrees with a Map through growth, for small and large integers', () => {
  const index = new NumberIndex(4)
  const reference = new Map<number, number>()
  const rng = createRng(3)
  for (let i = 0; i < 20_000; i++) {
    const x = rng.next() < 0.5 ? rng.int(50_000) : Math.floor(rng.next() * 1e15)
    if (!reference.has(x)) {
      reference.set(x, reference.size)
      index.add(x, reference.get(x)!)
    }
  }
  assert.is(index.size, reference.size)
  for (const [k, v] of reference) assert.is(index.get(k), v)
  assert.is(index.get(123_456_789_012), reference.get(123_456_789_012) ?? -1)
})

test('getOrAdd returns the stored value, or adds the given one once', () => {
  const index = new NumberIndex(2)
  const reference = new Map<number, number>()
  const rng = createRng(5)
  for (let i = 0; i < 5_000; i++) {
    const x = rng.int(3_000)
    const expected = reference.get(x) ?? reference.size
    assert.is(index.getOrAdd(x, reference.size), expected)
    if (!reference.has(x)) reference.set(x, expected)
  }
  assert.is(index.size, reference.size)
  for (const [k, v] of reference) assert.is(index.get(k), v)
})

test('seeded rng: same seed, same stream; different seeds differ', () => {
  const a = createRng(7)
  const b = createRng(7)
  const c = createRng(8)
  const sa = Array.from({length: 5}, () => a.next())
  assert.equal(sa, Array.from({length: 5}, () => b.next()))
  assert.not.equal(sa, Array.from({length: 5}, () => c.next()))
  for (const x of sa) assert.ok(x >= 0 && x < 1)
})

test('sampleWithoutReplacement gives distinct values in range', () => {
  const rng = createRng(1)
  for (const [n, k] of [[100, 10], [100, 90], [5, 5], [1000, 0]] as const) {
    const s = sampleWithoutReplacement(n, k, rng)
    assert.is(s.length, k)
    assert.is(new Set(s).size, k)
    for (const v of s) assert.ok(v >= 0 && v < n)
  }
})

test.run()
