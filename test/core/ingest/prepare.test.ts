import {execFileSync, spawn} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {Readable} from 'node:stream'
import {gzipSync} from 'node:zlib'

import * as assert from 'uvu/assert'

import {RecsysError} from '../../../src/core/errors.js'
import {prepareDataset, type PrepareOptions} from '../../../src/core/ingest/prepare.js'
import {loadDataset} from '../../../src/core/store/dataset.js'
import {type Db, openStore} from '../../../src/core/store/open.js'
import {storeSuite} from '../../helpers/store-suite.js'
import {REES46, tempDir} from '../../helpers/tmp.js'

const Prepare = storeSuite('prepare')

const HEADER = 'customer_id,product_id,product_name,event,event_date\n'
function prepareText(ctx: {tmp: ReturnType<typeof tempDir>; db: Db}, text: string, options: Partial<PrepareOptions> = {}) {
  const path = ctx.tmp.file(`in-${Math.random().toString(36).slice(2)}.csv`, text)
  return prepareDataset(ctx.db, {source: {kind: 'file', path}, ...options})
}
async function rejects(promise: Promise<unknown>, code: string, pattern?: RegExp): Promise<RecsysError> {
  try {
    await promise
  } catch (error) {
    assert.instance(error, RecsysError)
    const e = error as RecsysError
    assert.is(e.code, code, e.message)
    if (pattern) assert.match(e.message, pattern)
    return e
  }
  throw new assert.Assertion({message: `expected ${code} error`, operator: 'rejects', generated: true, expects: code, actual: 'resolved'})
}

Prepare('cleans, sorts by time and counts every drop reason', async (ctx) => {
  const csv =
    HEADER +
    [
      '1,10,Desk Lamp,Cart,2022-10-03 10:00:00', // kept (event lower-cased)
      '2,11,,purchased,2022-10-01 09:00:00', // kept, earliest
      '1,10,Desk Lamp,cart,2022-10-03 10:00:00', // exact duplicate of the first
      ',10,Desk Lamp,cart,2022-10-02 10:00:00', // empty user id
      '3,NULL,x,cart,2022-10-02 10:00:00', // null product id
      '3,12,x,cart,yesterday', // bad timestamp
      '3,12,x, ,2022-10-02 11:00:00', // empty event
      '3,12,x,cart', // wrong field count
      '4,12,x,wishlist,2022-10-02 12:00:00', // kept
    ].join('\n') +
    '\n'
  const report = await prepareText(ctx, csv)
  assert.is(report.rowsRead, 9)
  assert.equal(report.dropped, {
    malformedQuote: 0,
    wrongFieldCount: 1,
    nullUserId: 1,
    nullProductId: 1,
    invalidUserId: 0,
    invalidProductId: 0,
    badTimestamp: 1,
    nullEvent: 1,
    duplicate: 1,
    bot: 0,
  })
  assert.is(report.rowsKept, 3)
  assert.is(report.droppedTotal + report.rowsKept, report.rowsRead)
  assert.is(report.users, 3)
  assert.is(report.products, 3)
  const data = loadDataset(ctx.db)
  assert.equal(Array.from(data.tsMs), [Date.UTC(2022, 9, 1, 9), Date.UTC(2022, 9, 2, 12), Date.UTC(2022, 9, 3, 10)])
  assert.equal(data.eventNames.slice().sort(), ['cart', 'purchased', 'wishlist'])
  const users = ctx.db.prepare('SELECT user_id FROM users ORDER BY user_key').pluck().all()
  assert.equal(users, ['2', '4', '1'], 'dense keys in time order, ids kept as text')
  const name = ctx.db.prepare("SELECT name FROM products WHERE product_id = '10'").pluck().get()
  assert.is(name, 'Desk Lamp')
})

