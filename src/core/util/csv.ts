/** One CSV field as RFC 4180 writes it: quoted (quotes doubled) when it holds a comma, quote or line break. */
export function csvField(value: string | number): string {
  const s = String(value)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}
