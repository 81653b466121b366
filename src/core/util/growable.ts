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
