import cluster from 'node:cluster'

import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {RecsysError} from '../core/errors.js'
import {startServer} from '../core/serve/server.js'
import {openStore} from '../core/store/open.js'
import {requireFreshRun} from '../core/store/runs.js'

export default class Serve extends BaseCommand<typeof Serve> {
  static override summary = 'Serve audiences over HTTP from the trained store, with a page for merchants.'
  static override description = `GET /recommend/:productId?n=10 (JSON), /recommend/:productId.csv?n=10 (CSV download), /health, /metrics, /products/sample?n=5, and / (the page). Unknown products get the cold-start audience with a note; n outside 1…top-n is a 422. The store is opened read-only and reloaded when train runs again.`

  static override examples = [
    {description: 'Serve on localhost:8000', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Two worker processes, logging each request', command: '<%= config.bin %> <%= command.id %> --workers 2 --log'},
    {description: 'Ask it', command: 'curl "http://127.0.0.1:8000/recommend/103483?n=5"'},
  ]

  static override enableJsonFlag = false

  static override flags = {
    port: Flags.integer({description: 'Port to listen on (0 picks a free one).', default: 8000, min: 0, max: 65_535}),
    host: Flags.string({description: 'Address to listen on.', default: '127.0.0.1'}),
    workers: Flags.integer({description: 'Worker processes (node:cluster); 1 serves from this process.', default: 1, min: 1, max: 64}),
    seed: Flags.integer({description: 'Seed of /products/sample.', default: 42}),
    log: Flags.boolean({description: 'Log one line per request (on stderr).', default: false}),
  }

  public async run(): Promise<void> {
    const {flags} = this
    const log = (line: string): void => {
      process.stderr.write(`${line}\n`)
    }
    if (flags.workers > 1 && cluster.isPrimary) {
      // Fail fast in the primary on a missing or untrained store, before forking.
      const probe = openStore(flags.db, {readonly: true})
      try {
        requireFreshRun(probe, 'train')
      } finally {
        probe.close()
      }
      for (let w = 0; w < flags.workers; w++) cluster.fork()
      let ready = 0
      cluster.on('message', (_worker, message: {ready?: boolean; port?: number}) => {
        if (message.ready && ++ready === flags.workers) this.log(`recsys serve: http://${flags.host}:${message.port} (${flags.workers} workers, store ${flags.db})`)
      })
      cluster.on('exit', (worker, code) => {
        if (code !== 0) process.stderr.write(`worker ${worker.id} exited with ${code}\n`)
      })
      await new Promise<void>((resolve) => {
        const stop = (): void => {
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
    let running
    try {
      running = await startServer({
        dbPath: flags.db,
        port: flags.port,
        host: flags.host,
        seed: flags.seed,
        log: flags.log ? log : undefined,
        worker: cluster.isWorker ? cluster.worker?.id : 0,
      })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new RecsysError('USAGE', `port ${flags.port} on ${flags.host} is already in use`, 'Pick another with --port, or stop the other server.')
      }
      throw error
    }
    if (cluster.isWorker) process.send?.({ready: true, port: running.port})
    else this.log(`recsys serve: http://${flags.host}:${running.port} (model v${running.index().modelVersion}, ${running.index().products} products, store ${flags.db})`)
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