Prepare('the dataset is written in WAL mode (a killed write leaves nothing a reader must roll back), and a reader keeps its snapshot', async (ctx) => {
  await prepareText(ctx, `${HEADER}1,10,Lamp,cart,2022-10-01\n`)
  assert.is(ctx.db.pragma('journal_mode', {simple: true}), 'wal')
  const path = ctx.db.name
  const reader = openStore(path, {readonly: true})
  try {
    reader.exec('BEGIN')
    const before = reader.prepare('SELECT rows FROM datasets ORDER BY version DESC LIMIT 1').pluck().get()
    await prepareText(ctx, `${HEADER}1,10,Lamp,cart,2022-10-01\n2,11,Mug,cart,2022-10-02\n`)
    assert.is(ctx.db.pragma('journal_mode', {simple: true}), 'wal')
    assert.is(reader.prepare('SELECT rows FROM datasets ORDER BY version DESC LIMIT 1').pluck().get(), before)
    reader.exec('COMMIT')
    assert.is(reader.prepare('SELECT rows FROM datasets ORDER BY version DESC LIMIT 1').pluck().get(), 2)
  } finally {
    reader.close()
  }
})

Prepare('real-file mess: BOM, CRLF, quoted commas/quotes/newlines, blank lines, index column, cut-off last line', async (ctx) => {
  const csv =
    '\uFEFF,customer_id,product_id,product_name,event,event_date\r\n' +
    '0,1,10,"Lamp, ""Oak""",cart,2022-10-01T10:00:00Z\r\n' +
    '\r\n' +
    '1,2,11,"Two\r\nline name",purchased,2022-10-01T11:00:00Z\r\n' +
    '2,3,12,Mug,cart,2022-10-01T12:00:00Z\r\n' +
    '3,4,13,Cut'
  const report = await prepareText(ctx, csv)
  assert.is(report.rowsKept, 3)
  assert.is(report.dropped.wrongFieldCount, 1)
  assert.is(report.blankLines, 1)
  const names = ctx.db.prepare('SELECT name FROM products ORDER BY product_key').pluck().all()
  assert.equal(names, ['Lamp, "Oak"', 'Two\r\nline name', 'Mug'])
})

Prepare('strict mode names the physical line of the first bad row, counting quoted newlines', async (ctx) => {
  const csv = HEADER + '1,10,"multi\nline",cart,2022-10-01\n' + '2,11,x,cart,2022-10-02\n' + '3,12,x,cart,not a time\n'
  await rejects(prepareText(ctx, csv, {strict: true}), 'BAD_ROW', /line 5: cannot read timestamp "not a time"/)
})

Prepare('delimiter is detected (semicolon, tab)', async (ctx) => {
  const semi = 'customer_id;product_id;event;event_date\n1;10;cart;2022-10-01\n2;11;cart;2022-10-02\n'
  assert.is((await prepareText(ctx, semi)).rowsKept, 2)
  const tab = 'customer_id\tproduct_id\tevent\tevent_date\n1\t10\tcart\t2022-10-01\n'
  const report = await prepareText(ctx, tab)
  assert.is(report.rowsKept, 1)
  assert.is(report.delimiter, '\t')
})

Prepare('column mapping, case-insensitive fallback, default event for an order history', async (ctx) => {
  const orders = 'Order_User,SKU,When\nu1,A-1,1664618400\nu2,A-2,1664622000000\n'
  const report = await prepareText(ctx, orders, {columns: {user: 'order_user', product: 'SKU', time: 'When'}, defaultEvent: 'Purchased'})
  assert.is(report.rowsKept, 2)
  assert.equal(report.events.map((e) => e.event), ['purchased'])
  assert.equal(report.idKinds, {user: 'text', product: 'text'})
  const ts = Array.from(loadDataset(ctx.db).tsMs)
  assert.equal(ts, [1_664_618_400_000, 1_664_622_000_000], 'epoch seconds and milliseconds in one column')
})

