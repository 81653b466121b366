import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {cpus, tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {userEnv} from '../cli/huge-pages.js'
import {Progress} from '../cli/progress.js'
import {renderBench, renderCompare, renderServeBench} from '../cli/render/bench.js'
import {compareWithDuckdb, type CompareReport} from '../core/bench/compare.js'
import {BENCH_STAGES, type BenchReport, type BenchStage, runBench, type StageRunner} from '../core/bench/run.js'
import {benchServe, type ServeBenchReport} from '../core/bench/serve-bench.js'
import {RecsysError} from '../core/errors.js'

const RUN_JS = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

/** Spawns `bin/run.js ARGS` and reads the child's own peak RSS from the file it leaves. */
const spawnStage: StageRunner = (args) => {
  const dir = mkdtempSync(join(tmpdir(), 'recsys-rusage-'))
  const file = join(dir, 'rusage.json')
  try {
    const t = process.hrtime.bigint()
    const r = spawnSync(process.execPath, [RUN_JS, ...args], {env: {...userEnv(process.env), RECSYS_RUSAGE_FILE: file, CI: '1'}, encoding: 'utf8', maxBuffer: 256 << 20})
    const wallMs = Number(process.hrtime.bigint() - t) / 1e6
    let maxRssKb = 0
    try {
      maxRssKb = JSON.parse(readFileSync(file, 'utf8')).maxRssKb
    } catch {
      // the child died before writing it
    }
    return {wallMs, maxRssKb, ok: r.status === 0, stderr: r.stderr ?? ''}
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

export default class Bench extends BaseCommand<typeof Bench> {
  static override summary = 'Measure every stage and the lookups, on generated data of chosen sizes.'
  static override description =
    'For each size, generates reference-shaped data (or uses --input), then for each run builds a fresh store stage by stage, each stage in its own process: median wall time, peak resident memory and rows per second. recommend is measured as a whole CLI call and as in-process lookups (per second, p50/p95/p99). With two or more sizes, shows how each stage grows per 10× rows.'

  static override examples = [
    {description: 'The standard comparison', command: '<%= config.bin %> <%= command.id %> --rows 50000,500000 --runs 3 --out bench.json'},
    {description: 'Include the ALS attempt with its own settings', command: '<%= config.bin %> <%= command.id %> --rows 500000 --cf --cf-iterations 50 --cf-factors 50'},
    {description: 'Your own data', command: '<%= config.bin %> <%= command.id %> --input interactions.csv --runs 5'},
    {description: 'The scale figures (files generated once, kept in the cache)', command: '<%= config.bin %> <%= command.id %> --rows 500000,5000000,50000000 --runs 1 --ranker engagement --cache ~/.cache/recsys-bench'},
    {description: 'recsys prepare beside the same job in DuckDB (needs the dev dependencies)', command: '<%= config.bin %> <%= command.id %> --compare duckdb --rows 50000,500000 --runs 3'},
  ]

  static override flags = {
    rows: Flags.string({description: 'Comma-separated sizes to generate.', default: '50000,500000'}),
    runs: Flags.integer({description: 'Runs per stage (medians are reported).', default: 3, min: 1}),
    seed: Flags.integer({description: 'Seed for the generated data and samples.', default: 42}),
    stages: Flags.string({description: `Comma-separated stages to measure (default: all but cf-attempt; ${BENCH_STAGES.join(', ')}).`}),
    cf: Flags.boolean({description: 'Also measure cf-attempt.', default: false}),
    'cf-iterations': Flags.integer({description: 'ALS iterations for cf-attempt.', default: 50, min: 1}),
    'cf-factors': Flags.integer({description: 'ALS factors for cf-attempt.', default: 50, min: 1}),
    input: Flags.string({description: 'Measure on this CSV instead of generated data (default columns).'}),
    profile: Flags.string({description: 'Shape of the generated data.', options: ['reference', 'rees46'], default: 'reference'}),
    cache: Flags.string({description: 'Keep generated files in this folder and reuse them (by profile, size and seed).'}),
    ranker: Flags.string({description: 'The ranking train ships (auto measures them all; a named one skips the evaluation, e.g. engagement at 50M rows).', default: 'auto'}),
    out: Flags.string({description: 'Also write the JSON report to this file.'}),
    serve: Flags.boolean({description: 'Load-test `recsys serve` instead: a model on the first --rows size, a fixed time at --concurrency connections.', default: false}),
    duration: Flags.integer({description: 'Seconds of load for --serve.', default: 10, min: 1, max: 600}),
    concurrency: Flags.integer({description: 'Connections for --serve.', default: 100, min: 1, max: 2000}),
    'serve-workers': Flags.integer({description: 'Server worker processes for --serve.', default: 2, min: 1}),
    compare: Flags.string({description: 'Instead: time `prepare` beside the equivalent job in another tool on the same CSV (duckdb: its Node client, a dev dependency).', options: ['duckdb']}),
  }

  public async run(): Promise<BenchReport | ServeBenchReport | CompareReport> {
    const {flags} = this
    const sizes = flags.rows.split(',').map((s) => Number(s.trim().replace(/_/g, '')))
    if (sizes.some((n) => !Number.isInteger(n) || n < 1000)) throw new RecsysError('USAGE', `--rows: cannot read "${flags.rows}"`, 'Pass sizes of at least 1000, e.g. --rows 50000,500000.')
    if (flags.compare) {
      const progress = await Progress.create(this.jsonEnabled())
      try {
        const report = await compareWithDuckdb(
          {sizes: [...sizes].sort((a, b) => a - b), runs: flags.runs, seed: flags.seed, input: flags.input, runStage: spawnStage, env: userEnv(process.env), onProgress: (text) => progress.update(text, text)},
          {cpus: cpus().length, node: process.version, platform: `${process.platform}-${process.arch}`},
        )
        progress.done()
        if (flags.out) writeFileSync(flags.out, `${JSON.stringify(report, null, 2)}\n`)
        this.say(renderCompare(report))
        return report
      } catch (error) {
        progress.fail()
        throw error
      }
    }
    if (flags.serve) {
      const progress = await Progress.create(this.jsonEnabled())
      const report = await benchServe({
        rows: sizes[0],
        input: flags.input,
        seed: flags.seed,
        durationMs: flags.duration * 1000,
        concurrency: flags.concurrency,
        workers: flags['serve-workers'],
        runJs: RUN_JS,
        runStage: spawnStage,
        onProgress: (text) => progress.update(text, text),
      })
      progress.done()
      if (flags.out) writeFileSync(flags.out, `${JSON.stringify(report, null, 2)}\n`)
      this.say(renderServeBench(report, flags.concurrency))
      return report
    }
    const wanted = flags.stages ? flags.stages.split(',').map((s) => s.trim()) : BENCH_STAGES.filter((s) => s !== 'cf-attempt' || flags.cf)
    for (const s of wanted) if (!(BENCH_STAGES as readonly string[]).includes(s)) throw new RecsysError('USAGE', `--stages: unknown stage "${s}"`, `Use some of: ${BENCH_STAGES.join(', ')}.`)
    if (flags.cf && !wanted.includes('cf-attempt')) wanted.push('cf-attempt')
    const progress = await Progress.create(this.jsonEnabled())
    try {
      const report = runBench(
        {
          sizes: [...sizes].sort((a, b) => a - b),
          runs: flags.runs,
          seed: flags.seed,
          stages: BENCH_STAGES.filter((s) => wanted.includes(s)) as BenchStage[],
          input: flags.input,
          profile: flags.profile as 'reference' | 'rees46',
          cacheDir: flags.cache,
          ranker: flags.ranker,
          cfIterations: flags['cf-iterations'],
          cfFactors: flags['cf-factors'],
          runStage: spawnStage,
          onProgress: (text) => progress.update(text, text),
        },
        {cpus: cpus().length, node: process.version, platform: `${process.platform}-${process.arch}`},
      )
      progress.done()
      if (flags.out) writeFileSync(flags.out, `${JSON.stringify(report, null, 2)}\n`)
      this.say(renderBench(report))
      return report
    } catch (error) {
      progress.fail()
      throw error
    }
  }
}
