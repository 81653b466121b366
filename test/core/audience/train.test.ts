import {suite} from 'uvu'
import * as assert from 'uvu/assert'

import {AudienceService} from '../../../src/core/audience/answer.js'
import {runTrain} from '../../../src/core/audience/train.js'
import {importCatalog} from '../../../src/core/catalog/catalog.js'
import {runFeatures} from '../../../src/core/engagement/stage.js'
import {chooseRanking} from '../../../src/core/evaluation/choose.js'
import type {RankerEvaluation} from '../../../src/core/evaluation/protocol.js'
import {prepareDataset} from '../../../src/core/ingest/prepare.js'
import {PER_PRODUCT} from '../../../src/core/rankings/contract.js'
import {type Db, openStore} from '../../../src/core/store/open.js'
import {generateReferenceCsv} from '../../../src/core/synth/generate.js'
import {generateLoyalCsv} from '../../../src/core/synth/loyal.js'
import {createRng} from '../../../src/core/util/rng.js'
import {tempDir} from '../../helpers/tmp.js'

const Train = suite<{tmp: ReturnType<typeof tempDir>}>('train', {} as never)
Train.before.each((c) => {
  c.tmp = tempDir()
})
Train.after.each((c) => c.tmp.cleanup())

async function store(c: {tmp: ReturnType<typeof tempDir>}, generate: (write: (s: string) => void) => void): Promise<Db> {
  const parts: string[] = []
  generate((s) => parts.push(s))
  const csv = c.tmp.file('g.csv', parts.join(''))
  const db = openStore(c.tmp.file('s.db'))
  await prepareDataset(db, {source: {kind: 'file', path: csv}})
  runFeatures(db)
  return db
}

/** A made-up evaluation: per-product NDCG@10 values. */
function evaluation(name: string, ndcg: number[]): RankerEvaluation {
  const v = Float64Array.from(ndcg)
  const mean = v.reduce((a, b) => a + b, 0) / v.length
  return {name, metrics: [{k: 10, precision: 0, recall: 0, hitRate: 0, ndcg: mean, coverage: 0}], perProduct: [{k: 10, precision: v, recall: v, hitRate: v, ndcg: v}], returnLift: {audienceUsers: 0, audienceActiveAfter: 0, audienceShare: 0, baseShare: 0, lift: 0}, elapsedMs: 0}
}

Train('the choice: the best by NDCG@10, unless a simpler ranking’s paired interval of the difference includes zero', () => {
  const rng = (): ReturnType<typeof createRng> => createRng(1)
  const products = 200
  const base = Array.from({length: products}, (_, i) => (i % 10 === 0 ? 1 : 0))
  const better = base.map((v, i) => (i % 10 === 1 ? 1 : v))
  const clear = chooseRanking([evaluation('engagement', base), evaluation('cooccurrence', better)], 10, rng)
  assert.is(clear.shipped, 'cooccurrence', clear.reason)
  // Better on one product in 200: the paired difference's interval includes zero, so the simpler one ships.
  const slightly = base.map((v, i) => (i === 1 ? 1 : v))
  const close = chooseRanking([evaluation('engagement', base), evaluation('cooccurrence', slightly)], 10, rng)
  assert.is(close.best, 'cooccurrence')
  assert.is(close.shipped, 'engagement', close.reason)
  assert.match(close.reason, /includes zero/)
})

Train('auto ships a per-product ranking on a shop with planted taste groups, with the JSON contract', async (c) => {
  const db = await store(c, (w) => generateLoyalCsv({rows: 20_000, seed: 3}, w))
  try {
    const r = await runTrain(db, {bootstrapRounds: 300})
    assert.ok(PER_PRODUCT.includes(r.ranker.shipped), `shipped ${r.ranker.shipped}: ${r.ranker.reason}`)
    assert.equal(Object.keys(r.ranker).slice(0, 3), ['requested', 'shipped', 'reason'])
    const names = r.evaluation!.rankers.map((x) => x.name)
    for (const name of ['engagement', 'most-recent', 'most-active', 'recency-rule', 'cooccurrence', 'content', 'hybrid', 'random']) assert.ok(names.includes(name), name)
    const shipped = r.evaluation!.rankers.find((x) => x.name === r.ranker.shipped)!
    const engagement = r.evaluation!.rankers.find((x) => x.name === 'engagement')!
    for (const m of ['precision', 'recall', 'ndcg', 'hitRate'] as const) assert.ok(shipped[m].low <= shipped[m].mean && shipped[m].mean <= shipped[m].high)
    assert.ok(shipped.ndcg.mean > 2 * engagement.ndcg.mean, `${shipped.ndcg.mean} vs engagement ${engagement.ndcg.mean}`)
    assert.equal(Object.keys(r.evaluation!.newProducts), ['products', 'rankers'])
    assert.ok(r.reach.distinctUsers > 100, 'per-product audiences reach far more users than one global list')
    assert.ok(r.reach.maxAudiencesPerUser >= 1 && r.reach.top1PercentShare > 0 && r.reach.top1PercentShare <= 1)
  } finally {
    db.close()
  }
})

Train('on reference churn data auto ships nothing measurably worse than engagement', async (c) => {
  const db = await store(c, (w) => generateReferenceCsv({rows: 30_000, seed: 11}, w))
  try {
    const r = await runTrain(db, {bootstrapRounds: 300})
    const e = r.evaluation!
    const diff = e.differences.find((d) => d.name === 'engagement')
    const shipped = e.rankers.find((x) => x.name === r.ranker.shipped)!
    const engagement = e.rankers.find((x) => x.name === 'engagement')!
    assert.ok(shipped.ndcg.mean >= engagement.ndcg.mean || (diff !== undefined && diff.minusBest.low <= 0), r.ranker.reason)
  } finally {
    db.close()
  }
})