Prepare('a UCI Online Retail style log: slash dates, float-written customer ids, empty ids; day-first hint', async (ctx) => {
  const csv =
    'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n' +
    '536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850.0,United Kingdom\n' +
    '536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850.0,United Kingdom\n' +
    '536366,22633,HAND WARMER UNION JACK,6,12/2/2010 9:28,1.85,,United Kingdom\n' +
    '536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,12/13/2010 10:01,1.69,13047.0,United Kingdom\n'
  const columns = {user: 'CustomerID', product: 'StockCode', time: 'InvoiceDate', name: 'Description'}
  const report = await prepareText(ctx, csv, {columns, defaultEvent: 'purchased'})
  assert.is(report.rowsKept, 3)
  assert.is(report.dropped.nullUserId, 1)
  assert.equal(report.hints, [])
  assert.equal(ctx.db.prepare('SELECT user_id FROM users ORDER BY user_key').pluck().all(), ['17850', '13047'])
  assert.equal(report.idKinds, {user: 'integer', product: 'text'})
  assert.is(report.firstEvent, '2010-12-01T08:26:00Z')
  const dayFirst = 'customer_id,product_id,event,event_date\n1,10,cart,13/01/2023\n2,11,cart,02/01/2023\n'
  const hinted = await prepareText(ctx, dayFirst)
  assert.is(hinted.dropped.badTimestamp, 1)
  assert.match(hinted.hints[0], /look day-first \(e\.g\. "13\/01\/2023"\).*--day-first/)
  const fixed = await prepareText(ctx, dayFirst, {dayFirst: true})
  assert.is(fixed.rowsKept, 2)
  assert.is(fixed.firstEvent, '2023-01-02T00:00:00Z')
})

Prepare('a missing column is one error listing the columns found and the flag to use', async (ctx) => {
  const e = await rejects(prepareText(ctx, 'user_id,product_id,event,event_date\n1,2,cart,2022-10-01\n'), 'MISSING_COLUMN', /no user id column "customer_id"; columns found: user_id, product_id, event, event_date/)
  assert.match(e.hint, /--user-col user_id/)
  await rejects(prepareText(ctx, 'customer_id,product_id,event_date\n1,2,2022-10-01\n'), 'MISSING_COLUMN', /no event column/)
  // All at once, and the event guess is never the time column (event_time matches /event/ too).
  const rees = await rejects(prepareText(ctx, 'event_time,event_type,product_id,user_id\n2019-10-01 00:00:00 UTC,view,1,2\n'), 'MISSING_COLUMN', /no user id column "customer_id", no timestamp column "event_date", no event column "event"/)
  assert.match(rees.hint, /--user-col user_id --time-col event_time --event-col event_type\./)
  const partly = await rejects(prepareText(ctx, 'event_time,event_type,product_id,user_id\n2019-10-01 00:00:00 UTC,view,1,2\n', {columns: {user: 'user_id', time: 'event_time'}}), 'MISSING_COLUMN')
  assert.match(partly.hint, /--event-col event_type\./)
  // A file with no header line: its first row is read as one, and the error says so.
  const headless = await rejects(prepareText(ctx, '17,42,cart,2022-10-01 10:00:00\n18,43,view,2022-10-01 10:00:05\n'), 'MISSING_COLUMN', /the first line looks like data, not a header \(17, 42, cart, 2022-10-01 10:00:00\)/)
  assert.match(headless.hint, /naming the 4 columns first, in their order, e\.g\. `\(echo customer_id,product_id,event,event_date; cat .+\) \| recsys prepare -`/)
  // Column names, even odd ones, are not data.
  const named = await rejects(prepareText(ctx, 'uid,item,type,when\n1,2,cart,2022-10-01\n'), 'MISSING_COLUMN')
  assert.not.match(named.message, /looks like data/)
})

