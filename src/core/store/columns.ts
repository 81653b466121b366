import type {Statement} from 'better-sqlite3'

import type {Db} from './open.js'

/**
 * Typed arrays stored as little-endian BLOB chunks of a fixed number of elements, so a stage loads
 * a whole column with one ordered scan, a lookup reads only the chunk it needs, and no single BLOB
 * approaches SQLite's 1 GB limit however many rows there are.
 *
 * A chunk of whole numbers that span a narrow range is stored in offset form (see encodeChunk):
 * time-sorted timestamps, event keys and per-user counts take a half to a quarter of their raw
 * bytes. Readers get the column's own type back, exactly.
 */
export type Column = Int32Array | Float64Array | Float32Array | Uint8Array | Uint32Array | Uint16Array

const CTORS = {
  int32: Int32Array,
  float64: Float64Array,
  float32: Float32Array,
  uint8: Uint8Array,
  uint32: Uint32Array,
  uint16: Uint16Array,
} as const
export type DType = keyof typeof CTORS
type Ctor = {new (length: number): Column; BYTES_PER_ELEMENT: number}

/** Elements per chunk: 256 KiB of Int32, 512 KiB of Float64. */
export const CHUNK_ELEMENTS = 1 << 16

export function dtypeOf(array: Column): DType {
  if (array instanceof Int32Array) return 'int32'
  if (array instanceof Float64Array) return 'float64'
  if (array instanceof Float32Array) return 'float32'
  if (array instanceof Uint32Array) return 'uint32'
  if (array instanceof Uint16Array) return 'uint16'
  return 'uint8'
}

interface Statements {
  info: Statement<unknown[]>
  chunks: Statement<unknown[]>
  range: Statement<unknown[]>
  setInfo: Statement<unknown[]>
  putChunk: Statement<unknown[]>
  drop: Statement<unknown[]>
  dropInfo: Statement<unknown[]>
}
const statements = new WeakMap<Db, Statements>()

function stmts(db: Db): Statements {
  let s = statements.get(db)
  if (!s) {
    s = {
      info: db.prepare('SELECT dtype, length, chunk_length FROM column_info WHERE name = ?'),
      chunks: db.prepare('SELECT chunk, data FROM column_chunks WHERE name = ? ORDER BY chunk'),
      range: db.prepare('SELECT chunk, data FROM column_chunks WHERE name = ? AND chunk BETWEEN ? AND ? ORDER BY chunk'),
      setInfo: db.prepare('INSERT OR REPLACE INTO column_info (name, dtype, length, chunk_length) VALUES (?, ?, ?, ?)'),
      putChunk: db.prepare('INSERT INTO column_chunks (name, chunk, data) VALUES (?, ?, ?)'),
      drop: db.prepare('DELETE FROM column_chunks WHERE name = ?'),
      dropInfo: db.prepare('DELETE FROM column_info WHERE name = ?'),
    }
    statements.set(db, s)
  }
  return s
}

interface Info {
  dtype: DType
  length: number
  chunk_length: number
}

/** Chunks shorter than this stay raw, so the two forms' byte lengths never coincide. */
const MIN_OFFSET_CHUNK = 16
const TWO_32 = 2 ** 32

/**
 * A chunk's bytes. Raw: the elements as they are (n × element size). Offset form, used when it is
 * smaller: a Float64 base (the chunk's least value), then n unsigned offsets of 1, 2 or 4 bytes,
 * each element being base + offset. Only whole numbers (and never −0) take the offset form, so it
 * decodes exactly; with n ≥ 16 its length (8 + n × width) is always below the raw length, which
 * tells the forms apart without a flag.
 */
export function encodeChunk(part: Column): Buffer {
  const n = part.length
  const raw = (): Buffer => Buffer.from(part.buffer, part.byteOffset, part.byteLength)
  if (n < MIN_OFFSET_CHUNK || part instanceof Uint8Array || part instanceof Float32Array) return raw()
  const checkWhole = part instanceof Float64Array
  let min = part[0]
  let max = part[0]
  for (let i = 0; i < n; i++) {
    const v = part[i]
    if (checkWhole && (!Number.isInteger(v) || Object.is(v, -0))) return raw()
    if (v < min) min = v
    else if (v > max) max = v
  }
  const span = max - min
  const width = span < 256 ? 1 : span < 65_536 ? 2 : span < TWO_32 ? 4 : 8
  if (8 + n * width >= part.byteLength) return raw()
  const bytes = new ArrayBuffer(8 + n * width)
  new Float64Array(bytes, 0, 1)[0] = min
  const offsets = width === 1 ? new Uint8Array(bytes, 8, n) : width === 2 ? new Uint16Array(bytes, 8, n) : new Uint32Array(bytes, 8, n)
  for (let i = 0; i < n; i++) offsets[i] = part[i] - min
  return Buffer.from(bytes)
}

