import {existsSync, mkdirSync, readdirSync, readFileSync, statSync} from 'node:fs'

import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {isRecsysError} from '../../../src/core/errors.js'
import {writeFileAtomically} from '../../../src/core/util/atomic-file.js'
import {tempDir} from '../../helpers/tmp.js'

function failure(f: () => unknown): {code: string; message: string} {
  try {
    f()
  } catch (error) {
    assert.ok(isRecsysError(error), `a RecsysError, not ${String(error)}`)
    return error as {code: string; message: string}
  }
  throw new Error('expected a failure')
}

test('a folder, an empty name or a missing folder is named as such, and no temporary file is left', () => {
  const tmp = tempDir()
  try {
    const dir = tmp.file('adir')
    mkdirSync(dir)
    assert.match(failure(() => writeFileAtomically(dir, (w) => w('x'))).message, /is a folder/)
    assert.match(failure(() => writeFileAtomically('', (w) => w('x'))).message, /empty/)
    assert.match(failure(() => writeFileAtomically(tmp.file('no/such/x.csv'), (w) => w('x'))).message, /folder does not exist/)
    assert.equal(readdirSync(tmp.dir).sort(), ['adir'])
    assert.equal(readdirSync(dir), [])
  } finally {
    tmp.cleanup()
  }
})

test('a failure while filling removes the temporary file and keeps the old file', () => {
  const tmp = tempDir()
  try {
    const path = tmp.file('a.csv', 'old\n')
    assert.throws(() =>
      writeFileAtomically(path, (w) => {
        w('new')
        throw new Error('boom')
      }),
    )
    assert.is(readFileSync(path, 'utf8'), 'old\n')
    assert.equal(readdirSync(tmp.dir), ['a.csv'])
  } finally {
    tmp.cleanup()
  }
})

test('a special file (a character device) is written through, not replaced by a regular file', () => {
  if (!existsSync('/dev/null')) return
  assert.is(writeFileAtomically('/dev/null', (w) => (w('x'), 1)), 1)
  assert.ok(statSync('/dev/null').isCharacterDevice(), '/dev/null is still a device')
})

test.run()
