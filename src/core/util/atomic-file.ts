import {closeSync, openSync, renameSync, rmSync, writeSync} from 'node:fs'

import {RecsysError} from '../errors.js'

/**
 * Writes a file through `fill(write)`: into a temporary file beside it, renamed into place at the
 * end, so a reader never sees half a file and a failure (or Ctrl-C) leaves nothing behind.
 */
export function writeFileAtomically<R>(path: string, fill: (write: (chunk: string) => void) => R): R {
  const tmp = `${path}.tmp-${process.pid}`
  let fd: number
  try {
    fd = openSync(tmp, 'w')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOSPC') throw new RecsysError('DISK_FULL', `no space left to write ${path}`, 'Free disk space and run the command again.')
    throw new RecsysError('USAGE', `cannot write ${path}: ${(error as Error).message}`, 'Check that the folder exists and is writable.')
  }
  let buffer = ''
  const write = (chunk: string): void => {
    buffer += chunk
    if (buffer.length >= 1 << 20) {
      writeSync(fd, buffer)
      buffer = ''
    }
  }
  try {
    const result = fill(write)
    if (buffer.length > 0) writeSync(fd, buffer)
    closeSync(fd)
    renameSync(tmp, path)
    return result
  } catch (error) {
    closeSync(fd)
    rmSync(tmp, {force: true})
    if ((error as NodeJS.ErrnoException).code === 'ENOSPC') throw new RecsysError('DISK_FULL', `no space left to write ${path}`, 'Free disk space and run the command again; nothing was written.')
    throw error
  }
}
