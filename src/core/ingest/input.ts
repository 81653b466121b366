import {closeSync, createReadStream, fstatSync, openSync, readSync, statSync} from 'node:fs'
import type {Readable} from 'node:stream'
import {createGunzip, createInflateRaw} from 'node:zlib'

import {excerpt, RecsysError} from '../errors.js'

export type CsvSource = {kind: 'file'; path: string} | {kind: 'stdin'; stream?: Readable}

export interface InputFormat {
  compression: 'none' | 'gzip' | 'zip'
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252'
}

/** An input opened for reading as text, with what was detected and how far the raw bytes have got. */
export interface OpenedInput {
  label: string
  format: InputFormat
  /** Size of the file on disk (compressed size for gzip and zip); unknown for stdin. */
  totalBytes?: number
  /** Decoded text, in chunks of about a megabyte. */
  chunks(): AsyncGenerator<string>
  /** Raw bytes consumed so far (of `totalBytes`). */
  bytesRead(): number
  /** Bytes that were not valid UTF-8 (each read as U+FFFD), so far. */
  invalidUtf8(): number
  /** NUL characters past the start (a NUL at the start refuses the file as binary), so far. */
  nulCharacters(): number
}

/** A single-byte encoding to read instead of UTF-8 (WHATWG's windows-1252, which latin1 also names). */
export type ForcedEncoding = 'utf-8' | 'windows-1252'

export function sourceLabel(source: CsvSource): string {
  return source.kind === 'file' ? source.path : 'stdin'
}

const CHUNK_BYTES = 1 << 20

/** Formats we recognise by their first bytes but do not read: name them rather than parse noise. */
const UNSUPPORTED: Array<{magic: number[]; what: string; hint: string}> = [
  {magic: [0x42, 0x5a, 0x68], what: 'bzip2-compressed', hint: 'Decompress it first (bunzip2 -k FILE), or recompress it with gzip, which recsys reads.'},
  {magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'xz-compressed', hint: 'Decompress it first (xz -dk FILE), or recompress it with gzip, which recsys reads.'},
  {magic: [0x28, 0xb5, 0x2f, 0xfd], what: 'zstd-compressed', hint: 'Decompress it first (zstd -d FILE), or recompress it with gzip, which recsys reads.'},
  {magic: [0x50, 0x41, 0x52, 0x31], what: 'a Parquet file', hint: 'Export it to CSV first (e.g. with DuckDB: COPY (FROM \'f.parquet\') TO \'f.csv\').'},
  {magic: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65], what: 'an SQLite database', hint: 'Pass the CSV log to prepare; an existing store goes to --db.'},
  {magic: [0xd0, 0xcf, 0x11, 0xe0], what: 'an old Excel (.xls) workbook', hint: 'Save the sheet as CSV (UTF-8) and pass that file.'},
]

const startsWith = (bytes: Uint8Array, magic: number[]): boolean => magic.every((b, i) => bytes[i] === b)

/** Encoding from a byte-order mark, or from the zero bytes of BOM-less UTF-16 text. */
function detectEncoding(head: Uint8Array): InputFormat['encoding'] {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le'
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be'
  const n = Math.min(head.length, 4096) & ~1
  if (n >= 8) {
    let evenZero = 0
    let oddZero = 0
    for (let i = 0; i < n; i += 2) {
      if (head[i] === 0) evenZero++
      if (head[i + 1] === 0) oddZero++
    }
    const pairs = n / 2
    if (oddZero > pairs * 0.3 && evenZero < pairs * 0.05) return 'utf-16le'
    if (evenZero > pairs * 0.3 && oddZero < pairs * 0.05) return 'utf-16be'
  }
  return looksSingleByte(head) ? 'windows-1252' : 'utf-8'
}

/**
 * True when the head has bytes above 0x7F and not one of them starts a valid UTF-8 sequence: a
 * Latin-1 or Windows-1252 export (older spreadsheets), which UTF-8 would turn into U+FFFD and merge
 * ids such as SKU-é and SKU-è. One valid multi-byte sequence keeps UTF-8 (a stray bad byte in a
 * UTF-8 file is counted and warned about instead).
 */
