import type {Db} from './open.js'

type Column = Int32Array | Float64Array | Float32Array | Uint8Array | Uint32Array
const CTORS = {
  int32: Int32Array,
  float64: Float64Array,
  float32: Float32Array,
  uint8: Uint8Array,
  uint32: Uint32Array,
} as const
type DType = keyof typeof CTORS

function dtypeOf(array: Column): DType {
  if (array instanceof Int32Array) return 'int32'
  if (array instanceof Float64Array) return 'float64'
  if (array instanceof Float32Array) return 'float32'
  if (array instanceof Uint32Array) return 'uint32'
  return 'uint8'
}

/** Stores a typed array as a BLOB (native little-endian byte order). */
export function writeColumn(db: Db, name: string, array: Column): void {
  const bytes = Buffer.from(array.buffer, array.byteOffset, array.byteLength)
  db.prepare('INSERT OR REPLACE INTO columns (name, dtype, length, data) VALUES (?, ?, ?, ?)').run(name, dtypeOf(array), array.length, bytes)
}

export function readColumn<T extends Column>(db: Db, name: string): T | undefined {
  const row = db.prepare('SELECT dtype, length, data FROM columns WHERE name = ?').get(name) as {dtype: DType; length: number; data: Buffer} | undefined
  if (!row) return undefined
  const Ctor = CTORS[row.dtype] as {new (length: number): Column; BYTES_PER_ELEMENT: number}
  return fromBlob(row.data.subarray(0, row.length * Ctor.BYTES_PER_ELEMENT), Ctor) as T
}

/**
 * A typed array holding a BLOB's bytes (native little-endian layout). Copied into a fresh, aligned
 * buffer: SQLite's Buffer may start at any byte offset.
 */
export function fromBlob<T extends Column>(bytes: Uint8Array, Ctor: {new (length: number): T; BYTES_PER_ELEMENT: number}): T {
  const out = new Ctor(bytes.length / Ctor.BYTES_PER_ELEMENT)
  new Uint8Array(out.buffer).set(bytes)
  return out
}

export function deleteColumns(db: Db, prefix: string): void {
  db.prepare("DELETE FROM columns WHERE name LIKE ? || '%'").run(prefix)
}
