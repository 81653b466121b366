import cluster, {type Worker} from 'node:cluster'

import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {DEFAULT_LOOKUP_MAX_N} from '../core/audience/answer.js'
import {RecsysError} from '../core/errors.js'
import type {MetricsSnapshot} from '../core/serve/metrics.js'
import {startServer} from '../core/serve/server.js'
import {openStore} from '../core/store/open.js'
import {requireFreshRun} from '../core/store/runs.js'

type WorkerMessage = {kind: 'ready'; port: number} | {kind: 'metrics'; snapshot: MetricsSnapshot}
type PrimaryMessage = {kind: 'peers'; snapshots: MetricsSnapshot[]; workers: number}

export default class Serve extends BaseCommand<typeof Serve> {
  static override summary = 'Serve audiences over HTTP from the trained store, with a page for merchants.'
  static override description = `GET /recommend/:productId?n=10 (JSON), /recommend/:productId.csv?n=10 (CSV download, safe to open in a spreadsheet), /health, /metrics (summed over workers), /products/sample?n=5, and / (the page). The answers are the CLI's: same ranking, columns and notes. A product not in the data gets a content audience when ?name=&category=&brand= describe it, else the cold-start audience. n outside 1…--max-n is a 422. The store is opened read-only; new data marks the model stale in /health (it keeps answering), a new train run is loaded off the request path and swapped in, and a worker that dies is replaced.`

  static override examples = [
    {description: 'Serve on localhost:8000', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Two worker processes, logging each request', command: '<%= config.bin %> <%= command.id %> --workers 2 --log'},
    {description: 'Ask it', command: 'curl "http://127.0.0.1:8000/recommend/103483?n=5"'},
  ]

  static override enableJsonFlag = false

  static override flags = {
    port: Flags.integer({description: 'Port to listen on (0 picks a free one).', default: 8000, min: 0, max: 65_535}),
    host: Flags.string({description: 'Address to listen on.', default: '127.0.0.1'}),
    workers: Flags.integer({description: 'Worker processes (node:cluster); a worker that dies is replaced.', default: 1, min: 1, max: 64}),
    seed: Flags.integer({description: 'Seed of /products/sample.', default: 42}),
    'max-n': Flags.integer({description: 'The largest n a request may ask for.', default: DEFAULT_LOOKUP_MAX_N, min: 1, max: 100_000}),
    log: Flags.boolean({description: 'Log one line per request (on stderr).', default: false}),
  }

  public async run(): Promise<void> {
    if (cluster.isPrimary) return this.supervise()
    return this.work()
  }

  /** The primary: checks the store, forks the workers, replaces any that dies, sums their metrics. */
  private async supervise(): Promise<void> {
    const {flags} = this
    if (flags.host.trim() === '') throw new RecsysError('USAGE', '--host is empty', 'Use 127.0.0.1 for this machine only, or 0.0.0.0 for every interface.')
    if (flags.db.trim() === '') throw new RecsysError('USAGE', '--db is empty', 'Pass a file, e.g. --db recsys.db (or leave --db out for ./recsys.db).')
    const probe = openStore(flags.db, {readonly: true})
    try {
      requireFreshRun(probe, 'train')
    } finally {
      probe.close()
    }
    const snapshots = new Map<number, MetricsSnapshot>()
    const started = new Set<number>()
    let stopping = false
    let announced = false
    let ready = 0
    const fork = (): Worker => {
      const worker = cluster.fork()
      worker.on('message', (m: WorkerMessage) => {
        if (m.kind === 'metrics') snapshots.set(worker.id, m.snapshot)
        else if (m.kind === 'ready') started.add(worker.id)
        if (m.kind === 'ready' && !announced && ++ready === flags.workers) {
          announced = true
          this.log(`recsys serve: http://${flags.host}:${m.port} (${flags.workers} worker${flags.workers > 1 ? 's' : ''}, store ${flags.db})`)
        }
      })
      return worker
    }
    for (let w = 0; w < flags.workers; w++) fork()
    cluster.on('exit', (worker, code, signal) => {
      snapshots.delete(worker.id)
      if (stopping) return
      if (!started.has(worker.id)) {
        // It failed before serving (bad store, port taken): it said why; restarting would loop.
        stopping = true
        for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM')
        process.exit(code || 1)
      }
      const replacement = fork()
      process.stderr.write(`worker ${worker.id} died (${signal ?? `exit code ${code}`}); started worker ${replacement.id} in its place\n`)
    })
    // Every second, each worker learns the others' latest metrics, so /metrics sums them all.
    const share = setInterval(() => {
      const live = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined)
      for (const w of live) {
        const others = [...snapshots.entries()].filter(([id]) => id !== w.id).map(([, s]) => s)
        w.send({kind: 'peers', snapshots: others, workers: live.length} satisfies PrimaryMessage)
      }
    }, 1000)
    share.unref()
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        stopping = true
        const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined)
        let alive = workers.length
        if (alive === 0) resolve()
        cluster.on('exit', () => {
          if (--alive === 0) resolve()
        })
        for (const worker of workers) worker.process.kill('SIGTERM')
        setTimeout(resolve, 5000).unref()
      }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    // The cluster's IPC handles would keep this process alive after the workers are gone.
    process.exit(0)
  }

  /** A worker: one HTTP server over the store, reporting its metrics to the primary. */
  private async work(): Promise<void> {
    const {flags} = this
    let peers: PrimaryMessage = {kind: 'peers', snapshots: [], workers: 1}
    process.on('message', (m: PrimaryMessage) => {
      if (m.kind === 'peers') peers = m
    })
    let running
    try {
      running = await startServer({
        dbPath: flags.db,
        port: flags.port,
        host: flags.host,
        seed: flags.seed,
        maxN: flags['max-n'],
        log: flags.log ? (line) => process.stderr.write(`${line}\n`) : (line) => (line.startsWith('loaded') || line.startsWith('the store') ? process.stderr.write(`${line}\n`) : undefined),
        peerMetrics: () => ({snapshots: peers.snapshots, workers: peers.workers}),
      })
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EADDRINUSE') {
        throw new RecsysError('USAGE', `port ${flags.port} on ${flags.host} is already in use`, 'Pick another with --port, or stop the other server.')
      }
      if (code === 'EACCES' || code === 'EPERM') {
        throw new RecsysError('USAGE', `not allowed to listen on port ${flags.port} (${code}): ports below 1024 need privileges`, 'Pick a port above 1023, e.g. --port 8000.')
      }
      if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EADDRNOTAVAIL' || code === 'EINVAL') {
        throw new RecsysError('USAGE', `cannot listen on --host ${flags.host.slice(0, 100)} (${code}): not an address of this machine`, 'Use 127.0.0.1 for this machine only, or 0.0.0.0 for every interface.')
      }
      throw error
    }
    const report = setInterval(() => process.send?.({kind: 'metrics', snapshot: running.metrics.snapshot()} satisfies WorkerMessage), 1000)
    report.unref()
    process.send?.({kind: 'ready', port: running.port} satisfies WorkerMessage)
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        void running.close().then(resolve)
        setTimeout(resolve, 5000).unref()
      }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    // A cluster worker's IPC channel would keep it alive after its server has closed.
    process.exit(0)
  }
}
