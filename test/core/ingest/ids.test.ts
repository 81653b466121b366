import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {canonicalInteger, decideIdKind, isNullId} from '../../../src/core/ingest/ids.js'

test('null tokens written by exports count as missing ids', () => {
  for (const v of ['', 'null', 'NULL', 'None', 'NaN', 'nan', 'N/A', 'undefined', '\\N']) assert.ok(isNullId(v), v)
  for (const v of ['0', 'nancy', 'A1', 'nullable']) assert.not.ok(isNullId(v), v)
})

test('canonicalInteger folds float-written integers and rejects text', () => {
  assert.is(canonicalInteger('42'), '42')
  assert.is(canonicalInteger('42.0'), '42')
  assert.is(canonicalInteger('42.000'), '42')
  assert.is(canonicalInteger('007'), '007', 'leading zeros are kept: they may be meaningful')
  assert.is(canonicalInteger('42.5'), null)
  assert.is(canonicalInteger('-1'), null)
  assert.is(canonicalInteger('abc'), null)
  assert.is(canonicalInteger('.0'), null)
})

test('auto id kind: integer only when non-integers are at most 1% of rows', () => {
  assert.is(decideIdKind('auto', 995, 1000), 'integer')
  assert.is(decideIdKind('auto', 989, 1000), 'text')
  assert.is(decideIdKind('auto', 0, 1000), 'text')
  assert.is(decideIdKind('text', 1000, 1000), 'text')
  assert.is(decideIdKind('integer', 0, 1000), 'integer')
})

test.run()
