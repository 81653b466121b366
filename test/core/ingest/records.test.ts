import fc from 'fast-check'
import Papa from 'papaparse'
import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {RecordSplitter, type ScanOptions, scanQuotedRecord, splitRecord} from '../../../src/core/ingest/records.js'

const OPTIONS: ScanOptions = {delimiter: ',', newline: '\n', width: 3, maxSpanLines: 5, maxRecordChars: 1000}

test('a quoted record ends after the line break that follows its closing quote', () => {
  assert.equal(scanQuotedRecord('1,"a, b",c\nnext', 0, false, OPTIONS), {kind: 'record', next: 11})
  assert.equal(scanQuotedRecord('1,"two\nlines",c\nnext', 0, false, OPTIONS), {kind: 'record', next: 16})
  assert.equal(scanQuotedRecord('1,"a ""q""",c', 0, true, OPTIONS), {kind: 'record', next: 13})
  assert.equal(scanQuotedRecord('1,"a" ,c\n', 0, false, OPTIONS), {kind: 'record', next: 9}, 'spaces may follow a closing quote')
  assert.equal(scanQuotedRecord('1,12" Edition,c\n', 0, false, OPTIONS), {kind: 'record', next: 16}, 'a quote inside a field is text')
})

test('more input is needed while a quoted field or its line is unfinished', () => {
  assert.equal(scanQuotedRecord('1,"open', 0, false, OPTIONS).kind, 'incomplete')
  assert.equal(scanQuotedRecord('1,"a"', 0, false, OPTIONS).kind, 'incomplete')
  assert.equal(scanQuotedRecord('1,"a",c', 0, false, OPTIONS).kind, 'incomplete')
})

test('stray quotes are malformed: text after the closing quote, never closed, runaway, wrong width', () => {
  assert.match(scanQuotedRecord('1,"Lamp" Oak,c\n', 0, false, OPTIONS).kind, 'malformed')
  assert.match(scanQuotedRecord('1,"Lamp,c\n2,x,y\n', 0, true, OPTIONS).kind, 'malformed')
  const runaway = `1,"a${'\nx,y,z'.repeat(6)}`
  assert.is(scanQuotedRecord(runaway, 0, false, OPTIONS).kind, 'malformed', 'given up on before the input ends')
  // The quote closes on the next line, but the merged row has 4 fields, not 3.
  assert.is(scanQuotedRecord('1,"a,b\nc",d,e\n', 0, false, OPTIONS).kind, 'malformed')
  // The same shape with the right width is a legitimate two-line field.
  assert.is(scanQuotedRecord('1,"a,b\nc",d\n', 0, false, OPTIONS).kind, 'record')
})

test('the splitter hands out well-formed runs and drops only the stray line, in order, across chunks', () => {
  const events: string[] = []
  const splitter = new RecordSplitter(OPTIONS, {
    records(s, from, to) {
      const text = s.slice(from, to)
      events.push(`run:${JSON.stringify(text)}`)
      return text.split('\n').length
    },
    malformed(text) {
      events.push(`bad:${text}`)
    },
  })
  const input = '1,a,b\n2,"stray,b\n3,"x\ny",c\n4,d,e\n'
  for (let i = 0; i < input.length; i += 3) splitter.push(input.slice(i, i + 3), false)
  splitter.push('', true)
  const runs = events.filter((e) => e.startsWith('run:')).map((e) => JSON.parse(e.slice(4))).join('\n')
  assert.equal(events.filter((e) => e.startsWith('bad:')), ['bad:2,"stray,b'])
  assert.is(events.findIndex((e) => e.startsWith('bad:')), 1, 'the stray line comes between the runs around it')
  assert.is(runs, '1,a,b\n3,"x\ny",c\n4,d,e')
})

test('what the splitter hands out does not depend on where the chunks break', () => {
  fc.assert(
    fc.property(
      fc.constantFrom('\n', '\r\n'),
      fc.array(fc.stringMatching(/^[a-z",\r\n]{0,8}$/), {minLength: 1, maxLength: 12}),
      fc.array(fc.integer({min: 1, max: 40}), {minLength: 1, maxLength: 20}),
      (newline, lines, cuts) => {
        const input = lines.join(newline)
        const split = (pieces: string[]): string[] => {
          const out: string[] = []
          const splitter = new RecordSplitter({...OPTIONS, newline}, {
            records(text, from, to) {
              // A run is its records without the last terminator: "" is one empty line.
              out.push(...text.slice(from, to).split(newline))
              return 0
            },
            malformed(text, reason) {
              out.push(`bad:${text}:${reason}`)
            },
          })
          for (const piece of pieces) splitter.push(piece, false)
          splitter.push('', true)
          return out
        }
        const pieces: string[] = []
        let at = 0
        for (const cut of cuts) {
          pieces.push(input.slice(at, at + cut))
          at += cut
        }
        pieces.push(input.slice(at))
        assert.equal(split(pieces), split([input]))
      },
    ),
    {numRuns: 1000, seed: 9},
  )
})

test('a record the scanner accepts splits into the fields papaparse reads from it', () => {
  let split = 0
  fc.assert(
    fc.property(
      fc.constantFrom(',', ';', '\t'),
      fc.constantFrom('\n', '\r\n'),
      fc.array(
        fc.oneof(
          fc.stringMatching(/^[a-z"\t ;,]{0,5}$/),
          fc.tuple(fc.stringMatching(/^[a-z"\r\n\t ;,]{0,6}$/), fc.constantFrom('', ' ', '  ', '\t')).map(([t, after]) => `"${t.replaceAll('"', '""')}"${after}`),
        ),
        {minLength: 1, maxLength: 5},
      ),
      (delimiter, newline, cells) => {
        const record = cells.join(delimiter)
        const options: ScanOptions = {delimiter, newline, width: 0, maxSpanLines: 100, maxRecordChars: 1000}
        // The record as it sits in a run: more text follows its terminator.
        const s = `${record}${newline}x`
        const r = scanQuotedRecord(s, 0, true, options)
        if (r.kind !== 'record' || r.next !== record.length + newline.length) return
        const fields = splitRecord(s, 0, record.length, delimiter)
        if (fields === null) return
        split++
        const papa = Papa.parse<string[]>(s, {delimiter, newline: newline as Papa.ParseConfig['newline'], quoteChar: '"'})
        assert.equal(papa.errors, [])
        assert.equal(fields, papa.data[0])
      },
    ),
    {numRuns: 2000, seed: 3},
  )
  assert.ok(split > 1000, `only ${split} records were split`)
})

test('splitRecord: escaped quotes, empty fields, spaces after a closing quote, and what it declines', () => {
  const s = '"a ""b""",,"" ,x"y,"c\nd"\nnext'
  assert.equal(splitRecord(s, 0, s.indexOf('\nnext'), ','), ['a "b"', '', '', 'x"y', 'c\nd'])
  assert.equal(splitRecord('a,', 0, 2, ','), ['a', ''])
  assert.is(splitRecord('"a" b,c', 0, 7, ','), null)
  assert.is(splitRecord('"a,c', 0, 4, ','), null)
})

test.run()
