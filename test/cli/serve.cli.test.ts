import {spawn} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {generateReferenceCsv} from '../../src/core/synth/generate.js'
import {runCli} from '../helpers/cli.js'
import {REPO_ROOT, tempDir} from '../helpers/tmp.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

test('serve --workers 2: one port, metrics summed over workers, a killed worker replaced, clean SIGTERM; an untrained store is an error', async () => {
  const tmp = tempDir()
  let child: ReturnType<typeof spawn> | undefined
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
    assert.is(runCli(['train', '--db', db, '--ranker', 'engagement', '--skip-eval']).code, 0)
    child = spawn(process.execPath, [join(REPO_ROOT, 'bin/run.js'), 'serve', '--db', db, '--port', '0', '--workers', '2'], {stdio: ['ignore', 'pipe', 'pipe']})
    let stderr = ''
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()))
    const base = await new Promise<string>((resolve, reject) => {
      let out = ''
      child!.stdout!.on('data', (c: Buffer) => {
        out += c.toString()
        const m = /(http:\/\/127\.0\.0\.1:\d+) \(2 workers/.exec(out)
        if (m) resolve(m[1])
      })
      child!.on('exit', (code) => reject(new Error(`serve exited early (${code}): ${out}${stderr}`)))
    })
    // A new connection each time, so the cluster spreads them over the workers.
    const metrics = async () => (await (await fetch(`${base}/metrics`, {headers: {connection: 'close'}})).json()) as {workers: number; pid: number; requests: Record<string, number>}
    for (let i = 0; i < 40; i++) await fetch(`${base}/health`)
    await sleep(2200)
    const summed = await metrics()
    assert.is(summed.workers, 2)
    assert.ok((summed.requests['/health 200'] ?? 0) >= 40, `all 40 health checks counted, whichever worker answered: ${JSON.stringify(summed.requests)}`)
    // Kill the worker that answers; another must take its place within 2 s.
    const victim = summed.pid
    process.kill(victim, 'SIGKILL')
    const killedAt = Date.now()
    let replaced = false
    while (Date.now() - killedAt < 2000 && !replaced) {
      await sleep(100)
      replaced = /worker \d+ died \(SIGKILL\); started worker \d+/.test(stderr)
    }
    assert.ok(replaced, `no replacement within 2 s: ${stderr}`)
    const seen = new Set<number>()
    const deadline = Date.now() + 5000
    while (Date.now() < deadline && seen.size < 2) {
      try {
        seen.add((await metrics()).pid)
      } catch {
        // a connection to the dead worker
      }
    }
    assert.is(seen.size, 2, 'two live workers answer again')
    assert.not.ok(seen.has(victim))
    const started = Date.now()
    child.kill('SIGTERM')
    const code = await new Promise<number | null>((resolve) => child!.on('exit', resolve))
    assert.is(code, 0)
    assert.ok(Date.now() - started < 5000, 'exits within the 5 s grace period')
  } finally {
    if (child && child.exitCode === null) child.kill('SIGKILL')
    tmp.cleanup()
  }
})

test.run()
