import type {LoadReport} from '../../core/bench/load.js'
import type {BenchReport} from '../../core/bench/run.js'
import type {ServeBenchReport} from '../../core/bench/serve-bench.js'
import {heading, int, num, table} from './format.js'

export function renderBench(r: BenchReport): string {
  const out: string[] = [`machine: ${r.machine.cpus} cores, Node ${r.machine.node}, ${r.machine.platform}; medians of ${r.runs} run(s), seed ${r.seed}`]
  for (const size of r.sizes) {
    out.push(heading(`${int(size.rows)} rows`))
    out.push(
      table(
        ['stage', 'median', 'runs (ms)', 'rows/s', 'peak RSS'],
        size.stages.map((s) => [s.stage, `${num(s.medianMs / 1000, 2)} s`, s.allMs.map((x) => Math.round(x)).join(' / '), int(s.rowsPerSecond), `${int(s.peakRssMb)} MB`]),
        ['left', 'right', 'right', 'right', 'right'],
      ),
    )
    if (size.recommendCli) out.push(`recommend, one whole CLI call: median ${Math.round(size.recommendCli.medianMs)} ms over ${size.recommendCli.calls} calls`)
    if (size.lookups.length > 0) {
      out.push(
        table(
          ['in-process lookups', 'per second', 'p50', 'p95', 'p99'],
          size.lookups.map((l) => [`${l.path}, n = ${l.n}`, int(l.perSecond), `${num(l.p50Us, 1)} µs`, `${num(l.p95Us, 1)} µs`, `${num(l.p99Us, 1)} µs`]),
          ['left', 'right', 'right', 'right', 'right'],
        ),
      )
    }
  }
  if (r.scaling.length > 0) {
    out.push(heading('Scaling: time growth per 10× rows (10× = linear)'))
    out.push(table(['stage', 'from', 'to', 'per 10× rows'], r.scaling.map((s) => [s.stage, int(s.fromRows), int(s.toRows), `${num(s.growthPer10x, 1)}×`])))
  }
  return out.join('\n')
}

export function renderServeBench(r: ServeBenchReport, concurrency: number): string {
  const row = (what: string, l: LoadReport): Array<string | number> => [what, int(l.perSecond), `${num(l.latencyMs.p50, 2)} ms`, `${num(l.latencyMs.p99, 2)} ms`, int(l.errors), `${int(l.meanBodyBytes)} B`]
  return [
    `recsys serve, ${r.workers} worker(s), ${r.ranking} model of ${int(r.rows)} rows; ${concurrency} keep-alive connections from one Node client on the same machine`,
    table(
      ['load', 'requests/s', 'p50', 'p99', 'errors', 'mean body'],
      [
        row('mix: 50 recommend (n 5/10/20) : 1 health : 1 metrics', r.mix),
        row('recommend, n = 100', r.n100),
        row('bare node:http, same body as n = 100', r.bare),
        row(`mix during a retrain (${r.duringRetrain.swapped ? 'new model swapped in' : 'no swap seen'})`, r.duringRetrain),
      ],
      ['left', 'right', 'right', 'right', 'right', 'right'],
    ),
    `n = 100 runs at ${num(r.n100OverBare * 100, 0)}% of the bare server's rate (measured side by side in this run).`,
  ].join('\n')
}
