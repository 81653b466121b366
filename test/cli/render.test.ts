import {execFileSync} from 'node:child_process'

import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {renderAudience, renderExportSummary} from '../../src/cli/render/audience.js'
import {counted, fileSize, fittedWidths, keyValues, shellWord, splitShareText, table, wrapProse} from '../../src/cli/render/format.js'
import {recommendCommand} from '../../src/cli/render/pipeline.js'
import {prepareProgressText} from '../../src/cli/render/prepare.js'
import {spinnerWanted} from '../../src/cli/render/style.js'
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

/** The widest line of a rendered table, in characters as a terminal shows them. */
function widest(text: string): number {
  // eslint-disable-next-line no-control-regex
  return Math.max(...text.split('\n').map((line) => line.replace(/\u001B\[[0-9;]*m/g, '').length))
}

test('a table wider than the terminal is fitted to it: long text wraps, short columns keep their width', () => {
  const head = ['rank', 'customer', 'product name', 'score']
  const rows = [
    [1, 'u-1001', 'Nordic Vintage Wireless Earbuds with Active Noise Cancelling and a Charging Case, Midnight Blue', '1.000'],
    [2, 'u-1002', 'Vega Soft Yoga Mat', '0.812'],
  ]
  const wide = table(head, rows, undefined, undefined)
  assert.ok(widest(wide) > 80, 'not fitted when no width is given (a file or a pipe)')
  for (const width of [80, 60, 45]) {
    const fitted = table(head, rows, undefined, width)
    assert.ok(widest(fitted) <= width, `fits ${width} columns (widest line ${widest(fitted)})`)
    // Nothing is lost: every word of the long name is still there, and the short cells are whole.
    for (const word of String(rows[0][2]).split(' ')) assert.ok(fitted.includes(word.replace(/,$/, '')), word)
    assert.ok(fitted.includes('u-1001') && fitted.includes('0.812'))
    assert.not.ok(fitted.includes('…'), 'no cell is cut short')
  }
  // Columns of single words (ids, dates, numbers) are never cut, even if the table stays wider.
  const dates = table(['customer', 'last seen'], [['u-'.padEnd(40, '7'), '2023-03-10']], undefined, 30)
  assert.ok(dates.includes('2023-03-10') && dates.includes('u-'.padEnd(40, '7')), 'whole ids and dates')
  assert.is(table(head, [[1, 'a', 'b', 'c']], undefined, 80), table(head, [[1, 'a', 'b', 'c']], undefined, undefined), 'a table that fits is unchanged')
  const kv = keyValues([['source', 'a long path of words '.repeat(5).trim()], ['rows', '1,000']], 'Prepared', 50)
  assert.ok(widest(kv) <= 50, 'key/value tables too')
})

test('fittedWidths shrinks the widest column first, never under its longest word', () => {
  const cells = [['a', 'bb '.repeat(17).trim(), 'c'.repeat(20)]]
  const w = fittedWidths(cells, 60)!
  // Natural widths with padding: 3, 52, 22; total 77 + 4 borders = 81.
  assert.equal([w[0], w[2]], [3, 22], 'the narrow columns keep their width')
  assert.is(w.reduce((a, b) => a + b, 0) + 4, 60)
  assert.is(fittedWidths(cells, 200), undefined)
  assert.equal(fittedWidths(cells, 10), [3, 4, 22], 'down to the longest word of each column, and no further')
})

test('prose wraps at spaces to the terminal, tables and unbreakable lines stay whole', () => {
  const note = 'Note: nearly every product gets the same 11 users: on this data no per-product ranking measured better than engagement.'
  const item = '  - ' + 'a list item that goes on and on '.repeat(4).trim()
  const tableLine = '│ ' + 'x '.repeat(60) + '│'
  const url = 'http://example.com/' + 'p'.repeat(100)
  const text = [note, item, tableLine, url, 'short'].join('\n')
  const out = wrapProse(text, 40)
  assert.is(wrapProse(text, undefined), text, 'not a terminal: unchanged')
  const lines = out.split('\n')
  for (const line of lines) if (line !== tableLine && line !== url) assert.ok(line.length <= 40, `"${line}" fits`)
  assert.ok(lines.includes(tableLine) && lines.includes(url) && lines.includes('short'))
  // Nothing lost or reordered: the words read the same.
  const words = (t: string): string => t.split(/\s+/).filter((w) => w !== '-').join(' ')
  assert.is(words(out), words(text))
  // A list item's continuation lines sit under its text.
  const at = lines.findIndex((l) => l.startsWith('  - a list'))
  assert.match(lines[at + 1], /^ {4}\S/)
  // A coloured line wraps by its visible width, codes kept.
  const coloured = wrapProse(`\u001b[33m${note}\u001b[39m`, 40)
  // eslint-disable-next-line no-control-regex
  const plain = coloured.replace(/\u001B\[[0-9;]*m/g, '')
  assert.ok(plain.split('\n').every((l) => l.length <= 40) && plain.split('\n').length > 1)
  assert.ok(coloured.startsWith('\u001b[33m') && coloured.endsWith('\u001b[39m'))
})

test('a spinner only on a terminal that reports its width: a sizeless pty gets plain lines', () => {
  const saved = {CI: process.env.CI, NO_COLOR: process.env.NO_COLOR}
  delete process.env.CI
  delete process.env.NO_COLOR
  try {
    assert.is(spinnerWanted(false, {isTTY: true, columns: 80}), true)
    assert.is(spinnerWanted(false, {isTTY: true, columns: 0}), false)
    assert.is(spinnerWanted(false, {isTTY: true}), false)
    assert.is(spinnerWanted(true, {isTTY: true, columns: 80}), false)
    assert.is(spinnerWanted(false, {isTTY: false, columns: 80}), false)
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
})

test('the split share is printed as it came out, and named when it misses the asked one', () => {
  assert.is(splitShareText(0.8, 799, 201), '80% of interactions before')
  assert.is(splitShareText(0.8, 200, 800), '20% of interactions before; asked for 80%, the timestamps are too coarse to cut nearer')
  assert.is(splitShareText(0.8, 0, 10), '0% of interactions before; asked for 80%, the timestamps are too coarse to cut nearer')
})

test('the next command pastes into a shell as printed: ids quoted, a leading dash after --', () => {
  for (const word of ['plain-1', '-P5', '=HYPERLINK("x")', "it's", 'a b', '$HOME', '*', 'x;rm -rf y', '`id`', 'Große Tasse', '']) {
    const echoed = execFileSync('sh', ['-c', `printf '%s' ${shellWord(word)}`], {encoding: 'utf8'})
    assert.is(echoed, word, `${word} came back as ${echoed}`)
  }
  assert.is(recommendCommand({bin: './bin/run.js', db: 'my store.db'}, '-P5'), "./bin/run.js recommend --db 'my store.db' -- -P5")
  assert.is(recommendCommand({bin: 'recsys', db: ''}, '=1+1'), "recsys recommend '=1+1'")
  assert.is(recommendCommand({bin: 'recsys', db: ''}, undefined), 'recsys recommend PRODUCT_ID')
})

test('counts read as English: one noun, many nouns', () => {
  assert.is(counted(1, 'audience'), '1 audience')
  assert.is(counted(2, 'audience'), '2 audiences')
  assert.is(counted(0, 'distinct user'), '0 distinct users')
  assert.is(counted(12_345, 'slot'), '12,345 slots')
  assert.is(counted(1, 'box', 'boxes'), '1 box')
})

test('file sizes: whole MB from a megabyte up, kB below', () => {
  assert.is(fileSize(350_123_456), '350 MB')
  assert.is(fileSize(3_753_807_639), '3,754 MB')
  assert.is(fileSize(6_583), '6.6 kB')
  assert.is(fileSize(999_949), '999.9 kB')
})

test('the export summary says the overlap was counted before the rules, and what --dedupe left', () => {
  const overlap = {usersInSeveral: 12, pairs: [{a: 'p1', b: 'p2', shared: 9}]}
  const base = {recorded: false, members: {treatment: 0, control: 0}, overlap}
  const none = {excludedUsers: 0, frequencyCap: 0, dedupe: 0, belowMinScore: 0, excludedProducts: 0}
  assert.is(renderExportSummary({...base, removed: none}), "overlap: 12 users were in more than one product's top list (most shared: p1/p2 9)")
  const deduped = renderExportSummary({...base, removed: {...none, dedupe: 12}}).split('\n')
  assert.is(deduped[1], "overlap before the rules: 12 users were in more than one product's top list (most shared: p1/p2 9); after --dedupe each is in one")
  const capped = renderExportSummary({...base, removed: {...none, frequencyCap: 4}}).split('\n')
  assert.is(capped[1], "overlap before the rules: 12 users were in more than one product's top list (most shared: p1/p2 9)")
})

test.run()
