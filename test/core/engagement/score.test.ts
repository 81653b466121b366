import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {computeFeatures, parseWeightList, rankUsers, resolveEngagementOptions} from '../../../src/core/engagement/score.js'

const D = 86_400_000
const H = 3_600_000
// Users A=0, B=1, C=2; events purchased=0, cart=1, wishlist=2; rows sorted by time.
const rows = [
  [0, 0, 0, 10 * H], // A purchased p0, day 0 10:00
  [2, 2, 2, 10 * H + 1], // C wishlist p2
  [2, 2, 2, 11 * H], // C wishlist p2 again
  [1, 0, 1, D], // B cart p0, day 1 00:00
  [0, 1, 1, 2 * D + 10 * H], // A cart p1, day 2 10:00 (the dataset's last timestamp)
]
const cols = {
  userKey: Int32Array.from(rows, (r) => r[0]),
  productKey: Int32Array.from(rows, (r) => r[1]),
  eventKey: Uint16Array.from(rows, (r) => r[2]),
  tsMs: Float64Array.from(rows, (r) => r[3]),
}
const EVENTS = ['purchased', 'cart', 'wishlist']

test('engagement components and score match a hand-computed example', () => {
  const f = computeFeatures(cols, 3, 3, EVENTS, resolveEngagementOptions())
  // Raw: A volume 2, breadth 2, quality (5+3)/2 = 4, frequency 2/(2+1), recency exp(0) = 1.
  //      B volume 1, breadth 1, quality 3, frequency 1/1, recency exp(-1/90) (1.42 days → 1 whole day).
  //      C volume 2, breadth 1, quality 2, frequency 2/1, recency exp(-1/90).
  assert.equal([0, 1, 2].map((u) => f.raw('quality', u)), [4, 3, 2])
  assert.ok(Math.abs(f.raw('frequency', 0) - 2 / 3) < 1e-12)
  assert.equal([1, 2].map((u) => f.raw('frequency', u)), [1, 2])
  assert.equal([0, 1, 2].map((u) => f.raw('recency', u)), [1, Math.exp(-1 / 90), Math.exp(-1 / 90)])
  // Min-max: volume [1,0,1], breadth [1,0,0], quality [1,0.5,0], frequency [0,0.25,1], recency [1,0,0].
  assert.equal([0, 1, 2].map((u) => f.normalised('frequency', u)), [0, 0.25, 1])
  const expected = [0.35 + 0.25 + 0.2 + 0.05, 0.2 * 0.5 + 0.15 * 0.25, 0.35 + 0.15]
  for (let u = 0; u < 3; u++) assert.ok(Math.abs(f.engagement[u] - expected[u]) < 1e-12, `user ${u}: ${f.engagement[u]} vs ${expected[u]}`)
  assert.equal(Array.from(rankUsers(f.engagement, f.active)), [0, 2, 1])
})

test('a row range gives features of that period only, recency counted to its own end', () => {
  const f = computeFeatures(cols, 3, 3, EVENTS, resolveEngagementOptions(), 0, 3)
  assert.equal(Array.from(f.active), [1, 0, 1])
  assert.is(f.referenceTsMs, 11 * H)
  assert.equal(Array.from(rankUsers(f.engagement, f.active)).includes(1), false)
})

test('weights, event weights and decay are respected; constant components count 0', () => {
  const onlyRecency = resolveEngagementOptions({weights: {volume: 0, breadth: 0, quality: 0, frequency: 0, recency: 1}, decayDays: 1})
  const f = computeFeatures(cols, 3, 3, EVENTS, onlyRecency)
  assert.equal(Array.from(f.engagement), [1, 0, 0])
  const flat = computeFeatures(cols, 3, 3, EVENTS, resolveEngagementOptions({eventWeights: {purchased: 1, cart: 1, wishlist: 1}}))
  assert.equal([0, 1, 2].map((u) => flat.normalised('quality', u)), [0, 0, 0])
})

test('ranking by score: highest first, ties by the lower user key, negatives and zeros in their place', () => {
  const score = Float64Array.from([0.5, -1, 0.5, 0, 2, -0, 1e-300, -3])
  const active = Uint8Array.from([1, 1, 1, 1, 1, 1, 1, 0])
  assert.equal(Array.from(rankUsers(score, active)), [4, 0, 2, 6, 3, 5, 1])
  const many = Float64Array.from({length: 5000}, (_, i) => ((i * 7919) % 1000) / 1000)
  const order = Array.from(rankUsers(many, new Uint8Array(5000).fill(1)))
  const expected = Array.from({length: 5000}, (_, i) => i).sort((a, b) => many[b] - many[a] || a - b)
  assert.equal(order, expected, 'the same as a comparison sort')
})

test('other schemas: purchase, transaction and addtocart weigh as purchased and cart', () => {
  const other = computeFeatures(cols, 3, 3, ['purchase', 'addtocart', 'view'], resolveEngagementOptions())
  const reference = computeFeatures(cols, 3, 3, EVENTS, resolveEngagementOptions())
  assert.is(other.raw('quality', 0), reference.raw('quality', 0), 'user A: (5 + 3) / 2 either way')
  assert.is(computeFeatures(cols, 3, 3, ['transaction', 'cart', 'view'], resolveEngagementOptions()).raw('quality', 0), 4)
})

test('ties rank by user key', () => {
  assert.equal(Array.from(rankUsers(Float64Array.from([0.5, 0.9, 0.5, 0.9]), Uint8Array.from([1, 1, 1, 1]))), [1, 3, 0, 2])
})

test('weight lists parse, and bad ones name the flag', () => {
  assert.equal(parseWeightList('purchased=5, view=0.5', '--event-weights'), {purchased: 5, view: 0.5})
  assert.throws(() => parseWeightList('volume=x', '--weights'), /--weights: cannot read "volume=x"/)
  assert.throws(() => parseWeightList('speed=1', '--weights', ['volume']), /unknown name "speed"/)
})

test.run()
