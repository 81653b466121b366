/**
 * The one error type the domain throws. The CLI maps it to
 * "Error: <message>\nTry this: <hint>" (or a JSON error body) and to `exitCode`.
 */
export type ErrorCode =
  | 'UNEXPECTED'
  | 'USAGE'
  | 'FILE_NOT_FOUND'
  | 'EMPTY_INPUT'
  | 'MISSING_COLUMN'
  | 'BAD_ROW'
  | 'BAD_DATA'
  | 'NO_DATA'
  | 'INTERRUPTED'
  | 'MISSING_STAGE'
  | 'STALE_STAGE'
  | 'STORE_VERSION'

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
  MISSING_COLUMN: ExitCode.badData,
  BAD_ROW: ExitCode.badData,
  BAD_DATA: ExitCode.badData,
  NO_DATA: ExitCode.badData,
  INTERRUPTED: 130,
  MISSING_STAGE: ExitCode.missingStage,
  STALE_STAGE: ExitCode.missingStage,
  STORE_VERSION: ExitCode.missingStage,
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
