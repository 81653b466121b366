/**
 * Request counts and latency percentiles. Latencies go into a fixed histogram of log-spaced bins
 * (each 10% wide, from 1 µs to about 20 s), so recording is O(1), a snapshot is ~180 counters, and
 * snapshots of several workers add up: /metrics describes the whole server, not one worker.
 */
const BIN_GROWTH = Math.log(1.1)
const BINS = 180

export interface MetricsSnapshot {
  startedMs: number
  counts: Record<string, number>
  histogram: number[]
  total: number
}

export class Metrics {
  private readonly started = Date.now()
  private readonly counts = new Map<string, number>()
  private readonly histogram = new Float64Array(BINS)
  private total = 0

  record(route: string, status: number, micros: number): void {
    const key = `${route} ${status}`
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1)
    const bin = micros <= 1 ? 0 : Math.min(BINS - 1, Math.ceil(Math.log(micros) / BIN_GROWTH))
    this.histogram[bin]++
    this.total++
  }

  snapshot(): MetricsSnapshot {
    return {startedMs: this.started, counts: Object.fromEntries(this.counts), histogram: Array.from(this.histogram), total: this.total}
  }
}

/** The sum of several workers' snapshots (the earliest start). */
export function mergeSnapshots(snapshots: MetricsSnapshot[]): MetricsSnapshot {
  const histogram = new Array<number>(BINS).fill(0)
  const counts: Record<string, number> = {}
  let total = 0
  let startedMs = Date.now()
  for (const s of snapshots) {
    for (let b = 0; b < BINS; b++) histogram[b] += s.histogram[b] ?? 0
    for (const [k, v] of Object.entries(s.counts)) counts[k] = (counts[k] ?? 0) + v
    total += s.total
    startedMs = Math.min(startedMs, s.startedMs)
  }
  return {startedMs, counts, histogram, total}
}

/** The upper edge (µs) of the bin where the cumulative count reaches share q. */
function percentile(s: MetricsSnapshot, q: number): number {
  if (s.total === 0) return 0
  const target = q * s.total
  let acc = 0
  for (let b = 0; b < BINS; b++) {
    acc += s.histogram[b]
    if (acc >= target) return Number(Math.exp(b * BIN_GROWTH).toFixed(1))
  }
  return Number(Math.exp((BINS - 1) * BIN_GROWTH).toFixed(1))
}

export function describeMetrics(s: MetricsSnapshot): {uptime_seconds: number; requests: Record<string, number>; latency_micros: {samples: number; p50: number; p95: number; p99: number}} {
  return {
    uptime_seconds: Math.round((Date.now() - s.startedMs) / 1000),
    requests: s.counts,
    latency_micros: {samples: s.total, p50: percentile(s, 0.5), p95: percentile(s, 0.95), p99: percentile(s, 0.99)},
  }
}
