import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {prepareProgressText} from '../../src/cli/render/prepare.js'

test('prepare progress: the share of the file, rows per second, and the time left once it can be trusted', () => {
  const early = prepareProgressText({phase: 'read', rowsRead: 1000, bytesRead: 1e6, totalBytes: 100e6, elapsedMs: 500})
  assert.match(early, /\[\.{20}\] 1% of 100\.0 MB, 1,000 rows, 2,000 rows\/s$/)
  const half = prepareProgressText({phase: 'read', rowsRead: 500_000, bytesRead: 50e6, totalBytes: 100e6, elapsedMs: 30_000})
  assert.match(half, /\[#{10}\.{10}\] 50% of 100\.0 MB, 500,000 rows, 16,667 rows\/s, about 30 s left$/)
  assert.match(prepareProgressText({phase: 'read', rowsRead: 10, bytesRead: 4e9, totalBytes: 5e9, elapsedMs: 3_600_000}), /about 15 min left/)
  assert.match(prepareProgressText({phase: 'read', rowsRead: 10, bytesRead: 2e6, elapsedMs: 1000}), /read 10 rows \(2\.0 MB\), 10 rows\/s/)
})

test.run()