// Stored chunks start anywhere in memory; the offset form is copied here to be read aligned.
let scratch = new ArrayBuffer(8 + 4 * CHUNK_ELEMENTS)

/**
 * Writes elements [a, b) of a stored chunk of n elements into `out` from index `at`, in either form.
 */
function decodeChunk(data: Uint8Array, n: number, out: Column, at: number, a: number, b: number): void {
  const size = out.BYTES_PER_ELEMENT
  if (data.length === n * size) {
    new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(data.subarray(a * size, b * size), at * size)
    return
  }
  const width = (data.length - 8) / n
  if (scratch.byteLength < data.length) scratch = new ArrayBuffer(data.length)
  new Uint8Array(scratch, 0, data.length).set(data)
  const base = new Float64Array(scratch, 0, 1)[0]
  // One loop per offset width keeps each loop's element access to one array type.
  if (width === 1) addBase(out, at, base, new Uint8Array(scratch, 8, n), a, b)
  else if (width === 2) addBase(out, at, base, new Uint16Array(scratch, 8, n), a, b)
  else addBase(out, at, base, new Uint32Array(scratch, 8, n), a, b)
}

function addBase(out: Column, at: number, base: number, offsets: Uint8Array | Uint16Array | Uint32Array, a: number, b: number): void {
  if (out instanceof Float64Array) for (let i = a; i < b; i++) out[at + i - a] = base + offsets[i]
  else if (out instanceof Int32Array) for (let i = a; i < b; i++) out[at + i - a] = base + offsets[i]
  else for (let i = a; i < b; i++) out[at + i - a] = base + offsets[i]
}

/** Elements in chunk c of a column. */
function chunkSize(meta: Info, c: number): number {
  return Math.min(meta.chunk_length, meta.length - c * meta.chunk_length)
}

/**
 * Appends a column chunk by chunk, without holding it whole (prepare at tens of millions of rows).
 * Call inside a transaction; `finish` records its type and length.
 */
export class ColumnWriter<T extends Column> {
  private readonly buffer: T
  private fill = 0
  private chunk = 0
  private length = 0

  constructor(
    private readonly db: Db,
    private readonly name: string,
    ctor: {new (length: number): T; BYTES_PER_ELEMENT: number},
    private readonly chunkLength = CHUNK_ELEMENTS,
  ) {
    stmts(db).drop.run(name)
    this.buffer = new ctor(chunkLength)
  }

  push(value: number): void {
    this.buffer[this.fill++] = value
    if (this.fill === this.chunkLength) this.flush()
  }

  /** Appends a whole array (copied chunk by chunk). */
  pushAll(values: ArrayLike<number>): void {
    for (let i = 0; i < values.length; i++) this.push(values[i])
  }

  private flush(): void {
    if (this.fill === 0) return
    stmts(this.db).putChunk.run(this.name, this.chunk++, encodeChunk(this.buffer.subarray(0, this.fill)))
    this.length += this.fill
    this.fill = 0
  }

  finish(): number {
    this.flush()
    stmts(this.db).setInfo.run(this.name, dtypeOf(this.buffer), this.length, this.chunkLength)
    return this.length
  }
}

/** Stores a typed array as a column (replacing any column of that name). */
export function writeColumn(db: Db, name: string, array: Column, chunkLength = CHUNK_ELEMENTS): void {
  const s = stmts(db)
  s.drop.run(name)
  for (let c = 0, at = 0; at < array.length; c++, at += chunkLength) {
    s.putChunk.run(name, c, encodeChunk(array.subarray(at, Math.min(array.length, at + chunkLength))))
  }
  s.setInfo.run(name, dtypeOf(array), array.length, chunkLength)
}

/** Whether a column is stored. */
export function hasColumn(db: Db, name: string): boolean {
  return info(db, name) !== undefined
}

function info(db: Db, name: string): Info | undefined {
  return stmts(db).info.get(name) as Info | undefined
}

export function columnLength(db: Db, name: string): number | undefined {
  return info(db, name)?.length
}

