import type {BenchReport} from '../../core/bench/run.js'
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
