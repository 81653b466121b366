import type {CompareReport} from '../../core/bench/compare.js'
import type {LoadReport} from '../../core/bench/load.js'
import type {BenchReport} from '../../core/bench/run.js'
import type {ServeBenchReport} from '../../core/bench/serve-bench.js'
import {fileSize, heading, int, num, seconds, table} from './format.js'

export function renderBench(r: BenchReport): string {
  const out: string[] = [`machine: ${r.machine.cpus} cores, Node ${r.machine.node}, ${r.machine.platform}; medians of ${r.runs} run(s), seed ${r.seed}`]
  for (const size of r.sizes) {
    out.push(heading(`${int(size.rows)} rows`))
    out.push(
      table(
        ['stage', 'median', 'runs (ms)', 'rows/s', 'peak RSS', 'bytes/row'],
        size.stages.map((s) => [s.stage, `${num(s.medianMs / 1000, 2)} s`, s.allMs.map((x) => Math.round(x)).join(' / '), int(s.rowsPerSecond), `${int(s.peakRssMb)} MB`, num(s.peakBytesPerRow, 0)]),
        ['left', 'right', 'right', 'right', 'right', 'right'],
      ),
    )
    out.push(`store: ${fileSize(size.storeBytes)} (${num(size.storeBytesPerRow, 1)} bytes per row), ${num(size.storeBytes / size.csvBytes, 2)}× the CSV (${fileSize(size.csvBytes)})`)
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

export function renderCompare(r: CompareReport): string {
  const mb = (x: number): string => `${num(x, 1)} MB`
  const ratio = (x: number, target: number, met: boolean): [string, string] => [`${num(x, 2)}×`, `≤ ${target}× ${met ? 'met' : 'MISSED'}`]
  const out: string[] = [
    `machine: ${r.machine.cpus} cores, Node ${r.machine.node}, ${r.machine.platform}; DuckDB ${r.duckdb.version} (${r.duckdb.threads} threads); medians of ${r.runs} run(s), seed ${r.seed}`,
    'Each side in its own process on the same CSV, runs alternating. Time: the whole process, spawn to exit. Store: the database file (and WAL) after closing.',
  ]
  for (const s of r.sizes) {
    out.push(heading(`${int(s.rows)} rows`))
    out.push(
      table(
        ['', 'recsys prepare', 'DuckDB SQL', 'recsys/DuckDB', 'target'],
        [
          ['time', seconds(s.recsys.medianMs), seconds(s.duckdb.medianMs), ...ratio(s.ratios.time, r.targets.time, s.meets.time)],
          ['peak RSS', mb(s.recsys.peakRssMb), mb(s.duckdb.peakRssMb), ...ratio(s.ratios.memory, r.targets.memory, s.meets.memory)],
          ['store on disk', mb(s.recsys.storeBytes / 1048576), mb(s.duckdb.storeBytes / 1048576), ...ratio(s.ratios.store, r.targets.store, s.meets.store)],
          ['rows kept', int(s.recsys.rowsKept), int(s.duckdb.rowsKept), '', ''],
        ],
        ['left', 'right', 'right', 'right', 'left'],
      ),
    )
    out.push(`runs (ms): recsys ${s.recsys.allMs.map((x) => Math.round(x)).join(' / ')}; DuckDB ${s.duckdb.allMs.map((x) => Math.round(x)).join(' / ')} (its SQL alone: median ${seconds(s.duckdb.queryMedianMs)})`)
  }
  out.push('Rows kept differ by design: recsys also drops bot users and non-integer ids in integer id columns (see src/core/bench/duckdb-prepare.ts).')
  return out.join('\n')
}
