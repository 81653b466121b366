import {type ChildProcess, spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {createServer} from 'node:http'
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
  runJs: string
  runStage: StageRunner
  onProgress?: (text: string) => void
}

export interface ServeBenchReport {
  rows: number
  workers: number
  ranking: string
  /** 50 recommend (random products, n in 5/10/20) : 1 health : 1 metrics. */
  mix: LoadReport
  /** Only /recommend/:id?n=100, one random product each. */
  n100: LoadReport
  /** A bare node:http server sending a fixed body of n100's mean size, same client, same run. */
  bare: LoadReport
  /** n100 requests per second over the bare server's. */
  n100OverBare: number
  /** The mix while `train` runs again and the new model is swapped in. */
  duringRetrain: LoadReport & {swapped: boolean}
}

function waitForUrl(child: ChildProcess): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new RecsysError('UNEXPECTED', 'bench --serve: the server did not start within 60 s', 'Run `recsys serve` by hand to see why.')), 60_000)
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(Number(m[1]))
      }
    })
    child.on('exit', (code) => reject(new RecsysError('UNEXPECTED', `bench --serve: the server exited (${code})`, 'Run `recsys serve` by hand to see why.')))
  })
}

/**
 * `recsys bench --serve`: trains a model as `recsys train` does by default, starts `recsys serve`
 * on a free loopback port, warms it up, then drives it with the built-in keep-alive client: the
 * request mix, n = 100 alone beside a bare Node server sending a body of the same size (same
 * client, same run, so the ratio holds on a noisy machine), and the mix again while `train` runs
 * and the new model is swapped in.
 */
export async function benchServe(options: ServeBenchOptions): Promise<ServeBenchReport> {
  const work = mkdtempSync(join(tmpdir(), 'recsys-serve-bench-'))
  const progress = options.onProgress ?? (() => {})
  const load = (port: number, extra: Partial<Parameters<typeof runLoad>[0]> & {productIds: string[]}, durationMs = options.durationMs) =>
    runLoad({host: '127.0.0.1', port, durationMs, concurrency: options.concurrency, seed: options.seed, ...extra})
  try {
    let csv = options.input
    if (!csv) {
      csv = join(work, 'data.csv')
      progress(`bench --serve: generating ${options.rows.toLocaleString('en-US')} rows`)
      writeGeneratedCsv(csv, 'reference', {rows: options.rows, seed: options.seed})
    }
    const db = join(work, 'store.db')
    for (const args of [['prepare', csv, '--db', db], ['features', '--db', db], ['train', '--db', db]]) {
      progress(`bench --serve: ${args[0]}`)
      const r = options.runStage(args)
      if (!r.ok) throw new RecsysError('UNEXPECTED', `bench --serve: ${args[0]} failed: ${r.stderr.split('\n')[0]}`, 'Run it by hand to see the error.')
    }
    const store = openStore(db, {readonly: true})
    const productIds = store.prepare('SELECT product_id FROM products').pluck().all() as string[]
    const rows = store.prepare('SELECT rows FROM datasets ORDER BY version DESC LIMIT 1').pluck().get() as number
    const ranking = (JSON.parse(store.prepare("SELECT summary FROM runs WHERE stage = 'train' ORDER BY run_id DESC LIMIT 1").pluck().get() as string) as {ranker: {shipped: string}}).ranker.shipped
    store.close()
    progress(`bench --serve: starting ${options.workers} worker(s)`)
    const child = spawn(process.execPath, [options.runJs, 'serve', '--db', db, '--port', '0', '--host', '127.0.0.1', '--workers', String(options.workers)], {stdio: ['ignore', 'pipe', 'pipe']})
    let serverLog = ''
    child.stderr!.on('data', (c: Buffer) => (serverLog += c.toString()))
    try {
      const port = await waitForUrl(child)
      progress('bench --serve: warming up')
      await load(port, {productIds, seed: options.seed + 1}, 2000)
      progress(`bench --serve: the mix, ${options.durationMs / 1000} s at ${options.concurrency} connections`)
      const mix = await load(port, {productIds})
      progress('bench --serve: n = 100')
      const n100 = await load(port, {productIds, ns: [100], onlyRecommend: true, seed: options.seed + 2})
      progress('bench --serve: a bare node:http server, same body size')
      const body = Buffer.alloc(Math.max(1, n100.meanBodyBytes), 'x')
      const bareServer = createServer((_req, res) => {
        res.sendDate = false
        res.writeHead(200, {'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length)})
        res.end(body)
      })
      await new Promise<void>((resolve) => bareServer.listen(0, '127.0.0.1', resolve))
      const barePort = (bareServer.address() as {port: number}).port
      await load(barePort, {productIds, path: '/'}, 1000)
      const bare = await load(barePort, {productIds, path: '/'})
      await new Promise((resolve) => bareServer.close(resolve))
      progress('bench --serve: the mix while train runs again')
      // Load from the start of the retrain until a second after the new model is swapped in.
      const before = serverLog.length
      const retrain = spawn(process.execPath, [options.runJs, 'train', '--db', db, '--json'], {stdio: 'ignore'})
      const trained = new Promise<number | null>((resolve) => retrain.on('exit', resolve))
      let swappedAt = 0
      const during = await load(port, {
        productIds,
        seed: options.seed + 3,
        stopWhen: () => {
          if (!swappedAt && /loaded model/.test(serverLog.slice(before))) swappedAt = Date.now()
          return swappedAt > 0 && Date.now() - swappedAt > 1000
        },
      }, 600_000)
      if ((await trained) !== 0) throw new RecsysError('UNEXPECTED', 'bench --serve: the retrain failed', 'Run `recsys train` by hand to see why.')
      const swapped = swappedAt > 0
      return {rows, workers: options.workers, ranking, mix, n100, bare, n100OverBare: bare.perSecond > 0 ? n100.perSecond / bare.perSecond : 0, duringRetrain: {...during, swapped}}
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
