import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {describeMetrics, Metrics, mergeSnapshots} from '../../../src/core/serve/metrics.js'

test('metrics count requests per route and status, and give percentiles within one 10% bin', () => {
  const m = new Metrics()
  for (let i = 1; i <= 1000; i++) m.record('/recommend/:id', 200, i)
  m.record('/health', 200, 5)
  m.record('unknown', 404, 5)
  const s = describeMetrics(m.snapshot())
  assert.equal(s.requests, {'/recommend/:id 200': 1000, '/health 200': 1, 'unknown 404': 1})
  assert.is(s.latency_micros.samples, 1002)
  // True p50 ≈ 500 µs, p99 ≈ 990 µs; a bin's upper edge is at most 10% above.
  assert.ok(s.latency_micros.p50 >= 495 && s.latency_micros.p50 <= 500 * 1.1 + 1, `p50 ${s.latency_micros.p50}`)
  assert.ok(s.latency_micros.p99 >= 985 && s.latency_micros.p99 <= 1000 * 1.1 + 1, `p99 ${s.latency_micros.p99}`)
})

test('snapshots of several workers add up: counts summed, percentiles over all requests', () => {
  const a = new Metrics()
  const b = new Metrics()
  for (let i = 0; i < 99; i++) a.record('/health', 200, 10)
  b.record('/health', 200, 100_000)
  b.record('/metrics', 200, 10)
  const s = describeMetrics(mergeSnapshots([a.snapshot(), b.snapshot()]))
  assert.equal(s.requests, {'/health 200': 100, '/metrics 200': 1})
  assert.is(s.latency_micros.samples, 101)
  assert.ok(s.latency_micros.p50 < 12)
  assert.ok(s.latency_micros.p99 < 12, 'one slow request in 101 is above the 99th percentile')
})

test.run()
