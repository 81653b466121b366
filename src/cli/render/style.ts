import {Chalk} from 'chalk'

/** Colour only for a person at a terminal: not with NO_COLOR, not when stdout is piped, not under CI. */
export function colourWanted(stream: NodeJS.WriteStream = process.stdout): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true
  return Boolean(stream.isTTY) && !process.env.CI && process.env.TERM !== 'dumb'
}

export const paint = new Chalk({level: colourWanted() ? 1 : 0})

/** Spinners only for a person watching: a TTY on stderr, no CI, no NO_COLOR, not under --json. */
export function spinnerWanted(json: boolean, stderr: {isTTY?: boolean; columns?: number} = process.stderr): boolean {
  // A terminal that reports no width (a pty opened without a size, as some CI runners and
  // `docker -t` give) gets plain lines: ora would redraw forever, clearing Infinity lines.
  return !json && Boolean(stderr.isTTY) && (stderr.columns ?? 0) > 0 && !process.env.CI && !(process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '')
}
