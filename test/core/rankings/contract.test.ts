import {suite} from 'uvu'
import * as assert from 'uvu/assert'

import {resolveEngagementOptions} from '../../../src/core/engagement/score.js'
import {trainAlsOn} from '../../../src/core/rankings/als.js'
import {buildAttributes} from '../../../src/core/rankings/content.js'
import {RANKING_NAMES, type RankingData, type RankingModel, type RankingName, RankScratch, rankTopK} from '../../../src/core/rankings/contract.js'
import {rankingData} from '../../../src/core/rankings/data.js'
import {fitRandom} from '../../../src/core/rankings/global.js'
import {type FitContext, fitRanking} from '../../../src/core/rankings/registry.js'
import {createRng} from '../../../src/core/util/rng.js'
import {datasetOf} from '../../helpers/data.js'

/**
 * One contract, every ranking: audiences never hold an interactor of the product, never repeat a
 * user, never rise in score, come out the same every time, and exist for a product with no history.
 */
const Contract = suite<{period: RankingData; ctx: FitContext}>('ranking contract', {} as never)

const N_USERS = 60
const N_PRODUCTS = 30
const WORDS = ['red', 'blue', 'lamp', 'mug', 'chair', 'desk', 'soft', 'oak']

Contract.before(async (c) => {
  // Users in three taste groups of ten products, with some noise; product 30 is catalog-only.
  const rng = createRng(5)
  const rows: Array<[number, number]> = []
  for (let i = 0; i < 900; i++) {
    const u = rng.int(N_USERS)
    const p = rng.next() < 0.8 ? (u % 3) * 10 + rng.int(10) : rng.int(N_PRODUCTS)
    rows.push([u, p])
  }
  const data = datasetOf(rows, N_USERS, N_PRODUCTS)
  const texts = Array.from({length: N_PRODUCTS + 1}, (_, p) => ({name: `${WORDS[p % 8]} ${WORDS[(p * 3) % 8]}`, category: `group${Math.min(2, Math.floor(p / 10))}`}))
  c.period = rankingData(data, data.nRows, resolveEngagementOptions(), {nProducts: N_PRODUCTS + 1, attributes: buildAttributes(texts)})
  c.ctx = {data: c.period, als: await trainAlsOn(c.period, {factors: 4, iterations: 3, seed: 1})}
})

function audience(model: RankingModel, period: RankingData, p: number, k: number): {users: number[]; scores: number[]} {
  const users = new Int32Array(k)
  const scores = new Float64Array(k)
  const n = rankTopK(model, p, k, period.interactors, new RankScratch(period.nUsers), users, scores)
  return {users: Array.from(users.subarray(0, n)), scores: Array.from(scores.subarray(0, n))}
}

const models = (c: {ctx: FitContext; period: RankingData}): Array<[string, RankingModel]> => [
  ...RANKING_NAMES.map((name): [string, RankingModel] => [name, fitRanking(name as RankingName, c.ctx)]),
  ['random', fitRandom(c.period, 3)],
]

Contract('no interactor, no repeat, scores never rise, for every ranking and product', (c) => {
  for (const [name, model] of models(c)) {
    for (let p = 0; p < N_PRODUCTS; p++) {
      const a = audience(model, c.period, p, 15)
      const interactors = new Set(c.period.interactors.cols.subarray(c.period.interactors.offsets[p], c.period.interactors.offsets[p + 1]))
      assert.ok(a.users.length > 0, `${name}: product ${p} has an audience`)
      for (const u of a.users) assert.not.ok(interactors.has(u), `${name}: product ${p} lists user ${u}, who interacted with it`)
      assert.is(new Set(a.users).size, a.users.length, `${name}: product ${p} lists a user twice`)
      if (name !== 'random') for (let i = 1; i < a.scores.length; i++) assert.ok(a.scores[i] <= a.scores[i - 1], `${name}: product ${p} score rises at rank ${i + 1}`)
    }
  }
})

Contract('the same data and seed give the same audiences', (c) => {
  const again: FitContext = {data: c.period, als: c.ctx.als}
  for (const [name, model] of models(c)) {
    const twin = name === 'random' ? fitRandom(c.period, 3) : fitRanking(name as RankingName, again)
    for (const p of [0, 7, 21]) assert.equal(audience(twin, c.period, p, 10), audience(model, c.period, p, 10), `${name}, product ${p}`)
  }
})

Contract('a product with no history still gets a full audience; content finds it users by its attributes', (c) => {
  const fresh = N_PRODUCTS
  for (const [name, model] of models(c)) assert.is(audience(model, c.period, fresh, 10).users.length, 10, name)
  const users = new Int32Array(10)
  const n = fitRanking('content', c.ctx).head(fresh, 10, users, new Float64Array(10))
  assert.ok(n > 0, 'content has evidence for a described product nobody touched')
})

Contract.run()
