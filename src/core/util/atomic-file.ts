import {closeSync, openSync, renameSync, rmSync, statSync} from 'node:fs'

import {RecsysError} from '../errors.js'
import {writeAllSync} from './write-all.js'

function writeError(path: string, error: unknown): RecsysError {
  const e = error as NodeJS.ErrnoException
  if (e.code === 'ENOSPC') return new RecsysError('DISK_FULL', `no space left to write ${path}`, 'Free disk space and run the command again; nothing was written.')
  if (e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS') return new RecsysError('STORE_READONLY', `cannot write ${path}: permission denied (${e.code})`, 'Write somewhere you may write, or fix the permissions.')
  if (e.code === 'ENOENT') return new RecsysError('USAGE', `cannot write ${path}: its folder does not exist`, 'Create the folder, or pass another --out.')
  if (e.code === 'EISDIR') return new RecsysError('USAGE', `cannot write ${path}: it is a folder`, 'Pass a file name, e.g. --out audience.csv.')
  return new RecsysError('USAGE', `cannot write ${path}: ${e.message}`, 'Check that the folder exists and is writable.')
}

/**
 * Writes a file through `fill(write)`: into a temporary file beside it, renamed into place at the
 * end, so a reader never sees half a file and a failure (or Ctrl-C) leaves nothing behind.
 * A special file (/dev/stdout, a FIFO, a terminal) is written straight through instead: renaming
 * over it would replace the device with a regular file.
 */
export function writeFileAtomically<R>(path: string, fill: (write: (chunk: string) => void) => R): R {
  if (path.trim() === '') throw new RecsysError('USAGE', 'the output file name is empty', 'Pass a file name, e.g. --out audience.csv.')
  let existing: ReturnType<typeof statSync> | undefined
  try {
    existing = statSync(path)
  } catch {
    // a new file
  }
  if (existing?.isDirectory()) throw new RecsysError('USAGE', `cannot write ${path}: it is a folder`, 'Pass a file name, e.g. --out audience.csv.')
  const direct = existing !== undefined && !existing.isFile()
  const tmp = direct ? path : `${path}.tmp-${process.pid}`
  let fd: number
  try {
    fd = openSync(tmp, 'w')
  } catch (error) {
    throw writeError(path, error)
  }
  let buffer = ''
  const write = (chunk: string): void => {
    buffer += chunk
    if (buffer.length >= 1 << 20) {
      writeAllSync(fd, buffer)
      buffer = ''
    }
  }
  let open = true
  try {
    const result = fill(write)
    if (buffer.length > 0) writeAllSync(fd, buffer)
    open = false
    closeSync(fd)
    if (!direct) renameSync(tmp, path)
    return result
  } catch (error) {
    if (open) closeSync(fd)
    if (!direct) rmSync(tmp, {force: true})
    if (error instanceof RecsysError) throw error
    const code = (error as NodeJS.ErrnoException).code
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) throw writeError(path, error)
    throw error
  }
}