Prepare('a Latin-1 file is named in a warning, and --encoding windows-1252 reads its names and ids as written', async (ctx) => {
  const rows = Array.from({length: 20}, (_, i) => `${i},SKU-${i % 2 ? 'Ä' : 'Ö'}-1,Käse,cart,2022-10-01 00:00:${String(i).padStart(2, '0')}`)
  const path = ctx.tmp.file('latin1.csv')
  writeFileSync(path, Buffer.from(`${HEADER}${rows.join('\n')}\n`, 'latin1'))
  // Detected: not one byte above 0x7F starts a valid UTF-8 sequence.
  const detected = await prepareDataset(ctx.db, {source: {kind: 'file', path}})
  assert.is(detected.format.encoding, 'windows-1252')
  assert.is(detected.products, 2)
  // Forced to UTF-8, the two SKUs collapse into one, and the warning names the flag.
  const forced = await prepareDataset(ctx.db, {source: {kind: 'file', path}, encoding: 'utf-8'})
  assert.ok(forced.warnings.some((w) => /40 byte sequences are not valid UTF-8.*--encoding windows-1252/.test(w)), forced.warnings.join('; '))
  assert.is(forced.products, 1)
  // A UTF-8 file with one stray byte stays UTF-8 (its valid sequences win), with the warning.
  const mixed = ctx.tmp.file('mixed.csv')
  writeFileSync(mixed, Buffer.concat([Buffer.from(`${HEADER}1,Café,Käse,cart,2022-10-01\n`), Buffer.from([0x32, 0x2c, 0xe9, 0x2c, 0x78, 0x2c]), Buffer.from('cart,2022-10-02\n')]))
  const stray = await prepareDataset(ctx.db, {source: {kind: 'file', path: mixed}})
  assert.is(stray.format.encoding, 'utf-8')
  assert.ok(stray.warnings.some((w) => /1 byte sequences are not valid UTF-8/.test(w)), stray.warnings.join('; '))
  const read = await prepareDataset(ctx.db, {source: {kind: 'file', path}, encoding: 'windows-1252'})
  assert.is(read.products, 2)
  assert.equal(read.warnings, [])
  assert.equal(ctx.db.prepare('SELECT product_id, name FROM products ORDER BY product_id').raw().all(), [['SKU-Ä-1', 'Käse'], ['SKU-Ö-1', 'Käse']])
})

Prepare('--delimiter: one character other than a quote; "tab" means a tab', async (ctx) => {
  await rejects(prepareText(ctx, HEADER, {delimiter: '"'}), 'USAGE', /must be one character/)
  await rejects(prepareText(ctx, HEADER, {delimiter: ';;'}), 'USAGE', /must be one character/)
  const tabbed = await prepareText(ctx, 'customer_id\tproduct_id\tevent\tevent_date\n1\t2\tcart\t2022-10-01\n', {delimiter: 'tab'})
  assert.is(tabbed.rowsKept, 1)
})

Prepare('a dataset a hundred times smaller than the one it replaces comes with a warning', async (ctx) => {
  const many = Array.from({length: 1500}, (_, i) => `${i},${i % 50},x,cart,2022-10-01 ${String(Math.floor(i / 60) % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`)
  const first = await prepareText(ctx, `${HEADER}${many.join('\n')}\n`)
  assert.equal(first.warnings, [])
  const tiny = await prepareText(ctx, `${HEADER}1,2,x,cart,2022-10-01\n`)
  assert.ok(tiny.warnings.some((w) => /keeps 1 rows where the one it replaces \(v\d+\) held 1,500/.test(w)), tiny.warnings.join('; '))
})

Prepare('empty file, header only, missing file', async (ctx) => {
  await rejects(prepareText(ctx, ''), 'EMPTY_INPUT', /is empty/)
  await rejects(prepareText(ctx, '\n\n'), 'EMPTY_INPUT', /is empty/)
  await rejects(prepareText(ctx, HEADER), 'NO_DATA', /header but no data rows/)
  await rejects(prepareDataset(ctx.db, {source: {kind: 'file', path: ctx.tmp.file('absent.csv')}}), 'FILE_NOT_FOUND', /absent\.csv/)
})

