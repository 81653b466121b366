import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {RecsysError} from '../errors.js'
import {openStore} from '../store/open.js'
import {writeGeneratedCsv} from '../synth/write.js'
import {type LoadReport, runLoad} from './load.js'
import type {StageRunner} from './run.js'

export interface ServeBenchOptions {
  rows: number
  input?: string
  seed: number
  durationMs: number
  concurrency: number
  workers: number
  topN: number
  runJs: string
  runStage: StageRunner
  onProgress?: (text: string) => void
}

export interface ServeBenchReport {
  rows: number
  workers: number
  topN: number
  load: LoadReport
}

/**
 * `recsys bench --serve`: trains a model (top-n 20, so n in {5, 10, 20} are all valid), starts
 * `recsys serve` on a free loopback port in a child process, warms it up, then drives it with the
 * built-in keep-alive load generator for a fixed time.
 */
export async function benchServe(options: ServeBenchOptions): Promise<ServeBenchReport> {
  const work = mkdtempSync(join(tmpdir(), 'recsys-serve-bench-'))
  try {
    let csv = options.input
    if (!csv) {
      csv = join(work, 'data.csv')
      options.onProgress?.(`bench --serve: generating ${options.rows.toLocaleString('en-US')} rows`)
      writeGeneratedCsv(csv, 'reference', {rows: options.rows, seed: options.seed})
    }
    const db = join(work, 'store.db')
    for (const args of [
      ['prepare', csv, '--db', db],
      ['features', '--db', db],
      ['train', '--db', db, '--skip-eval', '--top-n', String(options.topN)],
    ]) {
      options.onProgress?.(`bench --serve: ${args[0]}`)
      const r = options.runStage(args)
      if (!r.ok) throw new RecsysError('UNEXPECTED', `bench --serve: ${args[0]} failed: ${r.stderr.split('\n')[0]}`, 'Run it by hand to see the error.')
    }
    const store = openStore(db, {readonly: true})
    const productIds = store.prepare('SELECT p.product_id FROM audiences a JOIN products p USING (product_key)').pluck().all() as string[]
    const rows = store.prepare('SELECT rows FROM datasets ORDER BY version DESC LIMIT 1').pluck().get() as number
    store.close()
    options.onProgress?.(`bench --serve: starting ${options.workers} worker(s)`)
    const child = spawn(process.execPath, [options.runJs, 'serve', '--db', db, '--port', '0', '--host', '127.0.0.1', '--workers', String(options.workers)], {stdio: ['ignore', 'pipe', 'pipe']})
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = ''
        const timer = setTimeout(() => reject(new RecsysError('UNEXPECTED', 'bench --serve: the server did not start within 60 s', 'Run `recsys serve` by hand to see why.')), 60_000)
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString()
          const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(out)
          if (m) {
            clearTimeout(timer)
            resolve(Number(m[1]))
          }
        })
        child.on('exit', (code) => reject(new RecsysError('UNEXPECTED', `bench --serve: the server exited (${code})`, 'Run `recsys serve` by hand to see why.')))
      })
      options.onProgress?.(`bench --serve: warming up`)
      await runLoad({host: '127.0.0.1', port, durationMs: 1000, concurrency: options.concurrency, productIds, seed: options.seed + 1})
      options.onProgress?.(`bench --serve: ${options.durationMs / 1000} s at ${options.concurrency} connections`)
      const load = await runLoad({host: '127.0.0.1', port, durationMs: options.durationMs, concurrency: options.concurrency, productIds, seed: options.seed})
      return {rows, workers: options.workers, topN: options.topN, load}
    } finally {
      child.kill('SIGTERM')
      await new Promise((resolve) => {
        if (child.exitCode !== null) resolve(null)
        else child.on('exit', resolve)
      })
    }
  } finally {
    rmSync(work, {recursive: true, force: true})
  }
}
