import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {buildAudiences, reach} from '../../../src/core/audience/build.js'
import {buildCsr, dedupeCsr} from '../../../src/core/matrix/csr.js'

// 6 users ranked 0..5 by engagement; product 0 was seen by users 0 and 2, product 1 by user 1.
const order = Int32Array.from([0, 1, 2, 3, 4, 5])
const interactors = dedupeCsr(buildCsr(Int32Array.from([0, 0, 1, 0]), Int32Array.from([0, 2, 1, 0]), 3), 6)

test('audiences are the best users who never interacted with the product, in rank order', () => {
  const a = buildAudiences(order, interactors, 6, Int32Array.from([0, 1, 2]), 3)
  assert.equal(Array.from(a.users), [1, 3, 4, 0, 2, 3, 0, 1, 2])
  assert.equal(Array.from(a.sizes), [3, 3, 3])
})

test('a frequency cap hands the slot to the next best user', () => {
  const a = buildAudiences(order, interactors, 6, Int32Array.from([0, 1, 2]), 2, 1)
  // Product 0 takes users 1 and 3; product 1 cannot reuse them: 0 and 2; product 2: 4 and 5.
  assert.equal(Array.from(a.users), [1, 3, 0, 2, 4, 5])
  assert.is(reach(a, 6), 6)
  assert.is(reach(buildAudiences(order, interactors, 6, Int32Array.from([0, 1, 2]), 2), 6), 4)
})

test('short audiences when too few users are left', () => {
  const a = buildAudiences(Int32Array.from([0, 1, 2]), interactors, 6, Int32Array.from([0]), 3)
  assert.is(a.sizes[0], 1)
  assert.equal(Array.from(a.users), [1, -1, -1])
})

test.run()