Prepare('integer id columns: stray text ids are invalid, "42.0" joins "42"; --id-type text keeps them', async (ctx) => {
  const rows = ['customer_id,product_id,event,event_date']
  for (let i = 0; i < 200; i++) rows.push(`${100 + i},${500 + (i % 7)},cart,2022-10-01 00:${String(i % 60).padStart(2, '0')}:00`)
  rows.push('abc,500,cart,2022-10-02', '100.0,501,cart,2022-10-03', '7000.0,502,cart,2022-10-04')
  const text = rows.join('\n')
  const report = await prepareText(ctx, text)
  assert.is(report.dropped.invalidUserId, 1)
  assert.is(report.users, 201, '"100.0" is user 100; "7000.0" is a new user 7000')
  const ids = ctx.db.prepare('SELECT user_id FROM users ORDER BY user_key').pluck().all() as string[]
  assert.is(ids.at(-1), '7000', 'the newest user, under its canonical id')
  assert.not.ok(ids.includes('100.0') || ids.includes('abc'))
  const asText = await prepareText(ctx, text, {idType: 'text'})
  assert.is(asText.dropped.invalidUserId, 0)
  assert.is(asText.users, 203)
})

Prepare('bot users lose all their rows, on any day with more than the threshold', async (ctx) => {
  const rows = [HEADER.trim()]
  for (let i = 0; i < 12; i++) rows.push(`999,${i},x,cart,2022-10-05 10:00:${String(i).padStart(2, '0')}`)
  rows.push('999,1,x,cart,2022-11-01', '1,1,x,cart,2022-10-05', '2,1,x,cart,2022-10-05')
  const report = await prepareText(ctx, rows.join('\n'), {botThreshold: 10})
  assert.equal(report.botUsers, ['999'])
  assert.is(report.dropped.bot, 13)
  assert.is(report.rowsKept, 2)
})

Prepare('a failed prepare leaves the previous dataset readable and complete', async (ctx) => {
  const good = await prepareText(ctx, HEADER + '1,10,x,cart,2022-10-01\n2,11,y,cart,2022-10-02\n')
  await rejects(prepareText(ctx, HEADER + '1,10,x,cart,2022-10-01\n3,12,z,cart,broken\n', {strict: true}), 'BAD_ROW')
  await rejects(prepareText(ctx, 'wrong,header\n1,2\n'), 'MISSING_COLUMN')
  const data = loadDataset(ctx.db)
  assert.is(data.version, good.datasetVersion)
  assert.is(data.nRows, 2)
  assert.is(loadDataset(ctx.db).userKey.length, 2)
})

Prepare('an aborted prepare changes nothing', async (ctx) => {
  await prepareText(ctx, HEADER + '1,10,x,cart,2022-10-01\n')
  const abort = new AbortController()
  abort.abort()
  await rejects(prepareText(ctx, HEADER + '5,50,x,cart,2022-10-01\n', {signal: abort.signal}), 'INTERRUPTED')
  assert.equal(ctx.db.prepare('SELECT user_id FROM users').pluck().all(), ['1'])
})

Prepare('stdin source streams like a file', async (ctx) => {
  const stream = Readable.from([HEADER, '1,10,x,cart,2022-10-01\n', '2,10,x,cart,2022-10-02\n'])
  const report = await prepareDataset(ctx.db, {source: {kind: 'stdin', stream}})
  assert.is(report.source, 'stdin')
  assert.is(report.rowsKept, 2)
})

Prepare('the real REES46 event log prepares with column flags', async (ctx) => {
  const report = await prepareDataset(ctx.db, {
    source: {kind: 'file', path: REES46},
    columns: {user: 'user_id', product: 'product_id', event: 'event_type', time: 'event_time'},
  })
  assert.is(report.rowsRead, 4001)
  assert.is(report.dropped.wrongFieldCount, 1, 'the cut-off last line')
  assert.equal(report.droppedLines.wrongFieldCount, [4002])
  assert.is(report.dropped.duplicate, 3, 'three whole-row repeats of line 3831')
  assert.equal(report.droppedLines.duplicate, [3832, 3833, 3834])
  assert.equal(report.events.map((e) => e.event).sort(), ['cart', 'purchase', 'view'])
  assert.is(report.firstEvent, '2019-10-01T00:00:00Z')
})


