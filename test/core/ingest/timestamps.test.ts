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

test('slash dates as spreadsheets write them: M/D/YYYY by default, D/M/YYYY with dayFirst, dotted always day first', () => {
  assert.is(parseTimestampMs('12/1/2010 8:26'), at(2010, 12, 1, 8, 26), 'UCI Online Retail style')
  assert.is(parseTimestampMs('12/1/2010 8:26', true), at(2010, 1, 12, 8, 26))
  assert.is(parseTimestampMs('1/13/2011'), at(2011, 1, 13))
  assert.ok(Number.isNaN(parseTimestampMs('13/1/2011')), 'month 13 is not a date month-first')
  assert.is(parseTimestampMs('13/1/2011', true), at(2011, 1, 13))
  assert.is(parseTimestampMs('03/04/2022 11:05:09 PM'), at(2022, 3, 4, 23, 5, 9))
  assert.is(parseTimestampMs('03/04/2022 12:00 AM'), at(2022, 3, 4, 0, 0))
  assert.is(parseTimestampMs('01.12.2010 08:26'), at(2010, 12, 1, 8, 26))
  for (const bad of ['2/30/2022', '12/1/10', '12/1/2010 25:00', '12/1/2010 8:6', '12/1/2010 13:00 PM']) {
    assert.ok(Number.isNaN(parseTimestampMs(bad)), bad)
  }
})

test('utcDay counts whole UTC days', () => {
  assert.is(utcDay(at(1970, 1, 2, 0, 0, 0)), 1)
  assert.is(utcDay(at(2022, 10, 1, 23, 59, 59)), utcDay(at(2022, 10, 1)))
  assert.is(utcDay(at(2022, 10, 2)) - utcDay(at(2022, 10, 1)), 1)
})

test.run()
