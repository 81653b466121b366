/**
 * Text and number helpers shared by the HTML and SVG renderers. Everything that came from the data
 * (ids, names, event labels, campaign ids) goes through `esc` before it reaches the page: the log is
 * untrusted, and the same escaping is safe in HTML text, attribute values and inline SVG.
 */

const ENTITIES: Record<string, string> = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}

/**
 * Escapes text for HTML and inline SVG, in text and in quoted attributes. Control characters other
 * than tab and newline become U+FFFD: they are not allowed in XML-like SVG and carry no meaning.
 */
export function esc(value: string | number): string {
  return (
    String(value)
      .replace(/[&<>"']/g, (c) => ENTITIES[c])
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\uFFFD')
  )
}

/** The most characters of one data string (an id, a name) the report shows; the cut is marked "…". */
export const MAX_TEXT = 80

/** Clips a data string so one long name cannot stretch a table or grow the file. */
export function clip(text: string, max = MAX_TEXT): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

const known = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x)

/** Number formats for the page; a value the data did not give (null, NaN) prints as "n/a". */
export const int = (n: number | null | undefined): string => (known(n) ? Math.round(n).toLocaleString('en-US') : 'n/a')
export const pct = (share: number | null | undefined, digits = 1): string => (known(share) ? `${(share * 100).toFixed(digits)}%` : 'n/a')
export const fixed = (x: number | null | undefined, digits = 4): string => (known(x) ? x.toFixed(digits) : 'n/a')

/** 1234 → "1.2k", 5_600_000 → "5.6M": tick labels that stay short at any data size. */
export function compact(n: number): string {
  const a = Math.abs(n)
  if (a >= 1e9) return `${trim(n / 1e9)}G`
  if (a >= 1e6) return `${trim(n / 1e6)}M`
  if (a >= 1e4) return `${trim(n / 1e3)}k`
  return trim(n)
}

function trim(x: number): string {
  return String(Number(x.toPrecision(3)))
}

/** Coordinates rounded to 0.1 px: enough for the eye, and it keeps the file small. */
export const px = (x: number): string => String(Math.round(x * 10) / 10)
