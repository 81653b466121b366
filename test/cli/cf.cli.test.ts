import {writeFileSync} from 'node:fs'

import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {generateLoyalCsv} from '../../src/core/synth/loyal.js'
import {runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

test('cf-attempt gives the same numbers on one thread and on two (built CLI, real workers)', () => {
  const tmp = tempDir()
  try {
    const parts: string[] = []
    generateLoyalCsv({rows: 20_000, seed: 3}, (c) => parts.push(c))
    const csv = tmp.file('loyal.csv')
    writeFileSync(csv, parts.join(''))
    const db = tmp.file('s.db')
    assert.is(runCli(['prepare', csv, '--db', db]).code, 0)
    const run = (workers: string) => {
      const r = runCli(['cf-attempt', '--db', db, '--json', '--factors', '12', '--iterations', '6', '--workers', workers, '--loss-every', '3'])
      assert.is(r.code, 0, r.stderr)
      return JSON.parse(r.stdout)
    }
    const one = run('1')
    const two = run('2')
    assert.is(one.training.threads, 1)
    assert.is(two.training.threads, 2)
    assert.equal(two.training.losses, one.training.losses)
    assert.equal(two.evaluation.rankers, one.evaluation.rankers)
    assert.is(one.verdict.viable, true)
    const bad = runCli(['cf-attempt', '--db', db, '--factors', '0'])
    assert.is(bad.code, 2)
  } finally {
    tmp.cleanup()
  }
})

test.run()
