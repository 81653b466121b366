import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {hashText, holdoutGroup, parseHoldout} from '../../../src/core/campaigns/holdout.js'

test('a user keeps their group in a campaign; different campaigns split differently', () => {
  const ids = Array.from({length: 2000}, (_, i) => String(10_000_000 + i * 7))
  const a = ids.map((id) => holdoutGroup('spring-sale', id, 0.1))
  assert.equal(ids.map((id) => holdoutGroup('spring-sale', id, 0.1)), a)
  const b = ids.map((id) => holdoutGroup('autumn-sale', id, 0.1))
  assert.ok(a.filter((g, i) => g !== b[i]).length > 100, 'another campaign, another split')
})

test('the control share of 1,000,000 slots is within 0.2 points of the asked share', () => {
  for (const share of [0.05, 0.1, 0.5]) {
    let control = 0
    for (let i = 0; i < 1_000_000; i++) if (holdoutGroup('c-42', `user-${i}`, share) === 'control') control++
    assert.ok(Math.abs(control / 1_000_000 - share) < 0.002, `${share}: ${control}`)
  }
})

test('the hash is fixed (the same on every machine) and holdouts parse as percent or share', () => {
  assert.is(hashText(''), hashText(''))
  assert.is(hashText('abc'), 482950588, 'a change here would move users between groups')
  assert.is(parseHoldout('10%'), 0.1)
  assert.is(parseHoldout('10'), 0.1)
  assert.is(parseHoldout('0.25'), 0.25)
  assert.is(parseHoldout('60%'), undefined)
  assert.is(parseHoldout('0.5%'), undefined)
  assert.is(parseHoldout('abc'), undefined)
})

test.run()
