import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {Metrics} from '../../../src/core/serve/handler.js'

test('metrics count requests per route and status, and give percentiles within one 10% bin', () => {
  const m = new Metrics()
  for (let i = 1; i <= 1000; i++) m.record('/recommend/:id', 200, i)
  m.record('/health', 200, 5)
  m.record('unknown', 404, 5)
  const s = m.snapshot()
  assert.equal(s.requests, {'/recommend/:id 200': 1000, '/health 200': 1, 'unknown 404': 1})
  assert.is(s.latencyMicros.samples, 1002)
  // True p50 ≈ 500 µs, p99 ≈ 990 µs; a bin's upper edge is at most 10% above.
  assert.ok(s.latencyMicros.p50 >= 495 && s.latencyMicros.p50 <= 500 * 1.1 + 1, `p50 ${s.latencyMicros.p50}`)
  assert.ok(s.latencyMicros.p99 >= 985 && s.latencyMicros.p99 <= 1000 * 1.1 + 1, `p99 ${s.latencyMicros.p99}`)
  assert.ok(s.latencyMicros.p50 <= s.latencyMicros.p95 && s.latencyMicros.p95 <= s.latencyMicros.p99)
})

test.run()
