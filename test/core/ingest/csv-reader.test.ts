import fc from 'fast-check'
import Papa from 'papaparse'
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

/** A property over generated files: a header "a,b" and rows of fields drawn from `cell`, with CRLF or LF. */
async function eachFile(seed: number, cell: RegExp, check: (path: string, body: string, newline: string, delimiter: string) => Promise<void>): Promise<void> {
  const tmp = tempDir()
  let n = 0
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('\n', '\r\n'),
        fc.constantFrom(',', ';', '\t'),
        fc.array(fc.array(fc.stringMatching(cell), {minLength: 1, maxLength: 4}), {minLength: 1, maxLength: 12}),
        async (newline, delimiter, rows) => {
          // The header's newline decides the file's; fields may hold the other break characters.
          const body = rows.map((r) => r.map((f) => f.replaceAll(newline, ' ')).join(delimiter)).join(newline)
          await check(tmp.file(`f${n++}.csv`, `a${delimiter}b${newline}${body}`), body, newline, delimiter)
        },
      ),
      {numRuns: 150, seed, endOnFailure: true},
    )
  } finally {
    tmp.cleanup()
  }
}

test('lines without quotes split exactly as papaparse splits them (lone \\r and \\n in CRLF files included)', async () => {
  await eachFile(11, /^[a-z0-9 \r\n;,\t]{0,6}$/, async (path, body, newline, delimiter) => {
    const papa = Papa.parse<string[]>(body, {delimiter, newline: newline as Papa.ParseConfig['newline']})
    // The reader skips blank lines (one field of spaces, no line break in it); papaparse keeps them.
    const expected = papa.data.filter((fields) => !(fields.length === 1 && fields[0].trim() === '' && !fields[0].includes('\n')))
    assert.equal((await read(path, delimiter)).rows.map(([, fields]) => fields), expected)
  })
})

test('rows handed on as ranges (onLine) are the rows onRow gets, with the same lines and counts', async () => {
  await eachFile(12, /^[a-z0-9 "\r\n;,\t]{0,6}$/, async (path, _body, _newline, delimiter) => {
    const fields = await read(path, delimiter)
    const ranges = await read(path, delimiter, true)
    assert.equal(ranges.rows, fields.rows)
    assert.equal({...ranges.stats, bytesRead: 0}, {...fields.stats, bytesRead: 0})
  })
})

test.run()
