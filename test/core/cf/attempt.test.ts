import {writeFileSync} from 'node:fs'

import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {checkAlsBudget, runCfAttempt} from '../../../src/core/cf/attempt.js'
import {runFeatures} from '../../../src/core/engagement/stage.js'
import {prepareDataset} from '../../../src/core/ingest/prepare.js'
import {openStore} from '../../../src/core/store/open.js'
import {latestRun} from '../../../src/core/store/runs.js'
import {generateReferenceCsv} from '../../../src/core/synth/generate.js'
import {generateLoyalCsv} from '../../../src/core/synth/loyal.js'
import {tempDir} from '../../helpers/tmp.js'

async function storeFrom(generate: (write: (c: string) => void) => void) {
  const tmp = tempDir()
  const parts: string[] = []
  generate((c) => parts.push(c))
  const path = tmp.file('g.csv')
  writeFileSync(path, parts.join(''))
  const db = openStore(tmp.file('s.db'))
  await prepareDataset(db, {source: {kind: 'file', path}})
  return {db, cleanup: () => (db.close(), tmp.cleanup())}
}

test('a shop with loyal repeat customers comes out viable, with ALS as the ranking to use', async () => {
  const s = await storeFrom((w) => generateLoyalCsv({rows: 30_000, seed: 2}, w))
  try {
    runFeatures(s.db)
    const r = await runCfAttempt(s.db, {factors: 16, iterations: 10, seed: 1, bootstrapRounds: 300})
    assert.is(r.verdict.viable, true, r.verdict.summary)
    assert.is(r.verdict.useRanking, 'als')
    const als = r.evaluation.rankers.find((x) => x.name === 'als')!
    const random = r.evaluation.rankers.find((x) => x.name === 'random')!
    assert.ok(als.precision.mean >= 2 * random.precision.mean)
    assert.ok(r.evaluation.alsMinusRandom.precision.low > 0)
    assert.equal(r.evaluation.rankers.map((x) => x.name), ['als', 'random', 'most-active', 'most-recent', 'recency-rule', 'engagement'])
    assert.ok(r.evaluation.alsMinusBestOther.ndcg.high >= 0, 'viable means ALS is not significantly worse than the best ranking without CF')
    assert.ok(latestRun(s.db, 'cf-attempt'), 'stored as a stage run')
  } finally {
    s.cleanup()
  }
})

test('reference-shaped churn data comes out not viable', async () => {
  const s = await storeFrom((w) => generateReferenceCsv({rows: 40_000, seed: 4}, w))
  try {
    const r = await runCfAttempt(s.db, {factors: 16, iterations: 8, seed: 1, bootstrapRounds: 300})
    assert.is(r.verdict.viable, false, r.verdict.summary)
    assert.ok(r.evaluation.products.newProducts > 0)
    assert.match(r.verdict.summary, /not viable/)
    assert.not.match(r.verdict.reasons.join(' '), /\d{6,}/, 'no ratio against a zero baseline')
    assert.not.ok(r.evaluation.rankers.some((x) => x.name === 'engagement'), 'no engagement baseline before features ran')
  } finally {
    s.cleanup()
  }
})

test('the same seed gives the same report numbers; --eval-products samples', async () => {
  const s = await storeFrom((w) => generateLoyalCsv({rows: 8000, seed: 5}, w))
  try {
    const a = await runCfAttempt(s.db, {factors: 8, iterations: 4, seed: 3, bootstrapRounds: 200})
    const b = await runCfAttempt(s.db, {factors: 8, iterations: 4, seed: 3, bootstrapRounds: 200})
    assert.equal(a.evaluation.rankers, b.evaluation.rankers)
    const sampled = await runCfAttempt(s.db, {factors: 8, iterations: 4, seed: 3, bootstrapRounds: 200, evalProducts: 50})
    assert.is(sampled.evaluation.products.evaluated, 50)
    assert.is(sampled.evaluation.products.sampled, true)
  } finally {
    s.cleanup()
  }
})

test('ALS that would not fit in memory, or whose evaluation would take hours, is refused with the flag that shrinks it', () => {
  const big = {users: 40_000_000, products: 20_000_000, nonZeros: 45_000_000, factors: 50, evaluated: 100, candidates: 40_000_000}
  const memory = 24 * 2 ** 30
  assert.throws(() => checkAlsBudget(big, memory), (e: Error) => /needs about 6[0-9]\.\d GiB/.test(e.message) && /--factors \d+/.test((e as {hint?: string}).hint ?? ''))
  const fits = {...big, factors: 8}
  assert.ok(checkAlsBudget(fits, memory).bytes < 0.75 * memory, 'the suggested size fits')
  const slow = {...fits, evaluated: 200_000}
  assert.throws(() => checkAlsBudget(slow, memory), (e: Error) => /hours/.test(e.message) && /--eval-products \d+/.test((e as {hint?: string}).hint ?? ''))
  const sampled = {...slow, evaluated: 100}
  assert.ok(checkAlsBudget(sampled, memory).evalSeconds < 2 * 3600)
})

test.run()
