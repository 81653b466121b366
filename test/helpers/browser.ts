import {spawnSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'

import * as assert from 'uvu/assert'

import {generateReferenceCsv} from '../../src/core/synth/generate.js'
import {runCli} from './cli.js'
import {tempDir} from './tmp.js'

/**
 * Debian's chromium, as .ci/run installs it. In CI its absence fails the test; elsewhere the test
 * says it is skipped and returns null.
 */
export function chromiumOrSkip(): string | null {
  const r = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], {encoding: 'utf8'})
  if (r.status === 0) return r.stdout.trim()
  if (process.env.CI) assert.unreachable('chromium is missing: .ci/run installs it (apt-get install chromium)')
  console.log('  (skipped: no chromium on this machine; CI installs it)')
  return null
}

/** A store built by the CLI from 4,000 generated rows, through the given stages. */
export function builtStore(seed: number, stages: string[][]): {tmp: ReturnType<typeof tempDir>; db: string} {
  const tmp = tempDir()
  const parts: string[] = []
  generateReferenceCsv({rows: 4000, seed}, (c) => parts.push(c))
  const csv = tmp.file('g.csv')
  writeFileSync(csv, parts.join(''))
  const db = tmp.file('s.db')
  for (const args of stages) {
    const withInput = args[0] === 'prepare' ? ['prepare', csv, ...args.slice(1)] : args
    assert.is(runCli([...withInput, '--db', db]).code, 0, args[0])
  }
  return {tmp, db}
}
