import type {Statement} from 'better-sqlite3'

import type {Db} from './open.js'

/**
 * Typed arrays stored as little-endian BLOB chunks of a fixed number of elements, so a stage loads
 * a whole column with one ordered scan, a lookup reads only the chunk it needs, and no single BLOB
 * approaches SQLite's 1 GB limit however many rows there are.
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
      chunks: db.prepare('SELECT data FROM column_chunks WHERE name = ? ORDER BY chunk').pluck(),
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
    const part = this.buffer.subarray(0, this.fill)
    stmts(this.db).putChunk.run(this.name, this.chunk++, Buffer.from(part.buffer, part.byteOffset, part.byteLength))
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
    const part = array.subarray(at, Math.min(array.length, at + chunkLength))
    s.putChunk.run(name, c, Buffer.from(part.buffer, part.byteOffset, part.byteLength))
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
  const bytes = new Uint8Array(out.buffer)
  let at = 0
  for (const data of stmts(db).chunks.iterate(name) as IterableIterator<Buffer>) {
    bytes.set(data, at)
    at += data.length
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
  const size = Ctor.BYTES_PER_ELEMENT
  const bytes = new Uint8Array(out.buffer)
  const first = Math.floor(start / meta.chunk_length)
  const last = Math.floor((end - 1) / meta.chunk_length)
  for (const row of stmts(db).range.iterate(name, first, last) as IterableIterator<{chunk: number; data: Buffer}>) {
    const chunkStart = row.chunk * meta.chunk_length
    const a = Math.max(start, chunkStart) - chunkStart
    const b = Math.min(end, chunkStart + meta.chunk_length) - chunkStart
    bytes.set(row.data.subarray(a * size, b * size), (chunkStart + a - start) * size)
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
