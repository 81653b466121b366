/**
 * Texts as one UTF-8 byte arena and offsets (entry k is bytes[offsets[k] .. offsets[k+1])): a few
 * bytes per text and no object per text, for millions of ids or names held in memory.
 */
export function utf8Arena(values: Iterable<string | null>, count: number): {bytes: Uint8Array; offsets: Int32Array} {
  const offsets = new Int32Array(count + 1)
  let bytes = Buffer.allocUnsafeSlow(Math.max(1024, count * 8))
  let k = 0
  let at = 0
  for (const v of values) {
    const text = v ?? ''
    // At most 3 bytes per UTF-16 unit.
    if (at + text.length * 3 > bytes.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(bytes.length * 2, at + text.length * 3))
      bytes.copy(bigger, 0, 0, at)
      bytes = bigger
    }
    at += bytes.write(text, at, 'utf8')
    offsets[++k] = at
  }
  return {bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, at), offsets}
}

/** Entry k of an arena. */
export function arenaText(bytes: Uint8Array, offsets: Int32Array, k: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + offsets[k], offsets[k + 1] - offsets[k]).toString('utf8')
}