Prepare('a stray quote costs its own line, counted with its line number; strict fails at that line', async (ctx) => {
  const rows = [HEADER.trim()]
  for (let i = 0; i < 30; i++) rows.push(`${i + 1},${100 + i},Item ${i},cart,2022-10-01 00:${String(i).padStart(2, '0')}:00`)
  rows[11] = '11,110,"Lamp, Oak,cart,2022-10-01 00:10:00'
  rows[20] = '20,119,"Mug, Blue",cart,2022-10-01 00:19:00'
  const text = rows.join('\n') + '\n'
  const report = await prepareText(ctx, text)
  assert.is(report.rowsRead, 30)
  assert.is(report.dropped.malformedQuote, 1)
  assert.equal(report.droppedLines.malformedQuote, [12])
  assert.is(report.rowsKept, 29, 'every other row, the legitimately quoted one included')
  assert.is(report.lines, 31)
  assert.is(ctx.db.prepare("SELECT name FROM products WHERE product_id = '119'").pluck().get(), 'Mug, Blue')
  await rejects(prepareText(ctx, text, {strict: true}), 'BAD_ROW', /line 12: .*quote/)
})

Prepare('gzip and UTF-16 are read; binary, bzip2 and two-file zips are named, not parsed', async (ctx) => {
  const text = HEADER + '1,10,Lamp,cart,2022-10-01\n2,11,Mug,cart,2022-10-02\n'
  const gz = ctx.tmp.file('a.csv.gz')
  writeFileSync(gz, gzipSync(text))
  const fromGzip = await prepareDataset(ctx.db, {source: {kind: 'file', path: gz}})
  assert.equal([fromGzip.format.compression, fromGzip.rowsKept], ['gzip', 2])
  const utf16 = ctx.tmp.file('b.csv')
  writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]))
  const fromUtf16 = await prepareDataset(ctx.db, {source: {kind: 'file', path: utf16}})
  assert.equal([fromUtf16.format.encoding, fromUtf16.rowsKept], ['utf-16le', 2])
  const stdinGzip = await prepareDataset(ctx.db, {source: {kind: 'stdin', stream: Readable.from([gzipSync(text)])}})
  assert.is(stdinGzip.rowsKept, 2)
  const binary = ctx.tmp.file('c.csv')
  writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x1b, 0x00, 0x07, 0x00, ...Buffer.from('customer_id')]))
  const e = await rejects(prepareDataset(ctx.db, {source: {kind: 'file', path: binary}}), 'NOT_CSV', /looks binary/)
  assert.not.match(e.message, /[\u0000-\u0008\u001b]/, 'no raw control bytes in the message')
  const bz = ctx.tmp.file('d.csv.bz2', 'BZh91AY&SY')
  await rejects(prepareDataset(ctx.db, {source: {kind: 'file', path: bz}}), 'NOT_CSV', /bzip2/)
})

Prepare('NUL characters past the first chunk are counted in a warning; the rows holding them are accounted for as usual', async (ctx) => {
  // Over a megabyte of clean rows, so the NULs come after the start that is checked for binary.
  const rows = Array.from({length: 30_000}, (_, i) => `${i % 700},${i % 90},Lamp,cart,2022-10-01 ${String(Math.floor(i / 3600) % 24).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`)
  const clean = HEADER + rows.join('\n') + '\n'
  assert.ok(clean.length > 1 << 20)
  const padded = ctx.tmp.file('padded.csv')
  writeFileSync(padded, Buffer.concat([Buffer.from(clean), Buffer.alloc(3000)]))
  const r = await prepareDataset(ctx.db, {source: {kind: 'file', path: padded}})
  assert.is(r.dropped.wrongFieldCount, 1, 'the zero-filled tail is one line of the wrong width')
  assert.is(r.rowsRead, r.rowsKept + r.droppedTotal)
  assert.ok(r.warnings.some((w) => w.startsWith('the file holds 3,000 NUL characters, which no CSV text has')), r.warnings.join('\n'))
  const plain = await prepareDataset(ctx.db, {source: {kind: 'file', path: ctx.tmp.file('clean.csv', clean)}})
  assert.not.ok(plain.warnings.some((w) => w.includes('NUL')))
})

