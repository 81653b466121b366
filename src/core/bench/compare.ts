import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {RecsysError} from '../errors.js'
import {openStore} from '../store/open.js'
import {writeGeneratedCsv} from '../synth/write.js'
import type {DuckdbChildResult} from './duckdb-child.js'
import {loadDuckdb} from './duckdb-prepare.js'
import type {StageRunner} from './run.js'
import {median} from './stats.js'

const DUCKDB_CHILD = fileURLToPath(new URL('./duckdb-child.js', import.meta.url))

/** What recsys prepare aims for beside DuckDB on the same file: at most these ratios recsys/DuckDB. */
export const COMPARE_TARGETS = {time: 2.5, memory: 1, store: 4} as const

export interface CompareOptions {
  sizes: number[]
  runs: number
  seed: number
  input?: string
  /** Runs `bin/run.js ARGS` in its own process (the command's spawnStage). */
  runStage: StageRunner
  /** The environment DuckDB's process starts with (the user's, as recsys's stages get). */
  env?: NodeJS.ProcessEnv
  onProgress?: (text: string) => void
}

export interface SideFigures {
  /** Wall time of the whole process, spawn to exit, as measured by the parent: what a user waits. */
  medianMs: number
  allMs: number[]
  /** The child process's own peak resident memory (median over runs). */
  peakRssMb: number
  /** The database on disk after it was closed (with any write-ahead log). */
  storeBytes: number
  rowsKept: number
}

export interface CompareSize {
  /** Rows in the CSV (generated size, or what prepare read from --input). */
  rows: number
  recsys: SideFigures
  /** queryMs: the SQL alone, inside the process (opening, the script, closing). */
  duckdb: SideFigures & {queryMedianMs: number}
  /** recsys over DuckDB; each is met when at most COMPARE_TARGETS says. */
  ratios: {time: number; memory: number; store: number}
  meets: {time: boolean; memory: boolean; store: boolean}
}

export interface CompareReport {
  compare: 'duckdb'
  machine: {cpus: number; node: string; platform: string}
  duckdb: {version: string; threads: number}
  seed: number
  runs: number
  targets: typeof COMPARE_TARGETS
  sizes: CompareSize[]
  elapsedMs: number
}

function bytesOnDisk(...paths: string[]): number {
  return paths.reduce((sum, p) => sum + (existsSync(p) ? statSync(p).size : 0), 0)
}

interface RunFigures {
  wallMs: number
  maxRssKb: number
  storeBytes: number
  rowsKept: number
}

function runRecsys(options: CompareOptions, csv: string, db: string): RunFigures & {rowsRead: number} {
  const r = options.runStage(['prepare', csv, '--db', db, '--json'])
  if (!r.ok) throw new RecsysError('UNEXPECTED', `bench --compare: recsys prepare failed: ${r.stderr.split('\n')[0]}`, 'Run `recsys prepare` on the file by hand to see the error.')
  const storeBytes = bytesOnDisk(db, `${db}-wal`)
  const store = openStore(db, {readonly: true})
  try {
    const row = store.prepare('SELECT rows, report FROM datasets ORDER BY version DESC LIMIT 1').get() as {rows: number; report: string}
    return {wallMs: r.wallMs, maxRssKb: r.maxRssKb, storeBytes, rowsKept: row.rows, rowsRead: (JSON.parse(row.report) as {rowsRead: number}).rowsRead}
  } finally {
    store.close()
  }
}

function runDuckdb(csv: string, db: string, env?: NodeJS.ProcessEnv): RunFigures & {queryMs: number; version: string; threads: number} {
  const t = process.hrtime.bigint()
  const r = spawnSync(process.execPath, [DUCKDB_CHILD, csv, db], {encoding: 'utf8', maxBuffer: 16 << 20, env})
  const wallMs = Number(process.hrtime.bigint() - t) / 1e6
  let result: DuckdbChildResult
  try {
    result = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as DuckdbChildResult
  } catch {
    throw new RecsysError('UNEXPECTED', `bench --compare: the DuckDB process failed: ${(r.stderr ?? '').split('\n')[0] || `exit ${r.status}`}`, `Run \`node ${DUCKDB_CHILD} CSV OUT.duckdb\` by hand to see the error.`)
  }
  if (!result.ok) throw new RecsysError(result.error.code === 'USAGE' ? 'USAGE' : 'UNEXPECTED', `bench --compare: ${result.error.message}`, result.error.hint)
  return {wallMs, maxRssKb: result.maxRssKb, storeBytes: bytesOnDisk(db, `${db}.wal`), rowsKept: result.rows, queryMs: result.queryMs, version: result.version, threads: result.threads}
}

