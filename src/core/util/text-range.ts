/**
 * Ranges of a string read in place: the hot path of prepare reads a row's fields as [from, to)
 * ranges of the text it was decoded into, so that most fields never become strings of their own.
 */

/** Whether a UTF-16 code unit is one that String.prototype.trim removes (WhiteSpace or LineTerminator). */
export function isTrimmedUnit(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13)
  if (c < 0xa0) return false
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
}

/** The start of s[from, to) once trimmed: s.slice(from, to).trim() begins there. */
export function trimmedStart(s: string, from: number, to: number): number {
  while (from < to && isTrimmedUnit(s.charCodeAt(from))) from++
  return from
}

/** The end of s[from, to) once trimmed (at least `from`). */
export function trimmedEnd(s: string, from: number, to: number): number {
  while (to > from && isTrimmedUnit(s.charCodeAt(to - 1))) to--
  return to
}