Prepare('a path that is a pipe (<(zcat ...), a FIFO) is read as a stream, gzip included, not refused as empty', async (ctx) => {
  const text = HEADER + '1,10,Lamp,cart,2022-10-01\n2,11,Mug,cart,2022-10-02\n'
  for (const [name, bytes] of [['plain', Buffer.from(text)], ['gzip', gzipSync(text)]] as const) {
    const fifo = ctx.tmp.file(`${name}.fifo`)
    execFileSync('mkfifo', [fifo])
    // Another process writes it, as zcat would: opening a FIFO waits for the other end.
    const writer = spawn('sh', ['-c', 'cat > "$1"', 'sh', fifo], {stdio: ['pipe', 'ignore', 'ignore']})
    writer.stdin.on('error', () => {})
    writer.stdin.end(bytes)
    try {
      const report = await prepareDataset(ctx.db, {source: {kind: 'file', path: fifo}})
      assert.equal([report.rowsKept, report.format.compression, report.source], [2, name === 'gzip' ? 'gzip' : 'none', fifo])
    } finally {
      writer.kill()
    }
  }
})

Prepare('when no row survives, the error says why they went, and a day-first log is told of --day-first', async (ctx) => {
  const dayFirst = await rejects(prepareText(ctx, HEADER + '1,10,Lamp,cart,13/01/2023\n2,11,Mug,cart,25/02/2023\n'), 'NO_DATA', /2 read; dropped: 2 bad timestamp/)
  assert.match(dayFirst.hint, /2 timestamps look day-first .*--day-first/)
  const noIds = await rejects(prepareText(ctx, HEADER + ',10,Lamp,cart,2023-01-13\n,11,Mug,cart,2023-01-14\n3,,Cup,cart,2023-01-15\n'), 'NO_DATA', /dropped: 2 empty user id, 1 empty product id\)/)
  assert.match(noIds.hint, /column mapping/)
})

Prepare('messages repeat at most 200 characters of any input, control characters escaped', async (ctx) => {
  const longHeader = `${'x'.repeat(10_000)}\u001b[31m,product_id,event,event_date\n1,2,cart,2022-10-01\n`
  const e = await rejects(prepareText(ctx, longHeader), 'MISSING_COLUMN')
  assert.ok(e.message.length < 400, `message of ${e.message.length} characters`)
  assert.not.match(e.message, /\u001b/)
})

Prepare('a column named twice in the header is reported, and the first one is read', async (ctx) => {
  const report = await prepareText(ctx, 'customer_id,product_id,event,event_date,customer_id\n1,10,cart,2022-10-01,9\n')
  assert.is(report.warnings.length, 1)
  assert.match(report.warnings[0], /"customer_id" twice \(columns 1 and 5\)/)
  assert.equal(ctx.db.prepare('SELECT user_id FROM users').pluck().all(), ['1'])
})

Prepare('the day-first hint counts only dates that are real when read day first', async (ctx) => {
  const report = await prepareText(ctx, HEADER + '1,10,x,cart,13/01/2023\n2,10,x,cart,31/31/2023\n3,10,x,cart,2023-01-02\n')
  assert.is(report.dropped.badTimestamp, 2)
  assert.is(report.hints.length, 1)
  assert.match(report.hints[0], /^1 timestamps look day-first/)
})

Prepare.run()