/** The whole column, or undefined when there is none of that name. */
export function readColumn<T extends Column>(db: Db, name: string): T | undefined {
  const meta = info(db, name)
  if (!meta) return undefined
  const Ctor = CTORS[meta.dtype] as Ctor
  const out = new Ctor(meta.length)
  for (const row of stmts(db).chunks.iterate(name) as IterableIterator<{chunk: number; data: Buffer}>) {
    const n = chunkSize(meta, row.chunk)
    decodeChunk(row.data, n, out, row.chunk * meta.chunk_length, 0, n)
  }
  return out as T
}

/** Elements [from, to) of a column, reading only the chunks that hold them. */
export function readColumnRange<T extends Column>(db: Db, name: string, from: number, to: number): T | undefined {
  const meta = info(db, name)
  if (!meta) return undefined
  const Ctor = CTORS[meta.dtype] as Ctor
  const end = Math.min(to, meta.length)
  const start = Math.min(from, end)
  const out = new Ctor(end - start)
  if (end === start) return out as T
  const first = Math.floor(start / meta.chunk_length)
  const last = Math.floor((end - 1) / meta.chunk_length)
  for (const row of stmts(db).range.iterate(name, first, last) as IterableIterator<{chunk: number; data: Buffer}>) {
    const chunkStart = row.chunk * meta.chunk_length
    const a = Math.max(start, chunkStart) - chunkStart
    const b = Math.min(end, chunkStart + meta.chunk_length) - chunkStart
    decodeChunk(row.data, chunkSize(meta, row.chunk), out, chunkStart + a - start, a, b)
  }
  return out as T
}

/** A typed array holding a BLOB's bytes, copied into a fresh aligned buffer (SQLite's may start anywhere). */
export function fromBlob<T extends Column>(bytes: Uint8Array, Ctor: {new (length: number): T; BYTES_PER_ELEMENT: number}): T {
  const out = new Ctor(bytes.length / Ctor.BYTES_PER_ELEMENT)
  new Uint8Array(out.buffer).set(bytes)
  return out
}

export function toBlob(array: Column): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength)
}

/**
 * Single elements of columns, read a chunk at a time and kept (the most recent `maxChunks`), for
 * lookups that touch a few users' features: no whole column is loaded for one answer.
 */
export class ColumnCache {
  private readonly chunks = new Map<string, Column>()
  private readonly lengths = new Map<string, number>()

  constructor(
    private readonly db: Db,
    private readonly maxChunks = 256,
  ) {}

  at(name: string, index: number): number {
    const chunkLength = this.chunkLength(name)
    const c = Math.floor(index / chunkLength)
    const chunk = this.chunk(name, c, chunkLength)
    return chunk ? chunk[index - c * chunkLength] : Number.NaN
  }

  /** Values [from, to) of a column, through the same cached chunks (one chunk lookup per chunk). */
  range(name: string, from: number, to: number): Int32Array {
    const out = new Int32Array(Math.max(0, to - from))
    const chunkLength = this.chunkLength(name)
    for (let i = from; i < to; ) {
      const c = Math.floor(i / chunkLength)
      const chunk = this.chunk(name, c, chunkLength)
      const end = Math.min(to, (c + 1) * chunkLength)
      if (chunk) out.set(chunk.subarray(i - c * chunkLength, end - c * chunkLength), i - from)
      else out.fill(Number.NaN, i - from, end - from)
      i = end
    }
    return out
  }

  private chunkLength(name: string): number {
    let chunkLength = this.lengths.get(name)
    if (chunkLength === undefined) {
      chunkLength = info(this.db, name)?.chunk_length ?? CHUNK_ELEMENTS
      this.lengths.set(name, chunkLength)
    }
    return chunkLength
  }

  private chunk(name: string, c: number, chunkLength: number): Column | undefined {
    const key = `${name}#${c}`
    let chunk = this.chunks.get(key)
    if (!chunk) {
      chunk = readColumnRange(this.db, name, c * chunkLength, (c + 1) * chunkLength)
      if (!chunk) return undefined
      if (this.chunks.size >= this.maxChunks) this.chunks.delete(this.chunks.keys().next().value as string)
      this.chunks.set(key, chunk)
    }
    return chunk
  }
}

/** Removes every column whose name starts with `prefix`. */
export function deleteColumns(db: Db, prefix: string): void {
  const names = db.prepare("SELECT name FROM column_info WHERE substr(name, 1, length(?)) = ?").pluck().all(prefix, prefix) as string[]
  const s = stmts(db)
  for (const name of names) {
    s.drop.run(name)
    s.dropInfo.run(name)
  }
}
