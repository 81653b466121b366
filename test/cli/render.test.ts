import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {renderAudience} from '../../src/cli/render/audience.js'
import {prepareProgressText} from '../../src/cli/render/prepare.js'
import type {AudienceAnswer} from '../../src/core/audience/answer.js'

test('prepare progress: the share of the file, rows per second, and the time left once it can be trusted', () => {
  const early = prepareProgressText({phase: 'read', rowsRead: 1000, bytesRead: 1e6, totalBytes: 100e6, elapsedMs: 500})
  assert.match(early, /\[\.{20}\] 1% of 100\.0 MB, 1,000 rows, 2,000 rows\/s$/)
  const half = prepareProgressText({phase: 'read', rowsRead: 500_000, bytesRead: 50e6, totalBytes: 100e6, elapsedMs: 30_000})
  assert.match(half, /\[#{10}\.{10}\] 50% of 100\.0 MB, 500,000 rows, 16,667 rows\/s, about 30 s left$/)
  assert.match(prepareProgressText({phase: 'read', rowsRead: 10, bytesRead: 4e9, totalBytes: 5e9, elapsedMs: 3_600_000}), /about 15 min left/)
  assert.match(prepareProgressText({phase: 'read', rowsRead: 10, bytesRead: 2e6, elapsedMs: 1000}), /read 10 rows \(2\.0 MB\), 10 rows\/s/)
})

test('an audience table never sends control characters from the data to the terminal', () => {
  const evil = 'X\u001b]0;pwned\u0007'
  const answer = {
    product_id: evil,
    product_name: `lamp\u001b[2J`,
    known: false,
    new_product: false,
    cold_start: true,
    ranking: 'engagement',
    note: `product ${evil} is not in the data`,
    n: 1,
    count: 1,
    recommendations: [{rank: 1, customer_id: `u\u001b[31m1`, score: 0.5, interactions: 1, distinct_products: 1, last_seen: '2023-01-01', reason: 'engaged'}],
    model_version: 1,
    trained_at: '',
    dataset_version: 1,
  } as unknown as AudienceAnswer
  const text = renderAudience(answer).replace(/\u001b\[[0-9;]*m/g, '')
  assert.not.match(text, /\u001b|\u0007/)
  assert.match(text, /X\\x1b\]0;pwned\\x07/)
})

test.run()
