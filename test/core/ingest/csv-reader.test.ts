import fc from 'fast-check'
import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {readCsv} from '../../../src/core/ingest/csv-reader.js'
import {tempDir} from '../../helpers/tmp.js'

async function read(path: string, delimiter: string, inPlace = false): Promise<{rows: Array<[number, string[]]>; stats: object}> {
  const rows: Array<[number, string[]]> = []
  const onLine = inPlace ? (s: string, from: number, to: number, line: number) => rows.push([line, s.slice(from, to).split(delimiter)]) : undefined
  const stats = await readCsv(
    {kind: 'file', path},
    {onHeader: () => {}, onRow: (fields, line) => rows.push([line, [...fields]]), onLine, onMalformed: (line) => rows.push([line, ['(malformed)']])},
    {delimiter},
  )
  return {rows, stats}
}

test('runs without quotes split line by line exactly as papaparse splits them (lone \\r and \\n in CRLF files included)', async () => {
  const tmp = tempDir()
  let n = 0
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('\n', '\r\n'),
        fc.constantFrom(',', ';', '\t'),
        fc.array(fc.array(fc.stringMatching(/^[a-z0-9 \r\n;,\t]{0,6}$/), {minLength: 1, maxLength: 4}), {minLength: 1, maxLength: 12}),
        async (newline, delimiter, rows) => {
          // The header's newline decides the file's; fields may hold the other break characters.
          const body = rows.map((r) => r.map((f) => f.replaceAll(newline, ' ')).join(delimiter)).join(newline)
          const text = `a${delimiter}b${newline}${body}`
          const plain = await read(tmp.file(`p${n}.csv`, text), delimiter)
          // A quoted first row puts the run of lines after it through papaparse.
          const quoted = await read(tmp.file(`q${n++}.csv`, text.replace(newline, `${newline}"q"${delimiter}z${newline}`)), delimiter)
          assert.equal(quoted.rows[0], [2, ['q', 'z']])
          assert.equal(
            plain.rows.map(([line, fields]) => [line + 1, fields]),
            quoted.rows.slice(1),
          )
          const {rows: qRows, lines: qLines, ...q} = quoted.stats as {rows: number; lines: number}
          const {rows: pRows, lines: pLines, ...p} = plain.stats as {rows: number; lines: number}
          assert.equal({...p, bytesRead: 0, totalBytes: 0}, {...q, bytesRead: 0, totalBytes: 0})
          assert.is(qRows, pRows + 1)
          assert.is(qLines, pLines + 1)
        },
      ),
      {numRuns: 150, seed: 11, endOnFailure: true},
    )
  } finally {
    tmp.cleanup()
  }
})

test('rows handed on as ranges (onLine) are the rows onRow gets, with the same lines and counts', async () => {
  const tmp = tempDir()
  let n = 0
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('\n', '\r\n'),
        fc.constantFrom(',', ';', '\t'),
        fc.array(fc.array(fc.stringMatching(/^[a-z0-9 "\r\n;,\t]{0,6}$/), {minLength: 1, maxLength: 4}), {minLength: 1, maxLength: 12}),
        async (newline, delimiter, rows) => {
          const body = rows.map((r) => r.map((f) => f.replaceAll(newline, ' ')).join(delimiter)).join(newline)
          const path = tmp.file(`r${n++}.csv`, `a${delimiter}b${newline}${body}`)
          const fields = await read(path, delimiter)
          const ranges = await read(path, delimiter, true)
          assert.equal(ranges.rows, fields.rows)
          assert.equal({...ranges.stats, bytesRead: 0}, {...fields.stats, bytesRead: 0})
        },
      ),
      {numRuns: 150, seed: 12, endOnFailure: true},
    )
  } finally {
    tmp.cleanup()
  }
})

test.run()
