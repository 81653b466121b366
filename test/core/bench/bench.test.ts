import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {growthPer10x, median, quantile} from '../../../src/core/bench/stats.js'
import {runCli} from '../../helpers/cli.js'
import {tempDir} from '../../helpers/tmp.js'

test('median, quantile and growth per 10× rows, by hand', () => {
  assert.is(median([3, 1, 2]), 2)
  assert.is(median([4, 1, 3, 2]), 2.5)
  assert.is(quantile([10, 20, 30, 40, 50], 0.5), 30)
  assert.is(quantile([10, 20], 0.95), 19.5)
  assert.is(growthPer10x(1000, 100, 10_000, 1000), 10, 'linear')
  assert.ok(Math.abs(growthPer10x(1000, 100, 100_000, 10_000) - 10) < 1e-9, 'linear over 100×')
  assert.ok(Math.abs(growthPer10x(1000, 100, 10_000, 10_000) - 100) < 1e-9, 'quadratic')
  assert.ok(Number.isNaN(growthPer10x(1000, 0, 10_000, 5)))
})

test('bench on tiny sizes reports every stage, memory, lookups and scaling (no timing asserted)', () => {
  const tmp = tempDir()
  try {
    const out = tmp.file('bench.json')
    const r = runCli(['bench', '--rows', '2000,4000', '--runs', '1', '--out', out, '--json'])
    assert.is(r.code, 0, r.stderr)
    const report = JSON.parse(r.stdout)
    assert.equal(report.sizes.map((s: {rows: number}) => s.rows), [2000, 4000])
    for (const size of report.sizes) {
      assert.equal(size.stages.map((s: {stage: string}) => s.stage), ['prepare', 'explore', 'features', 'train', 'recommend'])
      for (const s of size.stages) {
        assert.ok(s.medianMs > 0)
        assert.ok(s.peakRssMb > 10, `${s.stage} peak memory measured in its own process`)
      }
      assert.equal(size.lookups.map((l: {path: string; n: number}) => `${l.path}:${l.n}`), ['sqlite:5', 'sqlite:10', 'sqlite:20', 'preloaded:5', 'preloaded:10', 'preloaded:20'])
      for (const l of size.lookups) assert.ok(l.p50Us <= l.p95Us && l.p95Us <= l.p99Us && l.perSecond > 0)
    }
    assert.is(report.scaling.length, 5)
    const bad = runCli(['bench', '--stages', 'prepare,nope'])
    assert.is(bad.code, 2)
    assert.match(bad.stderr, /unknown stage "nope"/)
  } finally {
    tmp.cleanup()
  }
})

test.run()
