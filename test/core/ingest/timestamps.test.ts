import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {parseTimestampMs, utcDay} from '../../../src/core/ingest/timestamps.js'

const at = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number => Date.UTC(y, mo - 1, d, h, mi, s, ms)

test('ISO 8601 forms resolve to UTC', () => {
  assert.is(parseTimestampMs('2022-10-01T12:34:56Z'), at(2022, 10, 1, 12, 34, 56))
  assert.is(parseTimestampMs('2022-10-01T12:34:56.250Z'), at(2022, 10, 1, 12, 34, 56, 250))
  assert.is(parseTimestampMs('2022-10-01T12:34:56'), at(2022, 10, 1, 12, 34, 56), 'no zone means UTC, not local time')
  assert.is(parseTimestampMs('2022-10-01 12:34'), at(2022, 10, 1, 12, 34))
  assert.is(parseTimestampMs('2022-10-01'), at(2022, 10, 1))
  assert.is(parseTimestampMs('2022/10/01 08:00:00'), at(2022, 10, 1, 8))
})

test('zones: +00:00, UTC suffix, offsets shift to UTC', () => {
  assert.is(parseTimestampMs('2022-10-01 12:34:56+00:00'), at(2022, 10, 1, 12, 34, 56))
  assert.is(parseTimestampMs('2019-10-01 00:00:00 UTC'), at(2019, 10, 1))
  assert.is(parseTimestampMs('2022-10-01T12:00:00+02:00'), at(2022, 10, 1, 10))
  assert.is(parseTimestampMs('2022-10-01T12:00:00-0530'), at(2022, 10, 1, 17, 30))
  assert.is(parseTimestampMs('2022-10-01T12:00:00+02'), at(2022, 10, 1, 10))
})

test('epoch seconds and milliseconds are told apart by magnitude', () => {
  const ms = at(2022, 10, 1, 12)
  assert.is(parseTimestampMs(String(ms / 1000)), ms)
  assert.is(parseTimestampMs(String(ms)), ms)
  assert.is(parseTimestampMs(String(ms * 1000)), ms, 'microseconds')
  assert.is(parseTimestampMs(`${ms / 1000}.5`), ms + 500)
})

test('garbage, impossible dates and implausible years are NaN', () => {
  for (const bad of ['', '   ', 'not-a-date', '2023-02-30 10:00:00', '2023-13-01', '0000-00-00 00:00:00', '2022-10-01T25:00:00', '31/31/2023', '2022-10-01 12:00:00 CEST', '12', '-5', '1.2.3']) {
    assert.ok(Number.isNaN(parseTimestampMs(bad)), `expected NaN for ${JSON.stringify(bad)}`)
  }
  assert.ok(Number.isNaN(parseTimestampMs('1969-12-31')), 'before 1980')
  assert.is(parseTimestampMs('2024-02-29'), at(2024, 2, 29), 'leap day')
  assert.ok(Number.isNaN(parseTimestampMs('2023-02-29')), 'not a leap year')
})

test('utcDay counts whole UTC days', () => {
  assert.is(utcDay(at(1970, 1, 2, 0, 0, 0)), 1)
  assert.is(utcDay(at(2022, 10, 1, 23, 59, 59)), utcDay(at(2022, 10, 1)))
  assert.is(utcDay(at(2022, 10, 2)) - utcDay(at(2022, 10, 1)), 1)
})

test.run()
