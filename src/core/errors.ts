/**
 * The one error type the domain throws. The CLI maps it to
 * "Error: <message>\nTry this: <hint>" (or a JSON error body) and to `exitCode`.
 */
export type ErrorCode =
  | 'UNEXPECTED'
  | 'USAGE'
  | 'FILE_NOT_FOUND'
  | 'EMPTY_INPUT'
  | 'NOT_CSV'
  | 'MISSING_COLUMN'
  | 'BAD_ROW'
  | 'BAD_DATA'
  | 'NO_DATA'
  | 'INTERRUPTED'
  | 'MISSING_STAGE'
  | 'STALE_STAGE'
  | 'STORE_VERSION'
  | 'STORE_LOCKED'
  | 'STORE_READONLY'
  | 'STORE_CORRUPT'
  | 'DISK_FULL'
  | 'NOT_FOUND'

export const ExitCode = {
  unexpected: 1,
  usage: 2,
  badData: 3,
  missingStage: 4,
} as const

const defaultExit: Record<ErrorCode, number> = {
  UNEXPECTED: ExitCode.unexpected,
  USAGE: ExitCode.usage,
  FILE_NOT_FOUND: ExitCode.usage,
  EMPTY_INPUT: ExitCode.badData,
  NOT_CSV: ExitCode.badData,
  MISSING_COLUMN: ExitCode.badData,
  BAD_ROW: ExitCode.badData,
  BAD_DATA: ExitCode.badData,
  NO_DATA: ExitCode.badData,
  NOT_FOUND: ExitCode.badData,
  INTERRUPTED: 130,
  MISSING_STAGE: ExitCode.missingStage,
  STALE_STAGE: ExitCode.missingStage,
  STORE_VERSION: ExitCode.missingStage,
  // The store cannot be used as it is: another writer, permissions, damage or no room. Not a bug.
  STORE_LOCKED: ExitCode.missingStage,
  STORE_READONLY: ExitCode.missingStage,
  STORE_CORRUPT: ExitCode.missingStage,
  DISK_FULL: ExitCode.missingStage,
}

export class RecsysError extends Error {
  readonly code: ErrorCode
  readonly hint: string
  readonly exitCode: number

  constructor(code: ErrorCode, message: string, hint = '', exitCode?: number) {
    super(message)
    this.name = 'RecsysError'
    this.code = code
    this.hint = hint
    this.exitCode = exitCode ?? defaultExit[code]
  }
}

export function isRecsysError(error: unknown): error is RecsysError {
  return error instanceof RecsysError
}

/** The most characters of any input (a field, a header, an id) an error message repeats. */
export const MAX_EXCERPT = 200

/**
 * Input text as an error message may show it: control characters escaped (\n, \t, \x1b, …), so a
 * binary file cannot drive the terminal, and at most `max` characters, the cut marked with "…".
 */
export function excerpt(text: string, max = MAX_EXCERPT): string {
  const clipped = text.length > max ? text.slice(0, max) : text
  // eslint-disable-next-line no-control-regex
  const escaped = clipped.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === '\n') return '\\n'
    if (c === '\r') return '\\r'
    if (c === '\t') return '\\t'
    const code = c.charCodeAt(0)
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
  })
  return text.length > max ? `${escaped}…` : escaped
}
