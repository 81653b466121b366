import {readFileSync} from 'node:fs'

import * as assert from 'uvu/assert'

import {prepareDataset} from '../../../src/core/ingest/prepare.js'
import {BUNDLED_FIXTURE} from '../../../src/core/paths.js'
import {loadDataset} from '../../../src/core/store/dataset.js'
import type {Db} from '../../../src/core/store/open.js'
import {generateReferenceCsv} from '../../../src/core/synth/generate.js'
import {referencePrepare} from '../../helpers/reference-prepare.js'
import {storeSuite} from '../../helpers/store-suite.js'
import {REES46} from '../../helpers/tmp.js'

/** The streaming, bounded-memory prepare against the plain reference, on real and generated files. */
const Same = storeSuite('prepare = the plain reference')

const DEFAULT = {user: 'customer_id', product: 'product_id', event: 'event', time: 'event_date'}

async function compare(c: {db: Db}, path: string, columns = DEFAULT, botThreshold = 1000): Promise<void> {
  const want = referencePrepare(readFileSync(path, 'utf8'), columns, botThreshold)
  const got = await prepareDataset(c.db, {source: {kind: 'file', path}, columns, botThreshold})
  assert.is(got.rowsRead, want.rowsRead)
  for (const [reason, n] of Object.entries(want.dropped)) assert.is(got.dropped[reason as keyof typeof got.dropped], n, reason)
  const data = loadDataset(c.db)
  const users = c.db.prepare('SELECT user_id FROM users ORDER BY user_key').pluck().all() as string[]
  const products = c.db.prepare('SELECT product_id FROM products ORDER BY product_key').pluck().all() as string[]
  assert.is(data.nRows, want.rows.length)
  // Same rows, in the same time order (ties keep file order in the reference; the store orders
  // equal instants by user, product and event, so compare each instant's rows as a set).
  const key = (r: {user: string; product: string; event: string; tsMs: number}) => `${r.tsMs}|${r.user}|${r.product}|${r.event}`
  const stored = Array.from({length: data.nRows}, (_, i) => key({user: users[data.userKey[i]], product: products[data.productKey[i]], event: data.eventNames[data.eventKey[i]], tsMs: data.tsMs[i]}))
  for (let i = 1; i < data.nRows; i++) assert.ok(data.tsMs[i] >= data.tsMs[i - 1], 'time order')
  assert.equal(stored.slice().sort(), want.rows.map(key).sort())
}

Same('the bundled fixture (nulls, text ids in integer columns, bad dates, duplicates, a bot)', async (c) => {
  await compare(c, BUNDLED_FIXTURE)
})

Same('the REES46 slice (another schema, a cut-off line)', async (c) => {
  await compare(c, REES46, {user: 'user_id', product: 'product_id', event: 'event_type', time: 'event_time'})
})

Same('a generated file shuffled out of time order (so the radix sort runs)', async (c) => {
  const parts: string[] = []
  generateReferenceCsv({rows: 30_000, seed: 21}, (s) => parts.push(s))
  const [header, ...lines] = parts.join('').trimEnd().split('\n')
  // A fixed shuffle of the rows.
  for (let i = lines.length - 1; i > 0; i--) {
    const j = (i * 7919 + 13) % (i + 1)
    ;[lines[i], lines[j]] = [lines[j], lines[i]]
  }
  await compare(c, c.tmp.file('shuffled.csv', `${header}\n${lines.join('\n')}\n`), DEFAULT, 50)
})

Same.run()
