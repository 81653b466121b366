import type {Ora} from 'ora'

import {spinnerWanted} from './render/style.js'

/**
 * Progress on stderr: an ora spinner for a person at a terminal; otherwise plain lines, at most
 * one every two seconds plus one per phase (a log someone tails); nothing at all under --json or
 * in CI, where progress lines only clutter the log.
 */
export class Progress {
  private spinner?: Ora
  private lastPlainMs = 0
  private lastPhase = ''

  private constructor(private readonly json: boolean) {}

  /** ora is loaded only when a spinner will show: importing it costs ~70 ms of every start-up. */
  static async create(json: boolean): Promise<Progress> {
    const progress = new Progress(json)
    if (spinnerWanted(json)) {
      const {default: ora} = await import('ora')
      progress.spinner = ora({stream: process.stderr}).start()
    }
    return progress
  }

  update(phase: string, text: string): void {
    if (this.json || (!this.spinner && process.env.CI)) return
    if (this.spinner) {
      this.spinner.text = text
      return
    }
    const now = Date.now()
    if (phase !== this.lastPhase || now - this.lastPlainMs >= 2000) {
      process.stderr.write(`${text}\n`)
      this.lastPlainMs = now
      this.lastPhase = phase
    }
  }

  done(text?: string): void {
    if (this.spinner) {
      if (text) this.spinner.succeed(text)
      else this.spinner.stop()
      this.spinner = undefined
    } else if (text && !this.json && !process.env.CI) process.stderr.write(`${text}\n`)
  }

  fail(): void {
    this.spinner?.stop()
    this.spinner = undefined
  }
}
