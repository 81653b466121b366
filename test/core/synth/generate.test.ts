import {createHash} from 'node:crypto'
import {writeFileSync} from 'node:fs'

import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {prepareDataset} from '../../../src/core/ingest/prepare.js'
import {openStore} from '../../../src/core/store/open.js'
import {generateReferenceCsv} from '../../../src/core/synth/generate.js'
import {tempDir} from '../../helpers/tmp.js'

function generate(rows: number, seed: number): {text: string; summary: ReturnType<typeof generateReferenceCsv>} {
  const parts: string[] = []
  const summary = generateReferenceCsv({rows, seed}, (chunk) => parts.push(chunk))
  return {text: parts.join(''), summary}
}
const digest = (s: string): string => createHash('sha256').update(s).digest('hex')

test('the same seed gives the same file; another seed another', () => {
  const a = generate(3000, 5)
  const b = generate(3000, 5)
  const c = generate(3000, 6)
  assert.is(digest(a.text), digest(b.text))
  assert.is.not(digest(a.text), digest(c.text))
  assert.is(a.text.trimEnd().split('\n').length - 1, a.summary.rows)
})

test('prepare finds exactly the dirt the generator injected', async () => {
  const tmp = tempDir()
  try {
    const {text, summary} = generate(60_000, 11)
    const path = tmp.file('gen.csv')
    writeFileSync(path, text)
    const db = openStore(tmp.file('s.db'))
    const report = await prepareDataset(db, {source: {kind: 'file', path}})
    db.close()
    const d = summary.injected
    assert.is(report.rowsRead, summary.rows)
    assert.is(report.dropped.duplicate, d.duplicates)
    assert.is(report.dropped.nullUserId, d.nullUserId)
    assert.is(report.dropped.nullProductId, d.nullProductId)
    assert.is(report.dropped.invalidUserId, d.invalidUserId)
    assert.is(report.dropped.invalidProductId, d.invalidProductId)
    assert.is(report.dropped.badTimestamp, d.badTimestamp)
    assert.is(report.botUsers.length, d.botUsers)
    assert.is(report.dropped.bot, d.botRows)
    assert.is(report.rowsKept, summary.cleanRows)
    assert.is(report.users, summary.users)
    assert.is(report.products, summary.products)
  } finally {
    tmp.cleanup()
  }
})

test.run()
