import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {readIdList} from '../../../src/core/campaigns/ids.js'

test('one id per line, quoted or not, float-written integers as integers, a header line skipped', () => {
  assert.equal(readIdList('customer_id\n"10011392"\n42.0\n  7 \n\n', 'f', 'customer'), ['10011392', '42', '7'])
  assert.equal(readIdList('\uFEFFSKU-1\r\nSKU-2\r\n', 'f', 'product'), ['SKU-1', 'SKU-2'])
  assert.equal(readIdList('Product ID\n7\n', 'f', 'product'), ['7'])
  assert.equal(readIdList('productId\n7\n', 'f', 'product'), ['7'])
  assert.equal(readIdList('Email,Customer ID\na@b.c,9\n', 'f', 'customer'), ['9'])
})

test('a CSV export: the id column named in the header, whatever its place or delimiter', () => {
  assert.equal(readIdList('email,customer_id\na@b.c,1\n"x,y",2\n', 'f', 'customer'), ['1', '2'])
  assert.equal(readIdList('customer_id;name\n10011392;x\n', 'f', 'customer'), ['10011392'])
  assert.equal(readIdList('name\tsku\nlamp\tA-1\n', 'f', 'product'), ['A-1'])
})

test('several fields with no named column, binary content and an empty list are errors naming the file', () => {
  assert.throws(() => readIdList('a@b,1\nc@d,2\n', '--exclude-users file x', 'customer'), /--exclude-users file x: every line has several fields/)
  assert.throws(() => readIdList('\u0000\u0001ELF\u0002', 'f', 'product'), /looks binary/)
  assert.throws(() => readIdList('\n \n', 'f', 'product'), /holds no ids/)
})

test.run()
