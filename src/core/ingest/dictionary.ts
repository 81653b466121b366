import {NumberIndex} from '../util/number-index.js'

/**
 * A string ⇄ dense integer dictionary, filled in order of first sight. Plain integer ids
 * ("12345", no sign or leading zero, up to 15 digits) go through a typed-array hash on their
 * value; anything else through a Map. Both share one key space.
 */
export class Dictionary {
  private readonly byNumber = new NumberIndex()
  private readonly byText = new Map<string, number>()
  private readonly raw: Array<string | number> = []

  get size(): number {
    return this.raw.length
  }

  intern(value: string): number {
    const n = plainInteger(value)
    if (n >= 0) return this.internNumber(n)
    let key = this.byText.get(value)
    if (key === undefined) {
      key = this.raw.length
      this.byText.set(value, key)
      this.raw.push(value)
    }
    return key
  }

  /** A plain integer id by value. */
  internNumber(n: number): number {
    const key = this.byNumber.getOrAdd(n, this.raw.length)
    if (key === this.raw.length) this.raw.push(n)
    return key
  }

  text(key: number): string {
    return String(this.raw[key])
  }

  /** The value by key: a number for plain integer ids (canonical by construction), else the text. */
  rawValue(key: number): string | number {
    return this.raw[key]
  }

  /** Every value as text, by key. */
  texts(): string[] {
    return this.raw.map(String)
  }
}

/** The value of a plain integer text (digits only, no leading zero, at most 15 digits), else -1. */
export function plainInteger(s: string): number {
  const len = s.length
  if (len === 0 || len > 15 || (len > 1 && s.charCodeAt(0) === 48)) return -1
  let v = 0
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i) - 48
    if (c < 0 || c > 9) return -1
    v = v * 10 + c
  }
  return v
}
