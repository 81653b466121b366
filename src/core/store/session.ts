import {existsSync, rmSync} from 'node:fs'

import {RecsysError} from '../errors.js'
import {storeFailure} from './failures.js'
import {checkNotLocked, checkWritable, closeStore, type Db, openStore} from './open.js'

/**
 * How a command uses the store: `read` opens it read-only; `write` needs an existing store and
 * its write lock; `create` may make a new store (prepare, pipeline, catalog).
 */
export type StoreMode = 'read' | 'write' | 'create'

/**
 * Runs `work` with the store at `path` open and closes it whatever happens. Writing modes check,
 * before any work, that the store can be written and is not locked by another writer. A store that
 * `create` made is removed again when the work fails, so a failed first prepare leaves no empty
 * store behind. SQLite and disk failures come out named (locked, read-only, full, damaged).
 */
export async function useStore<R>(path: string, mode: StoreMode, work: (db: Db) => Promise<R> | R): Promise<R> {
  // SQLite takes an empty name as a temporary database: everything would run and nothing be kept.
  if (path.trim() === '' || path === ':memory:') throw new RecsysError('USAGE', `--db ${path === '' ? 'is empty' : `${path} is not a file`}`, 'Pass a file, e.g. --db recsys.db (or leave --db out for ./recsys.db).')
  const existed = existsSync(path)
  if (mode !== 'read') checkWritable(path)
  let db: Db | undefined
  try {
    db = openStore(path, {readonly: mode === 'read', mustExist: mode === 'write'})
    if (mode !== 'read') checkNotLocked(db, path)
    const result = await work(db)
    if (mode === 'read') db.close()
    else closeStore(db)
    return result
  } catch (error) {
    if (db?.open) db.close()
    if (mode === 'create' && !existed) for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path + suffix, {force: true})
    throw storeFailure(error, path) ?? error
  }
}
