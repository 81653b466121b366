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
