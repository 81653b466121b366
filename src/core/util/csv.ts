/** One CSV field as RFC 4180 writes it: quoted (quotes doubled) when it holds a comma, quote or line break. */
export function csvField(value: string | number): string {
  const s = String(value)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/**
 * A text cell safe to open in Excel or Sheets: a cell that starts with =, +, -, @, tab or carriage
 * return would be read as a formula (CSV injection, OWASP), so it gets a leading single quote.
 * Numbers recsys writes itself (ranks, scores, counts) are not text cells and stay as they are.
 */
export function safeCsvText(value: string): string {
  const c = value.charCodeAt(0)
  const risky = c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13
  return csvField(risky ? `'${value}` : value)
}
