type TypedArrayCtor<T> = {new (length: number): T; BYTES_PER_ELEMENT: number}
type NumericArray = Int32Array | Uint32Array | Float64Array | Uint8Array | Uint16Array | Float32Array

/** An append-only typed column that doubles its buffer; `view()` returns the filled part. */
export class Growable<T extends NumericArray> {
  private data: T
  length = 0

  constructor(
    private readonly ctor: TypedArrayCtor<T>,
    initialCapacity = 1024,
  ) {
    this.data = new ctor(Math.max(16, initialCapacity))
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new this.ctor(this.data.length * 2)
      ;(bigger as NumericArray).set(this.data as never)
      this.data = bigger
    }
    this.data[this.length++] = value
  }

  view(): T {
    return this.data.subarray(0, this.length) as T
  }
}

/**
 * An append-only typed column kept in fixed chunks: growing never copies, and `toArray` builds the
 * exact-size array while dropping each chunk, so the peak is about one copy plus one chunk (a
 * doubling buffer peaks at three times the data, half of it unused).
 */
export class ChunkedColumn<T extends NumericArray> {
  private chunks: T[] = []
  private current: T
  private fill = 0
  length = 0

  constructor(
    private readonly ctor: TypedArrayCtor<T>,
    private readonly chunkLength = 1 << 20,
  ) {
    this.current = new ctor(chunkLength)
  }

  push(value: number): void {
    if (this.fill === this.chunkLength) {
      this.chunks.push(this.current)
      this.current = new this.ctor(this.chunkLength)
      this.fill = 0
    }
    this.current[this.fill++] = value
    this.length++
  }

  /**
   * The values as one array; the column is empty afterwards. `release`, called after every 16
   * chunks copied, can collect the dropped chunks: the new array's pages are taken only as they
   * are written, so the copy then never holds much more than the column once.
   */
  toArray(release?: () => void): T {
    const out = new this.ctor(this.length)
    let at = 0
    const parts = this.chunks
    this.chunks = []
    for (let i = 0; i < parts.length; i++) {
      ;(out as NumericArray).set(parts[i] as never, at)
      at += parts[i].length
      parts[i] = undefined as unknown as T
      if (release && i % 16 === 15) release()
    }
    ;(out as NumericArray).set(this.current.subarray(0, this.fill) as never, at)
    this.current = new this.ctor(16)
    this.fill = 0
    this.length = 0
    return out
  }
}