function looksSingleByte(head: Uint8Array): boolean {
  let valid = 0
  let invalid = 0
  const n = Math.min(head.length, 1 << 16)
  for (let i = 0; i < n; i++) {
    const b = head[i]
    if (b < 0x80) continue
    const len = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0
    if (len === 0) {
      invalid++
      continue
    }
    if (i + len > n) break
    let ok = true
    for (let j = 1; j < len; j++) if ((head[i + j] & 0xc0) !== 0x80) ok = false
    if (ok) {
      valid++
      i += len - 1
    } else invalid++
  }
  return invalid > 0 && valid === 0
}

function refuseUnsupported(head: Uint8Array, label: string): void {
  for (const u of UNSUPPORTED) {
    if (startsWith(head, u.magic)) throw new RecsysError('NOT_CSV', `${label} is ${u.what}, not CSV text`, u.hint)
  }
}

/** The one file inside a .zip: where its data starts, how long it is and how it is compressed. */
function zipEntry(path: string, fd: number, size: number): {start: number; length: number; method: number; name: string} {
  const refuse = (why: string, hint = 'Unzip it and pass the CSV file itself.'): never => {
    throw new RecsysError('NOT_CSV', `${path} is a zip archive that recsys cannot read: ${why}`, hint)
  }
  // End of central directory: 22 bytes plus a comment of up to 64 KiB, at the end of the file.
  const tailLength = Math.min(size, 22 + 0xffff)
  const tail = Buffer.alloc(tailLength)
  readSync(fd, tail, 0, tailLength, size - tailLength)
  let eocd = -1
  for (let i = tailLength - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i
      break
    }
  }
  if (eocd === -1) refuse('its directory is missing (a cut-off download?)')
  const entries = tail.readUInt16LE(eocd + 10)
  const dirSize = tail.readUInt32LE(eocd + 12)
  const dirOffset = tail.readUInt32LE(eocd + 16)
  if (entries === 0xffff || dirOffset === 0xffffffff) refuse('it is a ZIP64 archive')
  const dir = Buffer.alloc(dirSize)
  readSync(fd, dir, 0, dirSize, dirOffset)
  const files: Array<{name: string; method: number; compressed: number; localOffset: number; flags: number}> = []
  for (let at = 0, k = 0; k < entries && at + 46 <= dir.length; k++) {
    if (dir.readUInt32LE(at) !== 0x02014b50) refuse('its directory is damaged')
    const nameLength = dir.readUInt16LE(at + 28)
    const name = dir.toString('utf8', at + 46, at + 46 + nameLength)
    if (!name.endsWith('/') && !name.startsWith('__MACOSX/')) {
      files.push({name, flags: dir.readUInt16LE(at + 8), method: dir.readUInt16LE(at + 10), compressed: dir.readUInt32LE(at + 20), localOffset: dir.readUInt32LE(at + 42)})
    }
    at += 46 + nameLength + dir.readUInt16LE(at + 30) + dir.readUInt16LE(at + 32)
  }
  if (files.length !== 1) {
    const names = files.slice(0, 5).map((f) => excerpt(f.name, 60)).join(', ')
    refuse(`it holds ${files.length} files (${names}${files.length > 5 ? ', …' : ''}), not one CSV`)
  }
  const file = files[0]
  if (file.name.startsWith('xl/') || file.name === '[Content_Types].xml') refuse('it is an Excel workbook', 'Save the sheet as CSV (UTF-8) and pass that file.')
  if (file.flags & 1) refuse('it is encrypted')
  if (file.method !== 0 && file.method !== 8) refuse(`its file is compressed with method ${file.method} (only deflate is read)`)
  const local = Buffer.alloc(30)
  readSync(fd, local, 0, 30, file.localOffset)
  if (local.readUInt32LE(0) !== 0x04034b50) refuse('its file header is damaged')
  const start = file.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28)
  return {start, length: file.compressed, method: file.method, name: file.name}
}

