/**
 * Timestamp parsing for interaction logs. Accepted, always resolved to epoch milliseconds (UTC):
 * - ISO 8601 dates and date-times, `T` or space separated, with or without seconds and fraction,
 *   with `Z`, `±HH:MM`, `±HHMM`, `±HH`, ` UTC` / ` GMT` or no zone (UTC assumed); `/` as date separator;
 * - epoch numbers, unit detected from magnitude: seconds (< 1e11), milliseconds (< 1e14),
 *   microseconds (< 1e17), nanoseconds.
 * Anything else, or a date outside [1980, 2100), is NaN: a timestamp we cannot trust is dropped.
 */
export const MIN_PLAUSIBLE_MS = Date.UTC(1980, 0, 1)
export const MAX_PLAUSIBLE_MS = Date.UTC(2100, 0, 1)

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

function digits(s: string, from: number, count: number): number {
  let v = 0
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i) - 48
    if (c < 0 || c > 9) return -1
    v = v * 10 + c
  }
  return v
}

function parseEpoch(s: string): number {
  const v = Number(s)
  if (!Number.isFinite(v) || v < 0) return Number.NaN
  if (v < 1e11) return v * 1000
  if (v < 1e14) return v
  if (v < 1e17) return v / 1000
  return v / 1e6
}

function isEpochText(s: string): boolean {
  let dots = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 46) {
      if (++dots > 1) return false
    } else if (c < 48 || c > 57) return false
  }
  return s.length > 0 && dots <= 1 && s.charCodeAt(0) !== 46
}

/** Zone suffix at s[i..] to an offset in minutes east of UTC, or NaN when it is not a zone. */
function parseZone(s: string, i: number): number {
  while (i < s.length && s.charCodeAt(i) === 32) i++
  if (i === s.length) return 0
  const rest = s.length - i
  const c = s.charCodeAt(i)
  if ((c === 90 || c === 122) && rest === 1) return 0 // Z
  if (c === 43 || c === 45) {
    const sign = c === 45 ? -1 : 1
    let hh = -1
    let mm = 0
    if (rest === 3) hh = digits(s, i + 1, 2)
    else if (rest === 5) {
      hh = digits(s, i + 1, 2)
      mm = digits(s, i + 3, 2)
    } else if (rest === 6 && s.charCodeAt(i + 3) === 58) {
      hh = digits(s, i + 1, 2)
      mm = digits(s, i + 4, 2)
    }
    if (hh < 0 || mm < 0 || hh > 23 || mm > 59) return Number.NaN
    return sign * (hh * 60 + mm)
  }
  const word = s.slice(i).toUpperCase()
  if (word === 'UTC' || word === 'GMT') return 0
  if (word.startsWith('UTC') || word.startsWith('GMT')) return parseZone(s, i + 3)
  return Number.NaN
}

function parseIso(s: string): number {
  if (s.length < 10) return Number.NaN
  const year = digits(s, 0, 4)
  const sep = s.charCodeAt(4)
  if (year < 0 || (sep !== 45 && sep !== 47) || s.charCodeAt(7) !== sep) return Number.NaN
  const month = digits(s, 5, 2)
  const day = digits(s, 8, 2)
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]) return Number.NaN
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return Number.NaN
  let hour = 0
  let minute = 0
  let second = 0
  let ms = 0
  let i = 10
  const t = s.charCodeAt(10)
  if (i < s.length && (t === 84 || t === 116 || t === 32) && s.length >= 16 && s.charCodeAt(13) === 58) {
    hour = digits(s, 11, 2)
    minute = digits(s, 14, 2)
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return Number.NaN
    i = 16
    if (s.charCodeAt(16) === 58) {
      second = digits(s, 17, 2)
      if (second < 0 || second > 60) return Number.NaN
      i = 19
      if (s.charCodeAt(19) === 46 || s.charCodeAt(19) === 44) {
        let j = 20
        let scale = 100
        while (j < s.length) {
          const c = s.charCodeAt(j) - 48
          if (c < 0 || c > 9) break
          ms += c * scale
          scale /= 10
          j++
        }
        if (j === 20) return Number.NaN
        i = j
      }
    }
  }
  const offset = parseZone(s, i)
  if (Number.isNaN(offset)) return Number.NaN
  return Date.UTC(year, month - 1, day, hour, minute, second) + Math.floor(ms) - offset * 60_000
}

/** Epoch milliseconds (UTC) of a raw timestamp field, or NaN when it cannot be trusted. */
export function parseTimestampMs(raw: string): number {
  const s = raw.trim()
  if (s.length === 0) return Number.NaN
  const value = isEpochText(s) ? parseEpoch(s) : parseIso(s)
  if (!(value >= MIN_PLAUSIBLE_MS && value < MAX_PLAUSIBLE_MS)) return Number.NaN
  return Math.floor(value)
}

/** The UTC day index (days since 1970-01-01) of an epoch-ms timestamp. */
export function utcDay(ms: number): number {
  return Math.floor(ms / 86_400_000)
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

export function isoDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z')
}
