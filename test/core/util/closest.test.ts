import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {closestWord, editDistance} from '../../../src/core/util/closest.js'

test('edit distance counts insertions, deletions and substitutions', () => {
  assert.is(editDistance('prepare', 'prepare'), 0)
  assert.is(editDistance('prepar', 'prepare'), 1)
  assert.is(editDistance('trian', 'train'), 2)
  assert.is(editDistance('', 'abc'), 3)
  assert.is(editDistance('kitten', 'sitting'), 3)
})

test('the nearest command is offered only for what looks like a typo of it', () => {
  const commands = ['explore', 'features', 'prepare', 'recommend', 'report', 'serve', 'train', 'campaign report']
  assert.is(closestWord('prepar', commands), 'prepare')
  assert.is(closestWord('TRAIN', commands), 'train')
  assert.is(closestWord('recomend', commands), 'recommend')
  assert.is(closestWord('campaign reprot', commands), 'campaign report')
  assert.is(closestWord('frobnicate', commands), undefined)
  assert.is(closestWord('x', commands), undefined)
  // "reprt" is one edit from report and more from every other: report, not recommend.
  assert.is(closestWord('reprt', commands), 'report')
})

test.run()