/** Reads the first `n` bytes of a file (fewer when it is shorter). */
/** Whether path names a regular file; false for pipes and devices, and true when it cannot be looked at (opening it then says why). */
function isRegularFile(path: string): boolean {
  try {
    const stat = statSync(path)
    return stat.isFile() || stat.isDirectory()
  } catch {
    return true
  }
}

function fileHead(fd: number, n: number): Uint8Array {
  const head = Buffer.alloc(n)
  const got = readSync(fd, head, 0, n, 0)
  return head.subarray(0, got)
}

/** A stream's first chunk, and a generator that yields it and then the rest. */
async function peekStream(stream: Readable): Promise<{head: Uint8Array; all: () => AsyncGenerator<Uint8Array>}> {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>
  const first = await iterator.next()
  const toBytes = (c: Buffer | string): Uint8Array => (typeof c === 'string' ? Buffer.from(c) : c)
  const head = first.done ? new Uint8Array(0) : toBytes(first.value)
  return {
    head,
    async *all() {
      if (head.length > 0) yield head
      for (;;) {
        const next = await iterator.next()
        if (next.done) return
        yield toBytes(next.value)
      }
    },
  }
}

/**
 * Opens a CSV source for reading as text: a plain file, a gzip file (or gzip on stdin, by its
 * magic bytes), or a .zip holding one file; UTF-8 (a BOM is dropped later, with the header) or
 * UTF-16 by its byte-order mark. Other formats are refused by name before anything is parsed.
 */
