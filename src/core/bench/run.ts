import {existsSync, mkdirSync, mkdtempSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {AudienceService} from '../audience/answer.js'
import {RecsysError} from '../errors.js'
import {openStore} from '../store/open.js'
import {writeGeneratedCsv} from '../synth/write.js'
import {createRng} from '../util/rng.js'
import {growthPer10x, median, quantile} from './stats.js'

export const BENCH_STAGES = ['prepare', 'explore', 'cf-attempt', 'features', 'train', 'recommend'] as const
export type BenchStage = (typeof BENCH_STAGES)[number]

/** Runs one CLI stage in its own process; returns wall time and that process's peak memory. */
export type StageRunner = (args: string[]) => {wallMs: number; maxRssKb: number; ok: boolean; stderr: string}

export interface BenchOptions {
  sizes: number[]
  runs: number
  seed: number
  stages: BenchStage[]
  input?: string
  cfIterations: number
  cfFactors: number
  /** Generated data's shape (reference: the churn marketplace; rees46: a multi-category store month). */
  profile?: 'reference' | 'rees46'
  /** Where generated files are kept between runs (default: a temporary folder, removed after). */
  cacheDir?: string
  /** The ranking train ships (auto by default; a named one skips the evaluation). */
  ranker?: string
  /** Whole-CLI recommend calls per run, and in-process lookups per n. */
  recommendCalls?: number
  lookups?: number
  runStage: StageRunner
  onProgress?: (text: string) => void
}

export interface StageFigures {
  stage: BenchStage
  runs: number
  medianMs: number
  allMs: number[]
  peakRssMb: number
  rowsPerSecond: number
  /** Peak resident memory per input row. */
  peakBytesPerRow: number
}

export interface LookupFigures {
  /** sqlite: one indexed read per lookup (what a `recommend` call does); preloaded: all audiences in memory (batch exports). */
  path: 'sqlite' | 'preloaded'
  n: number
  lookups: number
  perSecond: number
  p50Us: number
  p95Us: number
  p99Us: number
}

export interface SizeResult {
  rows: number
  /** The store after the last stage, and the CSV it came from. */
  storeBytes: number
  csvBytes: number
  storeBytesPerRow: number
  stages: StageFigures[]
  recommendCli: {calls: number; medianMs: number} | null
  lookups: LookupFigures[]
}

export interface BenchReport {
  machine: {cpus: number; node: string; platform: string}
  seed: number
  runs: number
  sizes: SizeResult[]
  scaling: Array<{stage: BenchStage; fromRows: number; toRows: number; growthPer10x: number}>
  elapsedMs: number
}

/**
 * `recsys bench`: for each size, generate (or take --input) data, then for each run build a fresh
 * store stage by stage, each stage a separate process (so its peak memory is its own).
 */
export function runBench(options: BenchOptions, machine: BenchReport['machine']): BenchReport {
  const started = Date.now()
  if (options.runs < 1) throw new RecsysError('USAGE', '--runs must be at least 1', 'Pass e.g. --runs 3.')
  const work = mkdtempSync(join(tmpdir(), 'recsys-bench-'))
  try {
    const sizes: SizeResult[] = []
    const sizeList = options.input ? [0] : options.sizes
    for (const size of sizeList) {
      let csv = options.input
      let rows = size
      const profile = options.profile ?? 'reference'
      if (!csv) {
        // Generated once per profile, size and seed: a 50M-row file takes minutes to write.
        const dir = options.cacheDir ?? work
        mkdirSync(dir, {recursive: true})
        csv = join(dir, `${profile}-${size}-seed${options.seed}.csv`)
        if (!existsSync(csv)) {
          options.onProgress?.(`bench: generating ${size.toLocaleString('en-US')} ${profile} rows`)
          writeGeneratedCsv(csv, profile, {rows: size, seed: options.seed})
        }
      }
      const columns = profile === 'rees46' && !options.input ? ['--user-col', 'user_id', '--product-col', 'product_id', '--event-col', 'event_type', '--time-col', 'event_time', '--category-col', 'category_code', '--brand-col', 'brand'] : []
      const times = new Map<BenchStage, number[]>()
      const peaks = new Map<BenchStage, number>()
      let db = ''
      for (let run = 0; run < options.runs; run++) {
        // Only the last run's store is kept (for the lookups): at tens of millions of rows each is gigabytes.
        if (db) for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, {force: true})
        db = join(work, `store-${size}-${run}.db`)
        const pipeline: Array<[BenchStage, string[]]> = [
          ['prepare', ['prepare', csv, '--db', db, '--json', ...columns]],
          ['explore', ['explore', '--db', db, '--json']],
          ['cf-attempt', ['cf-attempt', '--db', db, '--json', '--iterations', String(options.cfIterations), '--factors', String(options.cfFactors), '--seed', String(options.seed), '--loss-every', '0']],
          ['features', ['features', '--db', db, '--json']],
          ['train', ['train', '--db', db, '--json', '--seed', String(options.seed), ...(options.ranker ? ['--ranker', options.ranker, ...(options.ranker === 'auto' ? [] : ['--skip-eval'])] : [])]],
        ]
        for (const [stage, args] of pipeline) {
          // Later stages need their inputs even when they are not measured.
          const needed = options.stages.includes(stage) || ['prepare', 'features', 'train'].includes(stage)
          if (!needed) continue
          options.onProgress?.(`bench: ${size ? size.toLocaleString('en-US') + ' rows, ' : ''}run ${run + 1}/${options.runs}, ${stage}`)
          const r = options.runStage(args)
          if (!r.ok) throw new RecsysError('UNEXPECTED', `bench: stage ${stage} failed: ${r.stderr.split('\n')[0]}`, 'Run the stage by hand to see the error.')
          if (!options.stages.includes(stage)) continue
          times.set(stage, [...(times.get(stage) ?? []), r.wallMs])
          peaks.set(stage, Math.max(peaks.get(stage) ?? 0, r.maxRssKb))
        }
      }
      const storeBytes = ['', '-wal'].reduce((a, suffix) => a + (existsSync(db + suffix) ? statSync(db + suffix).size : 0), 0)
      const csvBytes = statSync(csv).size
      const store = openStore(db, {readonly: true})
      if (!rows) rows = (store.prepare('SELECT rows FROM datasets ORDER BY version DESC LIMIT 1').pluck().get() as number) ?? 0
      let recommendCli: SizeResult['recommendCli'] = null
      const lookups: LookupFigures[] = []
      if (options.stages.includes('recommend')) {
        const productIds = store.prepare('SELECT product_id FROM products').pluck().all() as string[]
        const rng = createRng(options.seed)
        const calls = options.recommendCalls ?? 5
        const cliMs: number[] = []
        for (let c = 0; c < calls; c++) {
          options.onProgress?.(`bench: recommend CLI call ${c + 1}/${calls}`)
          const r = options.runStage(['recommend', productIds[rng.int(productIds.length)], '--db', db, '--format', 'csv'])
          if (!r.ok) throw new RecsysError('UNEXPECTED', `bench: recommend failed: ${r.stderr.split('\n')[0]}`, 'Run it by hand to see the error.')
          cliMs.push(r.wallMs)
          peaks.set('recommend', Math.max(peaks.get('recommend') ?? 0, r.maxRssKb))
        }
        recommendCli = {calls, medianMs: median(cliMs)}
        times.set('recommend', cliMs)
        const count = options.lookups ?? 20_000
        for (const path of ['sqlite', 'preloaded'] as const) {
          const lookup = new AudienceService(store, {preload: path === 'preloaded'})
          for (const n of [5, 10, 20]) {
            const latUs: number[] = []
            for (let w = 0; w < 1000; w++) lookup.answer(productIds[rng.int(productIds.length)], n)
            const t0 = process.hrtime.bigint()
            for (let i = 0; i < count; i++) {
              const t = process.hrtime.bigint()
              lookup.answer(productIds[rng.int(productIds.length)], n)
              latUs.push(Number(process.hrtime.bigint() - t) / 1000)
            }
            const totalMs = Number(process.hrtime.bigint() - t0) / 1e6
            lookups.push({path, n, lookups: count, perSecond: Math.round((count / totalMs) * 1000), p50Us: quantile(latUs, 0.5), p95Us: quantile(latUs, 0.95), p99Us: quantile(latUs, 0.99)})
          }
        }
      }
      store.close()
      const stages: StageFigures[] = options.stages
        .filter((s) => times.has(s))
        .map((stage) => {
          const all = times.get(stage) as number[]
          const m = median(all)
          const peakKb = peaks.get(stage) ?? 0
          return {stage, runs: all.length, medianMs: m, allMs: all, peakRssMb: peakKb / 1024, rowsPerSecond: Math.round((rows / m) * 1000), peakBytesPerRow: rows > 0 ? (peakKb * 1024) / rows : 0}
        })
      sizes.push({rows, stages, recommendCli, lookups, storeBytes, csvBytes, storeBytesPerRow: storeBytes / rows})
    }
    const scaling: BenchReport['scaling'] = []
    for (let i = 1; i < sizes.length; i++) {
      for (const s of sizes[i].stages) {
        const before = sizes[i - 1].stages.find((x) => x.stage === s.stage)
        if (before) scaling.push({stage: s.stage, fromRows: sizes[i - 1].rows, toRows: sizes[i].rows, growthPer10x: growthPer10x(sizes[i - 1].rows, before.medianMs, sizes[i].rows, s.medianMs)})
      }
    }
    return {machine, seed: options.seed, runs: options.runs, sizes, scaling, elapsedMs: Date.now() - started}
  } finally {
    rmSync(work, {recursive: true, force: true})
  }
}
