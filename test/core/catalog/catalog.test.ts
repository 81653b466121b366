import * as assert from 'uvu/assert'

import {loadProductCatalog} from '../../../src/core/catalog/catalog.js'
import {buildAttributes, type ProductText} from '../../../src/core/rankings/content.js'
import type {ProductAttributes} from '../../../src/core/rankings/contract.js'
import {storeSuite} from '../../helpers/store-suite.js'

const Catalog = storeSuite('catalog')

/** Equal attributes, checked without a diff of 150k-element arrays when they are not. */
function sameAttributes(a: ProductAttributes | undefined, b: ProductAttributes): void {
  assert.ok(a, 'no attributes')
  assert.ok(Buffer.from(a.offsets.buffer).equals(Buffer.from(b.offsets.buffer)), 'offsets differ')
  assert.ok(Buffer.from(a.tokens.buffer).equals(Buffer.from(b.tokens.buffer)), 'tokens differ')
  assert.ok(a.vocabulary.join('\n') === b.vocabulary.join('\n'), 'vocabularies differ')
}

Catalog('product names read in joined batches give the tokens a row-by-row read gives (no names, a name with the separator, many batches)', (ctx) => {
  const n = 150_000
  const names = Array.from({length: n}, (_, k) => (k % 7 === 0 ? null : k === 70_001 ? 'Lamp\u0001Oak' : `Item ${k % 5000} ${['Red', 'Blue', 'Oak'][k % 3]}`))
  const insert = ctx.db.prepare("INSERT INTO products (product_key, product_id, name) VALUES (?, ?, ?)")
  ctx.db.transaction(() => names.forEach((name, k) => insert.run(k, String(k), name)))()
  const expected = buildAttributes(names.map((name): ProductText | undefined => (name === null ? undefined : {name, category: null, brand: null})))
  // Keys past nData are not read.
  const {attributes} = loadProductCatalog(ctx.db, n - 10)
  const want = buildAttributes(names.slice(0, n - 10).map((name): ProductText | undefined => (name === null ? undefined : {name, category: null, brand: null})))
  sameAttributes(attributes, want)
  sameAttributes(loadProductCatalog(ctx.db, n).attributes, expected)
  assert.ok(expected.vocabulary.includes('oak'))
})

Catalog.run()