export async function openInput(source: CsvSource, forced?: ForcedEncoding): Promise<OpenedInput> {
  const label = sourceLabel(source)
  let rawBytes = 0
  let totalBytes: number | undefined
  let compression: InputFormat['compression'] = 'none'
  let raw: () => AsyncGenerator<Uint8Array>
  let head: Uint8Array

  // A path that is no regular file (a pipe from <(zcat ...), a FIFO, a device) is read as a stream,
  // as stdin is: its size says nothing and it can be read only once.
  let stream = source.kind === 'stdin' ? (source.stream ?? process.stdin) : undefined
  if (source.kind === 'file' && !isRegularFile(source.path)) stream = createReadStream(source.path, {highWaterMark: CHUNK_BYTES})

  if (source.kind === 'file' && stream === undefined) {
    let fd: number
    try {
      fd = openSync(source.path, 'r')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EACCES' || code === 'EPERM') throw new RecsysError('FILE_NOT_FOUND', `cannot read ${label}: permission denied`, 'Check the file’s permissions.')
      if (code === 'EISDIR') throw new RecsysError('FILE_NOT_FOUND', `${label} is a directory, not a CSV file`, 'Pass the path of a CSV file.')
      throw new RecsysError('FILE_NOT_FOUND', `cannot read ${label}: no such file`, 'Check the path, or pass - to read the CSV from stdin.')
    }
    try {
      const stat = fstatSync(fd)
      if (stat.isDirectory()) throw new RecsysError('FILE_NOT_FOUND', `${label} is a directory, not a CSV file`, 'Pass the path of a CSV file.')
      totalBytes = stat.size
      if (stat.size === 0) throw new RecsysError('EMPTY_INPUT', `${label} is empty`, 'Pass a CSV file with a header row and data rows.')
      head = fileHead(fd, 4096)
      if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) {
        const entry = zipEntry(label, fd, stat.size)
        compression = 'zip'
        const {start, length, method} = entry
        raw = async function* () {
          const stream = createReadStream(source.path, {start, end: start + length - 1, highWaterMark: CHUNK_BYTES})
          stream.on('data', (c) => (rawBytes += c.length))
          yield* method === 8 ? stream.pipe(createInflateRaw()) : stream
        }
      } else {
        refuseUnsupported(head, label)
        if (head[0] === 0x1f && head[1] === 0x8b) compression = 'gzip'
        raw = async function* () {
          const stream = createReadStream(source.path, {highWaterMark: CHUNK_BYTES})
          stream.on('data', (c) => (rawBytes += c.length))
          yield* compression === 'gzip' ? stream.pipe(createGunzip({chunkSize: CHUNK_BYTES})) : stream
        }
      }
    } finally {
      closeSync(fd)
    }
  } else {
    const peeked = await peekStream(stream!)
    head = peeked.head
    if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) {
      throw new RecsysError('NOT_CSV', `${label} is a zip archive, which recsys reads only from a file`, 'Save it to a file and pass its path, or unzip it: unzip -p data.zip | recsys prepare -')
    }
    refuseUnsupported(head, label)
    const counted = async function* () {
      for await (const c of peeked.all()) {
        rawBytes += c.length
        yield c
      }
    }
    if (head[0] === 0x1f && head[1] === 0x8b) {
      compression = 'gzip'
      raw = async function* () {
        const gunzip = createGunzip({chunkSize: CHUNK_BYTES})
        const feed = (async () => {
          for await (const c of counted()) if (!gunzip.write(c)) await new Promise((r) => gunzip.once('drain', r))
          gunzip.end()
        })()
        feed.catch((error) => gunzip.destroy(error as Error))
        yield* gunzip
      }
    } else raw = counted
  }

  let encoding: InputFormat['encoding'] = forced ?? 'utf-8'
  if (compression === 'none' && !forced) encoding = detectEncoding(head)
  let replaced = 0
  let nuls = 0
  return {
    label,
    format: {compression, encoding},
    totalBytes,
    bytesRead: () => rawBytes,
    invalidUtf8: () => replaced,
    nulCharacters: () => nuls,
    async *chunks() {
      const decoder = new TextDecoder(encoding)
      let first = true
      try {
        for await (const bytes of raw()) {
          if (bytes.length === 0) continue
          if (first && compression !== 'none') {
            // What a compressed file holds is checked once it is unpacked.
            refuseUnsupported(bytes, `${label} (inside the ${compression} file)`)
            if (detectEncoding(bytes).startsWith('utf-16')) {
              throw new RecsysError('NOT_CSV', `${label} holds UTF-16 text inside ${compression}`, 'Convert it to UTF-8 (iconv -f UTF-16 -t UTF-8) before compressing, or decompress it first.')
            }
          }
          const text = decoder.decode(bytes, {stream: true})
          if (first) {
            first = false
            const nul = text.indexOf('\u0000')
            if (nul !== -1) {
              throw new RecsysError('NOT_CSV', `${label} looks binary, not CSV text (a NUL byte near the start)`, 'Pass a delimited text file (CSV/TSV), saved as UTF-8.')
            }
          }
          // A damaged file (zero-filled after a crash, a binary blob pasted in) shows as NULs:
          // counted here, per chunk, so the rows that hold them are explained in the report.
          for (let at = text.indexOf('\u0000'); at !== -1; at = text.indexOf('\u0000', at + 1)) nuls++
          if (encoding === 'utf-8') for (let at = text.indexOf('\uFFFD'); at !== -1; at = text.indexOf('\uFFFD', at + 1)) replaced++
          if (text.length > 0) yield text
        }
      } catch (error) {
        if (error instanceof RecsysError) throw error
        const code = (error as NodeJS.ErrnoException).code
        if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' || code === 'ERR_ZLIB_INITIALIZATION_FAILED') {
          throw new RecsysError('NOT_CSV', `${label} is a damaged or cut-off ${compression} file`, 'Download or compress it again; the rows before the damage are not imported.')
        }
        throw new RecsysError('FILE_NOT_FOUND', `cannot read ${label}: ${excerpt((error as Error).message, 120)}`, 'Check the path and its permissions.')
      }
      const rest = decoder.decode()
      if (rest.length > 0) yield rest
    },
  }
}

/** The size of a file source, for progress; undefined for stdin or when it cannot be read. */
export function sourceSizeBytes(source: CsvSource): number | undefined {
  if (source.kind !== 'file') return undefined
  try {
    return statSync(source.path).size
  } catch {
    return undefined
  }
}
