/** Lines gathered into writes of about a megabyte (one write per line would dominate a 50M-row file). */
export class LineBuffer {
  private text = ''

  constructor(
    private readonly write: (chunk: string) => void,
    first = '',
  ) {
    this.text = first
  }

  push(line: string): void {
    this.text += line
    if (this.text.length > 1 << 20) {
      this.write(this.text)
      this.text = ''
    }
  }

  end(): void {
    if (this.text.length > 0) this.write(this.text)
    this.text = ''
  }
}

/**
 * "YYYY-MM-DD HH:MM:SS" for a second offset from `startSec` (UTC), with each day's date made once:
 * a Date per row costs more than the rest of a generated row.
 */
export function secondsClock(startSec: number): (sec: number) => string {
  const dayText: string[] = []
  const two = (n: number): string => (n < 10 ? `0${n}` : String(n))
  return (sec) => {
    const day = Math.floor(sec / 86_400)
    if (dayText[day] === undefined) dayText[day] = new Date((startSec + day * 86_400) * 1000).toISOString().slice(0, 10)
    const inDay = sec - day * 86_400
    return `${dayText[day]} ${two(Math.floor(inDay / 3600))}:${two(Math.floor((inDay % 3600) / 60))}:${two(inDay % 60)}`
  }
}
