import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {densify, findBotUsers, markDuplicates, sortByTime} from '../../../src/core/ingest/clean.js'

const H = 3_600_000
const D = 24 * H
function rows(spec: Array<[number, number, number, number]>) {
  return {
    user: Int32Array.from(spec.map((r) => r[0])),
    product: Int32Array.from(spec.map((r) => r[1])),
    event: Uint16Array.from(spec.map((r) => r[2])),
    tsMs: Float64Array.from(spec.map((r) => r[3])),
  }
}
const identity = (n: number): Uint32Array => Uint32Array.from({length: n}, (_, i) => i)

test('sortByTime orders unsorted rows by time, then user, product, event', () => {
  const r = rows([
    [2, 0, 0, 30],
    [1, 0, 0, 10],
    [0, 5, 0, 30],
    [0, 1, 0, 30],
  ])
  assert.equal(Array.from(sortByTime(r, identity(4))), [1, 3, 2, 0])
})

test('sortByTime on already-sorted input sorts only ties', () => {
  const r = rows([
    [1, 0, 0, 10],
    [3, 0, 0, 20],
    [1, 0, 0, 20],
    [0, 0, 0, 40],
  ])
  assert.equal(Array.from(sortByTime(r, identity(4))), [0, 2, 1, 3])
})

test('markDuplicates flags exact repeats of (user, product, event, time) only', () => {
  const r = rows([
    [1, 1, 1, 10],
    [1, 1, 1, 10],
    [1, 1, 2, 10],
    [1, 1, 1, 11],
    [1, 1, 1, 10],
  ])
  const order = sortByTime(r, identity(5))
  const dup = markDuplicates(r, order)
  assert.is(dup.reduce((a, b) => a + b, 0), 2)
  assert.is(dup[0], 0, 'the first of a group is kept')
})

test('findBotUsers: more than threshold events in one UTC day, not spread over two', () => {
  const spec: Array<[number, number, number, number]> = []
  for (let i = 0; i < 6; i++) spec.push([0, i, 0, 10 * D + i * H]) // user 0: 6 in one day
  for (let i = 0; i < 6; i++) spec.push([1, i, 0, 10 * D + 20 * H + i * H]) // user 1: 4 + 2 across midnight
  for (let i = 0; i < 5; i++) spec.push([2, i, 0, 12 * D + i]) // user 2: exactly the threshold
  const r = rows(spec)
  const order = sortByTime(r, identity(spec.length))
  const bots = findBotUsers(r, order, new Uint8Array(spec.length), 3, 5)
  assert.equal(Array.from(bots), [1, 0, 0])
})

test('findBotUsers ignores rows marked to skip (duplicates)', () => {
  const spec: Array<[number, number, number, number]> = []
  for (let i = 0; i < 4; i++) spec.push([0, 0, 0, D + i])
  for (let i = 0; i < 4; i++) spec.push([0, 0, 0, D + i])
  const r = rows(spec)
  const order = sortByTime(r, identity(8))
  const dup = markDuplicates(r, order)
  assert.equal(Array.from(findBotUsers(r, order, dup, 1, 5)), [0])
  assert.equal(Array.from(findBotUsers(r, order, new Uint8Array(8), 1, 5)), [1])
})

test('densify numbers kept keys by first appearance, in place, and lists merged raw keys', () => {
  const keys = Int32Array.from([7, 3, 7, 5, 9])
  const keep = Uint8Array.from([1, 1, 1, 0, 1])
  const {keyOf, raws} = densify(keys, identity(5), keep, 10)
  assert.equal(Array.from(keyOf), [7, 3, 9])
  assert.equal(Array.from(keys), [0, 1, 0, 5, 2], 'kept rows rewritten; a key seen only on dropped rows is left as it was')
  assert.is(raws, undefined)
  // Raw keys 0..4 where 2 and 4 were merged into 1 ("42.0" into "42"), and 3 is invalid.
  const merged = Int32Array.from([0, 1, 1, -1, 1])
  const rows = Int32Array.from([1, 0, 1])
  const out = densify(rows, identity(3), Uint8Array.from([1, 1, 1]), 5, merged)
  assert.equal(Array.from(out.keyOf), [1, 0])
  assert.equal(Array.from(out.raws!.start), [1, 0])
  assert.equal([out.raws!.next[1], out.raws!.next[2], out.raws!.next[4]], [2, 4, -1])
})

test.run()