Train('the evaluation scores a seeded sample of at most --eval-products products, new products too, the same one each run', async (c) => {
  const db = await store(c, (w) => generateLoyalCsv({rows: 20_000, seed: 3}, w))
  try {
    const all = await runTrain(db, {bootstrapRounds: 100, evalProducts: 0})
    const scorable = all.evaluation!.products.evaluated
    assert.ok(scorable > 60, `enough products to sample from (${scorable})`)
    assert.is(all.evaluation!.products.sampled, false)
    const a = await runTrain(db, {bootstrapRounds: 100, evalProducts: 50, seed: 5})
    const b = await runTrain(db, {bootstrapRounds: 100, evalProducts: 50, seed: 5})
    assert.is(a.evaluation!.products.evaluated, 50)
    assert.is(a.evaluation!.products.sampled, true)
    assert.is(a.evaluation!.products.scorable, scorable)
    assert.ok(a.evaluation!.newProducts.products <= 50)
    assert.equal(a.evaluation!.rankers.map((r) => r.ndcg.mean), b.evaluation!.rankers.map((r) => r.ndcg.mean), 'same seed, same sample, same figures')
  } finally {
    db.close()
  }
})

Train('a single lookup (reading only what it needs) answers exactly as the preloaded model, for global and per-product rankings', async (c) => {
  const db = await store(c, (w) => generateLoyalCsv({rows: 12_000, seed: 5}, w))
  try {
    for (const ranker of ['engagement', 'cooccurrence', 'hybrid'] as const) {
      await runTrain(db, {ranker, skipEval: ranker !== 'hybrid', maxN: 20})
      const lazy = new AudienceService(db)
      const eager = new AudienceService(db, {preload: true})
      const ids = db.prepare('SELECT product_id FROM products ORDER BY product_key LIMIT 40').pluck().all() as string[]
      for (const id of [...ids, 'NOT-A-PRODUCT']) {
        for (const n of [1, 10, 60]) {
          const a = lazy.answer(id, n)
          const b = eager.answer(id, n)
          assert.equal(a, b, `${ranker} ${id} n=${n}`)
        }
        const skip = (u: number): boolean => u % 3 === 0
        const a = lazy.rank(id, 15, {skip}).ranked
        const b = eager.rank(id, 15, {skip}).ranked
        assert.equal(Array.from(a.users.subarray(0, a.count)), Array.from(b.users.subarray(0, b.count)), `${ranker} ${id} with a skip rule`)
      }
    }
  } finally {
    db.close()
  }
})

Train('every audience scores its first user 1 and never rises, global rankings too (--min-score is a share of the best)', async (c) => {
  const db = await store(c, (w) => generateLoyalCsv({rows: 12_000, seed: 6}, w))
  try {
    for (const ranker of ['most-active', 'most-recent', 'engagement', 'cooccurrence'] as const) {
      await runTrain(db, {ranker, skipEval: true, maxN: 20})
      const service = new AudienceService(db)
      const ids = db.prepare('SELECT product_id FROM products ORDER BY product_key LIMIT 30').pluck().all() as string[]
      let below = 0
      for (const id of [...ids, 'NOT-A-PRODUCT']) {
        const {scores, count} = service.rank(id, 20).ranked
        if (count === 0) continue
        assert.is(scores[0], 1, `${ranker} ${id}`)
        for (let i = 1; i < count; i++) if (scores[i] > scores[i - 1]) assert.unreachable(`${ranker} ${id}: score rises at ${i}`)
        if (scores[count - 1] < 1) below++
      }
      assert.ok(below > 0, `${ranker}: some audience has scores below its best`)
    }
  } finally {
    db.close()
  }
})

Train('a catalog product with no history gets a content audience by its name: stored by train, ranked live before it', async (c) => {
  const db = await store(c, (w) => generateReferenceCsv({rows: 20_000, seed: 12}, w))
  try {
    const name = db.prepare("SELECT name FROM products WHERE name LIKE '%Speaker%' LIMIT 1").pluck().get() as string
    const quoted = `"${name.replace(/"/g, '""')}"`
    await importCatalog(db, {source: {kind: 'file', path: c.tmp.file('cat.csv', `product_id,product_name\nLAUNCH-1,${quoted}\n`)}})
    await runTrain(db, {ranker: 'engagement', skipEval: true})
    const stored = new AudienceService(db).answer('LAUNCH-1', 10)
    assert.is(stored.new_product, true)
    assert.is(stored.ranking, 'content')
    assert.match(stored.note ?? '', /new product: ranked by similarity of name\/category\/brand/)
    assert.is(stored.count, 10)
    // Added after train: ranked live, the same way.
    await importCatalog(db, {source: {kind: 'file', path: c.tmp.file('cat2.csv', `product_id,product_name\nLAUNCH-2,${quoted}\n`)}})
    const live = new AudienceService(db).answer('LAUNCH-2', 10)
    assert.is(live.new_product, true)
    assert.equal(live.recommendations.map((m) => m.customer_id), stored.recommendations.map((m) => m.customer_id))
    assert.is(new AudienceService(db).answer('NEVER-HEARD', 3).cold_start, true)
  } finally {
    db.close()
  }
})

Train.run()
