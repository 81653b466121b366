import * as assert from 'uvu/assert'

import {reportCampaign} from '../../../src/core/campaigns/report.js'
import {recordCampaign} from '../../../src/core/campaigns/store.js'
import type {Db} from '../../../src/core/store/open.js'
import {RecsysError} from '../../../src/core/errors.js'
import {createRng} from '../../../src/core/util/rng.js'
import {storeSuite} from '../../helpers/store-suite.js'
import {tempDir} from '../../helpers/tmp.js'

const Report = storeSuite('campaign report')

/** A campaign of `n` members (every fifth in control) on product P1, and outcomes with rates tRate/cRate. */
function plant(c: {db: Db; tmp: ReturnType<typeof tempDir>}, n: number, tRate: number, cRate: number): string {
  const members = Array.from({length: n}, (_, i) => ({customerId: `u${i}`, productId: 'P1', group: i % 5 === 0 ? 'control' : 'treatment', rank: i + 1}))
  c.db.transaction(() =>
    recordCampaign(c.db, {campaignId: 'planted', createdAt: '2023-03-01T00:00:00Z', products: ['P1'], ranking: 'cooccurrence', modelVersion: 1, datasetVersion: 1, audienceSize: n, holdout: 0.2, control: 'holdout', params: {}}, members),
  )()
  const rng = createRng(3)
  const lines = ['customer_id,product_id,event_date,value']
  for (const m of members) {
    if (rng.next() < (m.group === 'control' ? cRate : tRate)) lines.push(`${m.customerId},P1,2023-03-05,${m.group === 'control' ? 10 : 14}`)
  }
  lines.push('stranger,P1,2023-03-05,5', 'u1,P2,2023-03-05,5', 'u2,P1,2023-05-01,5', 'u3,P1,not a date,5', 'u4,P1,2023-02-01,5')
  return c.tmp.file('outcomes.csv', `${lines.join('\n')}\n`)
}

Report('a planted lift is found: interval above zero, small p-value, counts of what did not count', async (c) => {
  const file = plant(c, 20_000, 0.08, 0.05)
  const r = await reportCampaign(c.db, {campaignId: 'planted', outcomes: {source: {kind: 'file', path: file}}, until: '2023-04-01'})
  assert.is(r.campaign, 'planted')
  assert.equal([r.groups.treatment.users, r.groups.control.users], [16_000, 4000])
  assert.ok(Math.abs(r.groups.treatment.rate - 0.08) < 0.01 && Math.abs(r.groups.control.rate - 0.05) < 0.01)
  assert.ok(r.lift.absolute.low! > 0, `interval ${JSON.stringify(r.lift.absolute)}`)
  assert.ok(Math.abs(r.lift.absolute.estimate! - (r.groups.treatment.rate - r.groups.control.rate)) < 1e-12)
  assert.ok(r.pValue < 0.001)
  assert.ok(r.minimumDetectableEffect! > 0 && r.minimumDetectableEffect! < 0.03)
  assert.equal({outside: r.outcomes.outsideCampaign, product: r.outcomes.otherProducts, window: r.outcomes.outsideWindow, unreadable: r.outcomes.unreadable}, {outside: 1, product: 1, window: 2, unreadable: 1})
  assert.is(r.window.sinceDefault, true, 'an outcome from before the export does not count')
  assert.not.match(r.verdict, /outcomes have no/, 'time and product columns both present: nothing to warn of')
  assert.ok(r.value!.difference.low! > 0, 'treated users bring more value per user')
})

Report('outcome ids written as floats match, and values that are not plain numbers are counted', async (c) => {
  const members = [101, 102, 103].map((id, i) => ({customerId: String(id), productId: 'P1', group: i === 2 ? 'control' : 'treatment', rank: i + 1}))
  c.db.transaction(() =>
    recordCampaign(c.db, {campaignId: 'nums', createdAt: '2023-03-01T00:00:00Z', products: ['P1'], ranking: 'engagement', modelVersion: 1, datasetVersion: 1, audienceSize: 3, holdout: 0.2, control: 'holdout', params: {}}, members),
  )()
  const file = c.tmp.file('floats.csv', 'customer_id,event_date,value\n101.0,2023-03-05,abc\n"102",2023-03-05,1e308\n104.0,2023-03-05,3\n')
  const r = await reportCampaign(c.db, {campaignId: 'nums', outcomes: {source: {kind: 'file', path: file}}})
  assert.is(r.outcomes.unreadableValues, 2)
  assert.is(r.outcomes.counted, 2, '101.0 is customer 101')
  assert.is(r.outcomes.outsideCampaign, 1)
  assert.match(r.verdict, /The outcomes have no product column, so a member's outcome counts whatever product it was for: name the column with --product-col/)
  // With neither a time nor a product column, both are said, since nothing limits what counts.
  const bare = c.tmp.file('bare.csv', 'customer_id\n101\n103\n')
  const b = await reportCampaign(c.db, {campaignId: 'nums', outcomes: {source: {kind: 'file', path: bare}}})
  assert.match(b.verdict, /no time or product column, so a member's outcome counts whenever it happened, before the campaign too, and whatever product it was for: name the column with --time-col and --product-col/)
})

Report('no planted lift: the interval includes zero; too small a sample is said plainly', async (c) => {
  const file = plant(c, 2000, 0.05, 0.05)
  const r = await reportCampaign(c.db, {campaignId: 'planted', outcomes: {source: {kind: 'file', path: file}}, expectedLiftPoints: 0.5})
  assert.ok(r.lift.absolute.low! <= 0 && r.lift.absolute.high! >= 0)
  assert.ok(r.pValue > 0.01)
  assert.match(r.verdict, /too small to detect the 0.5 point lift/)
})

Report('an unknown campaign and an empty outcomes file are clear errors', async (c) => {
  plant(c, 100, 0.1, 0.1)
  for (const [options, code] of [
    [{campaignId: 'nope'}, 'NOT_FOUND'],
    [{campaignId: 'planted', outcomes: {source: {kind: 'file' as const, path: c.tmp.file('empty.csv', 'customer_id\n')}}}, 'NO_DATA'],
    [{campaignId: 'planted', outcomes: {source: {kind: 'file' as const, path: c.tmp.file('nouser.csv', 'who,what\n1,2\n')}}}, 'MISSING_COLUMN'],
  ] as const) {
    try {
      await reportCampaign(c.db, options)
      assert.unreachable('should fail')
    } catch (error) {
      assert.instance(error, RecsysError)
      assert.is((error as RecsysError).code, code)
    }
  }
})

Report.run()
