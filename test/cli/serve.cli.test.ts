import {spawn} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {generateReferenceCsv} from '../../src/core/synth/generate.js'
import {runCli} from '../helpers/cli.js'
import {REPO_ROOT, tempDir} from '../helpers/tmp.js'

test('serve --workers 2 answers on one port and exits promptly (code 0) on SIGTERM; an untrained store is an error', async () => {
  const tmp = tempDir()
  try {
    const parts: string[] = []
    generateReferenceCsv({rows: 3000, seed: 8}, (c) => parts.push(c))
    const csv = tmp.file('g.csv')
    writeFileSync(csv, parts.join(''))
    const db = tmp.file('s.db')
    assert.is(runCli(['prepare', csv, '--db', db]).code, 0)
    const untrained = runCli(['serve', '--db', db, '--port', '0'])
    assert.is(untrained.code, 4)
    assert.match(untrained.stderr, /recsys features|recsys train/)
    assert.is(runCli(['features', '--db', db]).code, 0)
    assert.is(runCli(['train', '--db', db, '--skip-eval']).code, 0)
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/run.js'), 'serve', '--db', db, '--port', '0', '--workers', '2'], {stdio: ['ignore', 'pipe', 'pipe']})
    const base = await new Promise<string>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString()
        const m = /(http:\/\/127\.0\.0\.1:\d+) \(2 workers/.exec(out)
        if (m) resolve(m[1])
      })
      child.on('exit', (code) => reject(new Error(`serve exited early (${code}): ${out}`)))
    })
    const workers = new Set<number>()
    for (let i = 0; i < 30; i++) {
      const metrics = (await (await fetch(`${base}/metrics`)).json()) as {worker: number}
      workers.add(metrics.worker)
    }
    assert.ok(workers.size >= 1)
    const started = Date.now()
    child.kill('SIGTERM')
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    assert.is(code, 0)
    assert.ok(Date.now() - started < 5000, 'exits within the 5 s grace period')
  } finally {
    tmp.cleanup()
  }
})

test.run()
