import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {resolveEngagementOptions} from '../../../src/core/engagement/score.js'
import {buildAttributes, buildContentIndex, fitContent, productTokens} from '../../../src/core/rankings/content.js'
import {rankingData} from '../../../src/core/rankings/data.js'
import {datasetOf} from '../../helpers/data.js'

test('tokens: name words, the category and each of its ancestors, the brand', () => {
  assert.equal(productTokens({name: 'Red Lamp, 2-Pack', category: 'home.lighting', brand: 'Kato'}), ['red', 'lamp', 'pack', 'c:home', 'c:home.lighting', 'b:kato'])
  assert.equal(productTokens({}), [])
})

test('a product nobody touched gets the users whose past products are like it, by TF-IDF cosine', () => {
  // p0 "red lamp" (u0), p1 "red mug" (u2), p2 "blue chair" (u1); p3 "red lamp" is new (no rows).
  const data = datasetOf([[0, 0], [1, 2], [2, 1]], 3, 3)
  const attributes = buildAttributes([{name: 'red lamp'}, {name: 'red mug'}, {name: 'blue chair'}, {name: 'red lamp'}])
  const period = rankingData(data, data.nRows, resolveEngagementOptions(), {nProducts: 4, attributes})
  const model = fitContent(period)
  const users = new Int32Array(3)
  const scores = new Float64Array(3)
  const n = model.head(3, 3, users, scores)
  assert.equal(Array.from(users.subarray(0, n)), [0, 2], 'u1 (blue chair) shares no token')
  // idf = ln(4 / df): red 3 products, lamp 2, mug 1. A cart weighs 3.
  const idf = {red: Math.log(4 / 3), lamp: Math.log(2), mug: Math.log(4)}
  const norm = {lamp: Math.hypot(idf.red, idf.lamp), mug: Math.hypot(idf.red, idf.mug)}
  // u0 touched a product with p3's very tokens: cosine 1, times the cart's weight 3 (the best: scaled to 1).
  assert.ok(Math.abs(scores[0] - 1) < 1e-6, `${scores[0]} (affinities are stored as Float32)`)
  // u2 shares only "red": (idf_red/‖p3‖)·(3·idf_red/‖p1‖), over the best's 3.
  assert.ok(Math.abs(scores[1] - ((idf.red / norm.lamp) * ((3 * idf.red) / norm.mug)) / 3) < 1e-6, `${scores[1]}`)
  // A product someone touched never lists them.
  const m = model.head(0, 3, users, scores)
  assert.not.ok(Array.from(users.subarray(0, m)).includes(0))
})

test('postings merged block by block are the same as in one pass, the cap included', () => {
  const rows: Array<[number, number]> = []
  for (let u = 0; u < 40; u++) for (let k = 0; k < 3; k++) rows.push([u, (u * 7 + k * 3) % 12])
  const data = datasetOf(rows, 40, 12)
  const names = ['red lamp', 'red mug', 'blue lamp', 'blue mug', 'oak desk', 'oak chair', 'red desk', 'blue chair', 'soft lamp', 'soft mug', 'oak lamp', 'red chair']
  const period = rankingData(data, data.nRows, resolveEngagementOptions(), {attributes: buildAttributes(names.map((name) => ({name})))})
  for (const maxPostings of [1000, 7]) {
    const whole = buildContentIndex(period, {maxPostings})
    const blocks = buildContentIndex(period, {maxPostings, usersPerBlock: 3})
    assert.equal(Array.from(blocks.offsets), Array.from(whole.offsets))
    assert.equal(Array.from(blocks.users), Array.from(whole.users))
    assert.equal(Array.from(blocks.affinity), Array.from(whole.affinity))
    if (maxPostings === 7) for (let t = 0; t + 1 < whole.offsets.length; t++) assert.ok(whole.offsets[t + 1] - whole.offsets[t] <= 7)
  }
})

test.run()
