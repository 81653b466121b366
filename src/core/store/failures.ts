import {RecsysError} from '../errors.js'

/**
 * What went wrong with the store or the disk, named as such: another writer, permissions, damage
 * or no room are conditions of the machine, not bugs. `error` is whatever better-sqlite3 or node:fs
 * threw (SQLite result codes such as SQLITE_BUSY, errno codes such as ENOSPC); undefined when it
 * is none of these.
 */
export function storeFailure(error: unknown, path: string): RecsysError | undefined {
  if (error instanceof RecsysError) return error
  const code = String((error as {code?: unknown})?.code ?? '')
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_IOERR_WRITE' || code === 'SQLITE_IOERR_FSYNC') {
    return new RecsysError('DISK_FULL', `no space left to write the store ${path}`, 'Free disk space (or point --db at a disk with room) and run the command again; the previous data is unchanged.')
  }
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED' || code.startsWith('SQLITE_LOCKED_')) {
    return new RecsysError('STORE_LOCKED', `the store ${path} is locked by another recsys (or SQLite) writer`, 'Wait for the other command to finish, then run this one again.')
  }
  if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY_') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return new RecsysError('STORE_READONLY', `the store ${path} (or its folder) is read-only`, 'Check the permissions of the file and its folder, or point --db at a writable path.')
  }
  if (code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_') || code === 'SQLITE_NOTADB') {
    return new RecsysError('STORE_CORRUPT', `the store ${path} is damaged or is not a recsys store`, 'Prepare again into a new --db path; keep the damaged file for inspection.')
  }
  if (code === 'SQLITE_CANTOPEN') {
    return new RecsysError('STORE_READONLY', `cannot open the store ${path}`, 'Check that its folder exists and is readable (and writable, for commands that write).')
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return new RecsysError('STORE_CORRUPT', `a disk error while using the store ${path} (${code})`, 'Check the disk (dmesg, free space), then run the command again.')
  }
  return undefined
}
