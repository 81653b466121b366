import fc from 'fast-check'
import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {temporalSplit} from '../../../src/core/split/temporal.js'

/** Rows whose times are `counts[d]` copies of day d, in order. */
function days(...counts: number[]): {tsMs: Float64Array; nRows: number} {
  const tsMs = Float64Array.from(counts.flatMap((c, d) => Array.from({length: c}, () => d * 86_400_000)))
  return {tsMs, nRows: tsMs.length}
}

test('distinct times split at the asked share', () => {
  const data = days(1, 1, 1, 1, 1, 1, 1, 1, 1, 1)
  assert.equal(temporalSplit(data, 0.8), {fraction: 0.8, trainRows: 8, splitTsMs: 8 * 86_400_000})
  assert.is(temporalSplit(data, 0.35).trainRows, 3)
})

test('a day that straddles the share goes to the side nearer it; no day is cut in two', () => {
  // 2, 6, 2 rows: at 60% the middle day would leave 20% before the split; 80% is nearer.
  assert.is(temporalSplit(days(2, 6, 2), 0.6).trainRows, 8)
  assert.is(temporalSplit(days(2, 6, 2), 0.8).trainRows, 8)
  // The first day holds 70%: the split comes after it, not before every row.
  assert.is(temporalSplit(days(7, 3), 0.5).trainRows, 7)
  // The last day holds the share: only the rows before it can be train.
  assert.is(temporalSplit(days(5, 5), 0.8).trainRows, 5)
  // One timestamp for every row: nothing is before the split.
  assert.is(temporalSplit(days(10), 0.8).trainRows, 0)
})

test('the split falls between two times (after the first when it can), and no other such place misses the share by over a point less', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({min: 1, max: 30}), {minLength: 2, maxLength: 12}), fc.double({min: 0.05, max: 0.95, noNaN: true}), (counts, fraction) => {
      const data = days(...counts)
      const {trainRows, splitTsMs} = temporalSplit(data, fraction)
      const {tsMs, nRows} = data
      if (trainRows > 0) assert.ok(tsMs[trainRows - 1] < tsMs[trainRows], 'a boundary between two times')
      assert.is(splitTsMs, tsMs[Math.min(trainRows, nRows - 1)])
      // An empty train side is a place only when there is no other.
      const boundaries: number[] = []
      for (let i = 1; i < nRows; i++) if (tsMs[i] !== tsMs[i - 1]) boundaries.push(i)
      if (boundaries.length === 0) boundaries.push(0)
      const best = Math.min(...boundaries.map((b) => Math.abs(b - fraction * nRows)))
      assert.ok(Math.abs(trainRows - fraction * nRows) <= best + 0.01 * nRows + 1e-9, `${trainRows} of ${nRows}, best miss ${best}`)
    }),
    {numRuns: 500, seed: 8},
  )
})

test.run()
