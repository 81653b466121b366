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

test('each token keeps its best users by affinity (ties to the lower key), listed in key order', () => {
  const rows: Array<[number, number]> = []
  for (let u = 0; u < 60; u++) for (let k = 0; k < 1 + (u % 3); k++) rows.push([u, (u * 7 + k * 3) % 12])
  const data = datasetOf(rows, 60, 12)
  const names = ['red lamp', 'red mug', 'blue lamp', 'blue mug', 'oak desk', 'oak chair', 'red desk', 'blue chair', 'soft lamp', 'soft mug', 'oak lamp', 'red chair']
  const period = rankingData(data, data.nRows, resolveEngagementOptions(), {attributes: buildAttributes(names.map((name) => ({name})))})
  const all = buildContentIndex(period, {maxPostings: 1000})
  let ties = 0
  for (const cap of [0, 1, 7, 25]) {
    const capped = buildContentIndex(period, {maxPostings: cap})
    for (let t = 0; t + 1 < all.offsets.length; t++) {
      const entries = Array.from({length: all.offsets[t + 1] - all.offsets[t]}, (_, i) => ({u: all.users[all.offsets[t] + i], a: all.affinity[all.offsets[t] + i]}))
      assert.equal(entries.map((e) => e.u), [...entries.map((e) => e.u)].sort((a, b) => a - b), 'the uncapped list is in key order')
      const best = [...entries].sort((x, y) => y.a - x.a || x.u - y.u).slice(0, cap)
      if (cap > 0 && cap < entries.length && entries.filter((e) => e.a === best[cap - 1].a).length > 1) ties++
      best.sort((x, y) => x.u - y.u)
      const got = Array.from({length: capped.offsets[t + 1] - capped.offsets[t]}, (_, i) => ({u: capped.users[capped.offsets[t] + i], a: capped.affinity[capped.offsets[t] + i]}))
      assert.equal(got, best, `token ${all.vocabulary[t]}, cap ${cap}`)
    }
  }
  assert.ok(ties > 0, 'the data has ties at the cap, so the tie rule is exercised')
})

test('affinities equal the TF-IDF sums over each user\'s products, with names repeated, missing, and a token in every product', () => {
  // 6,000 products over 2,500 texts (variants share one: the texts outnumber the first hash table,
  // so lookups collide and it grows), every third product without one; "shop" is in every
  // described product, so its idf is 0 and it must carry nothing.
  const P = 6000
  const texts = Array.from({length: 2500}, (_, i) => `shop w${i % 50} v${Math.floor(i / 50)}`)
  const names = Array.from({length: P}, (_, p) => (p % 3 === 2 ? undefined : {name: texts[(p * 7919) % texts.length]}))
  let seed = 7
  const next = (n: number) => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0
    return seed % n
  }
  const rows: Array<[number, number]> = []
  for (let u = 0; u < 2000; u++) for (let k = 0, n = 1 + next(4); k < n; k++) rows.push([u, next(P)])
  const data = datasetOf(rows, 2000, P)
  const attributes = buildAttributes(names)
  const period = rankingData(data, data.nRows, resolveEngagementOptions(), {attributes})
  const index = buildContentIndex(period, {maxPostings: 10_000})
  // Brute force, straight from the formula.
  const V = attributes.vocabulary.length
  const described = names.filter(Boolean).length
  const df = new Float64Array(V)
  const tokensOf = (p: number) => Array.from(attributes.tokens.subarray(attributes.offsets[p], attributes.offsets[p + 1]))
  for (let p = 0; p < P; p++) for (const t of tokensOf(p)) df[t]++
  const idf = Array.from(df, (d) => (d > 0 ? Math.log(described / d) : 0))
  assert.is(idf[attributes.vocabulary.indexOf('shop')], 0)
  const expected = new Map<string, number>()
  const {histories} = period
  for (let u = 0; u < 2000; u++) {
    for (let x = histories.offsets[u]; x < histories.offsets[u + 1]; x++) {
      const tokens = tokensOf(histories.cols[x])
      const norm = Math.hypot(...tokens.map((t) => idf[t]))
      if (norm === 0) continue
      for (const t of tokens) if (idf[t] !== 0) expected.set(`${t}:${u}`, (expected.get(`${t}:${u}`) ?? 0) + (histories.weight![x] * idf[t]) / norm)
    }
  }
  let entries = 0
  for (let t = 0; t < V; t++) {
    for (let x = index.offsets[t]; x < index.offsets[t + 1]; x++) {
      const want = expected.get(`${t}:${index.users[x]}`)
      assert.ok(want !== undefined && Math.abs(index.affinity[x] - want) <= 1e-5 * want, `token ${attributes.vocabulary[t]}, user ${index.users[x]}: ${index.affinity[x]} against ${want}`)
      entries++
    }
  }
  assert.is(entries, expected.size, 'every (token, user) pair with affinity is listed')
})

test.run()
