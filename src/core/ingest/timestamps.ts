/**
 * Timestamp parsing for interaction logs. Accepted, always resolved to epoch milliseconds (UTC):
 * - ISO 8601 dates and date-times, `T` or space separated, with or without seconds and fraction,
 *   with `Z`, `±HH:MM`, `±HHMM`, `±HH`, ` UTC` / ` GMT` or no zone (UTC assumed); `/` as date separator;
 * - epoch numbers, unit detected from magnitude: seconds (< 1e11), milliseconds (< 1e14),
 *   microseconds (< 1e17), nanoseconds;
 * - slash dates as spreadsheets write them: M/D/YYYY (or D/M/YYYY with `dayFirst`) with an optional
 *   H:MM[:SS] and AM/PM, e.g. "12/1/2010 8:26"; dotted dates DD.MM.YYYY are always day first.
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

/** Reads up to `max` digits from s[i..]; returns [value, next index] or [-1, i] when none. */
function number(s: string, i: number, max: number): [number, number] {
  let v = 0
  let j = i
  while (j < s.length && j - i < max) {
    const c = s.charCodeAt(j) - 48
    if (c < 0 || c > 9) break
    v = v * 10 + c
    j++
  }
  return j === i ? [-1, i] : [v, j]
}

function parseSlashDate(s: string, dayFirst: boolean): number {
  const [a, i1] = number(s, 0, 2)
  const sep = s.charCodeAt(i1)
  if (a < 0 || (sep !== 47 && sep !== 46)) return Number.NaN
  const [b, i2] = number(s, i1 + 1, 2)
  if (b < 0 || s.charCodeAt(i2) !== sep) return Number.NaN
  const [year, i3] = number(s, i2 + 1, 4)
  if (i3 - i2 - 1 !== 4) return Number.NaN
  const first = sep === 46 || dayFirst
  const day = first ? a : b
  const month = first ? b : a
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]) return Number.NaN
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return Number.NaN
  let hour = 0
  let minute = 0
  let second = 0
  let i = i3
  while (i < s.length && s.charCodeAt(i) === 32) i++
  if (i < s.length) {
    const [h, j1] = number(s, i, 2)
    if (h < 0 || s.charCodeAt(j1) !== 58) return Number.NaN
    const [m, j2] = number(s, j1 + 1, 2)
    if (m < 0 || j2 - j1 - 1 !== 2) return Number.NaN
    let j = j2
    if (s.charCodeAt(j) === 58) {
      const [sec, j3] = number(s, j + 1, 2)
      if (sec < 0 || j3 - j - 1 !== 2) return Number.NaN
      second = sec
      j = j3
    }
    while (j < s.length && s.charCodeAt(j) === 32) j++
    const rest = s.slice(j).toUpperCase()
    hour = h
    if (rest === 'AM' || rest === 'PM') {
      if (h < 1 || h > 12) return Number.NaN
      hour = (h % 12) + (rest === 'PM' ? 12 : 0)
    } else if (rest !== '' && rest !== 'UTC' && rest !== 'Z') return Number.NaN
    minute = m
    if (hour > 23 || minute > 59 || second > 60) return Number.NaN
  }
  return Date.UTC(year, month - 1, day, hour, minute, second)
}

/**
 * True for a slash date that reads only day first: its first part cannot be a month (13–31) and,
 * read as D/M/YYYY, it is a real date. "31/31/2023" is no date at all, so it is not day-first.
 */
export function looksDayFirst(raw: string): boolean {
  const s = raw.trim()
  const slash = s.indexOf('/')
  if (slash < 1 || slash > 2) return false
  const a = Number(s.slice(0, slash))
  return a > 12 && a <= 31 && !Number.isNaN(parseTimestampMs(s, true))
}

/** Epoch milliseconds (UTC) of a raw timestamp field, or NaN when it cannot be trusted. */
export function parseTimestampMs(raw: string, dayFirst = false): number {
  const s = raw.trim()
  if (s.length === 0) return Number.NaN
  const c2 = s.charCodeAt(1)
  const c3 = s.charCodeAt(2)
  const slashLike = c2 === 47 || c3 === 47 || c2 === 46 || c3 === 46
  const value = isEpochText(s) ? parseEpoch(s) : slashLike ? parseSlashDate(s, dayFirst) : parseIso(s)
  if (!(value >= MIN_PLAUSIBLE_MS && value < MAX_PLAUSIBLE_MS)) return Number.NaN
  return Math.floor(value)
}

export const DAY_MS = 86_400_000

/** The UTC day index (days since 1970-01-01) of an epoch-ms timestamp. */
export function utcDay(ms: number): number {
  return Math.floor(ms / DAY_MS)
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

export function isoDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z')
}
