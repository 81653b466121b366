/** Identifier cleaning: what counts as a missing id, and how a numeric id column is recognised. */

const NULL_TOKENS = new Set(['', 'null', 'none', 'nan', 'na', 'n/a', '#n/a', 'nil', 'undefined', '\\n', '<na>', 'nat'])

/** The first characters of the null tokens: most ids are rejected on their first character. */
const NULL_FIRST_CHARS = [...new Set([...NULL_TOKENS].filter((t) => t !== '').flatMap((t) => [t[0], t[0].toUpperCase()]))].join('')

/** A trimmed id value that stands for "no value" (empty, or a null token that exports write). */
export function isNullId(trimmed: string): boolean {
  return isNullIdRange(trimmed, 0, trimmed.length)
}

/** isNullId of s[from, to), making the substring only for the few ids that may be null tokens. */
export function isNullIdRange(s: string, from: number, to: number): boolean {
  const length = to - from
  if (length <= 0) return true
  if (length > 9 || !NULL_FIRST_CHARS.includes(s[from])) return false
  return NULL_TOKENS.has(s.slice(from, to).toLowerCase())
}

export type IdKind = 'integer' | 'text'
export type IdTypeOption = 'auto' | IdKind

/**
 * The canonical integer text of an id ("00042" stays as written; "42.0" written by a float
 * column becomes "42"), or null when the id is not a non-negative integer.
 */
export function canonicalInteger(id: string): string | null {
  let end = id.length
  const dot = id.indexOf('.')
  if (dot !== -1) {
    for (let i = dot + 1; i < id.length; i++) if (id.charCodeAt(i) !== 48) return null
    end = dot
  }
  if (end === 0) return null
  for (let i = 0; i < end; i++) {
    const c = id.charCodeAt(i)
    if (c < 48 || c > 57) return null
  }
  return end === id.length ? id : id.slice(0, end)
}

/**
 * A column is integer-typed when at most `tolerance` of its rows hold non-integer ids: then those
 * few are data errors (a stray "abc", "#REF!"). A column with more text than that is a text id
 * column (SKUs, hashes) and every non-null value is valid.
 */
export const AUTO_INTEGER_TOLERANCE = 0.01

export function decideIdKind(option: IdTypeOption, integerRows: number, totalRows: number): IdKind {
  if (option !== 'auto') return option
  if (totalRows === 0 || integerRows === 0) return 'text'
  return (totalRows - integerRows) / totalRows <= AUTO_INTEGER_TOLERANCE ? 'integer' : 'text'
}