function side(runs: RunFigures[]): SideFigures {
  return {
    medianMs: median(runs.map((r) => r.wallMs)),
    allMs: runs.map((r) => r.wallMs),
    peakRssMb: median(runs.map((r) => r.maxRssKb)) / 1024,
    storeBytes: median(runs.map((r) => r.storeBytes)),
    rowsKept: runs[0].rowsKept,
  }
}

/**
 * `recsys bench --compare duckdb`: for each size, `recsys prepare` and the equivalent DuckDB SQL
 * (duckdb-prepare.ts) on the same CSV, each run in a process of its own, runs alternating and
 * the order flipped every run (recsys first, then DuckDB first) so that machine noise and a warm
 * page cache favour neither side. Medians of wall time, peak memory and store size, and the
 * ratios recsys/DuckDB beside the targets.
 */
export async function compareWithDuckdb(options: CompareOptions, machine: CompareReport['machine']): Promise<CompareReport> {
  const started = Date.now()
  if (options.runs < 1) throw new RecsysError('USAGE', '--runs must be at least 1', 'Pass e.g. --runs 3.')
  // Fail before generating anything when DuckDB is not installed (a production install).
  await loadDuckdb()
  const progress = options.onProgress ?? (() => {})
  const work = mkdtempSync(join(tmpdir(), 'recsys-compare-'))
  try {
    const sizes: CompareSize[] = []
    let engine = {version: '', threads: 0}
    for (const size of options.input ? [0] : options.sizes) {
      let csv = options.input
      if (!csv) {
        csv = join(work, `data-${size}.csv`)
        progress(`bench --compare: generating ${size.toLocaleString('en-US')} rows`)
        writeGeneratedCsv(csv, 'reference', {rows: size, seed: options.seed})
      }
      const label = size ? `${size.toLocaleString('en-US')} rows, ` : ''
      const recsys: RunFigures[] = []
      const duckdb: Array<RunFigures & {queryMs: number}> = []
      let rows = size
      for (let run = 0; run < options.runs; run++) {
        const order = run % 2 === 0 ? (['recsys', 'duckdb'] as const) : (['duckdb', 'recsys'] as const)
        for (const which of order) {
          progress(`bench --compare: ${label}run ${run + 1}/${options.runs}, ${which === 'recsys' ? 'recsys prepare' : 'DuckDB'}`)
          if (which === 'recsys') {
            const db = join(work, `recsys-${run}.db`)
            const r = runRecsys(options, csv, db)
            rows ||= r.rowsRead
            recsys.push(r)
            for (const suffix of ['', '-wal', '-shm']) rmSync(`${db}${suffix}`, {force: true})
          } else {
            const db = join(work, `duckdb-${run}.duckdb`)
            const r = runDuckdb(csv, db, options.env)
            engine = {version: r.version, threads: r.threads}
            duckdb.push(r)
            for (const suffix of ['', '.wal', '.tmp']) rmSync(`${db}${suffix}`, {recursive: true, force: true})
          }
        }
      }
      const ours = side(recsys)
      const theirs = {...side(duckdb), queryMedianMs: median(duckdb.map((r) => r.queryMs))}
      const ratios = {time: ours.medianMs / theirs.medianMs, memory: ours.peakRssMb / theirs.peakRssMb, store: ours.storeBytes / theirs.storeBytes}
      sizes.push({
        rows,
        recsys: ours,
        duckdb: theirs,
        ratios,
        meets: {time: ratios.time <= COMPARE_TARGETS.time, memory: ratios.memory <= COMPARE_TARGETS.memory, store: ratios.store <= COMPARE_TARGETS.store},
      })
      if (!options.input) rmSync(csv, {force: true})
    }
    return {compare: 'duckdb', machine, duckdb: engine, seed: options.seed, runs: options.runs, targets: COMPARE_TARGETS, sizes, elapsedMs: Date.now() - started}
  } finally {
    rmSync(work, {recursive: true, force: true})
  }
}
