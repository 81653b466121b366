import {accessSync, constants, existsSync, statSync} from 'node:fs'
import {dirname, resolve} from 'node:path'

import Database from 'better-sqlite3'

import {RecsysError} from '../errors.js'
import {storeFailure} from './failures.js'
import {MIGRATIONS, SCHEMA_VERSION} from './schema.js'

export type Db = Database.Database

export const DEFAULT_DB_PATH = 'recsys.db'

export interface OpenOptions {
  /** Fail with a "run prepare first" error instead of creating a new store. */
  mustExist?: boolean
  readonly?: boolean
}

function missingStore(path: string): RecsysError {
  return new RecsysError('MISSING_STAGE', `no recsys store at ${path}`, 'Run `recsys prepare FILE` first, or point --db (or RECSYS_DB) at an existing store.')
}

/**
 * Checks, before any work, that a writing command will be able to write: the store (or, for a new
 * one, its folder) is writable and no other writer holds it. Reading a large input and only then
 * failing would waste the user's time.
 */
export function checkWritable(path: string): void {
  const target = existsSync(path) ? path : dirname(resolve(path))
  if (!existsSync(target)) {
    throw new RecsysError('STORE_READONLY', `cannot create the store ${path}: the folder ${target} does not exist`, 'Create the folder first, or point --db at an existing one.')
  }
  try {
    accessSync(target, constants.W_OK)
    // SQLite writes its journal beside the store, so the folder must be writable too.
    if (target === path) accessSync(dirname(resolve(path)), constants.W_OK)
  } catch (error) {
    throw storeFailure(error, path) ?? error
  }
}

export function openStore(path: string, options: OpenOptions = {}): Db {
  if ((options.mustExist || options.readonly) && (path === '' || !existsSync(path))) throw missingStore(path)
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new RecsysError('USAGE', `--db ${path} is a folder, not a store file`, 'Point --db at a file, e.g. --db recsys.db.')
  }
  let db: Db
  try {
    db = new Database(path, {readonly: options.readonly ?? false, fileMustExist: options.mustExist ?? false})
  } catch (error) {
    throw storeFailure(error, path) ?? new RecsysError('STORE_READONLY', `cannot open the store ${path}`, 'Check the --db path and its permissions.')
  }
  try {
    if (!options.readonly) {
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = NORMAL')
    }
    db.pragma('temp_store = MEMORY')
    db.pragma('cache_size = -65536')
    db.pragma('busy_timeout = 5000')
    const version = db.pragma('user_version', {simple: true}) as number
    if (version > SCHEMA_VERSION) {
      throw new RecsysError('STORE_VERSION', `${path} was written by a newer recsys (schema ${version}, this one knows ${SCHEMA_VERSION})`, 'Upgrade recsys, or use another --db.')
    }
    if (version < SCHEMA_VERSION) {
      if (options.readonly) {
        if (version === 0 && isEmptyDatabase(db)) throw missingStore(path)
        throw new RecsysError('STORE_VERSION', `${path} has an older schema (${version}) and is opened read-only`, 'Run any writing command (e.g. `recsys prepare`) to migrate it.')
      }
      migrate(db, version)
    }
  } catch (error) {
    db.close()
    if (error instanceof RecsysError) throw error
    const failure = storeFailure(error, path)
    if (failure?.code === 'STORE_READONLY' && options.readonly) {
      throw new RecsysError(
        'STORE_READONLY',
        `cannot read the store ${path}: it was left in write-ahead-log mode and its folder is read-only`,
        'Run any recsys command that writes (e.g. `recsys train`) once where the folder is writable and no server holds the store; it then leaves a self-contained file.',
      )
    }
    throw failure ?? new RecsysError('STORE_CORRUPT', `${path} is not a recsys store: ${(error as Error).message}`, 'Point --db at a store made by `recsys prepare`, or at a new path.')
  }
  return db
}

function isEmptyDatabase(db: Db): boolean {
  return (db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'").pluck().get() as number) === 0
}

/**
 * Closes a store a command wrote to. When no other connection has it open, the log is folded into
 * the file and the store goes back to a rollback journal (leaveWal), so the file at rest is
 * self-contained: it can be copied, or served from a read-only folder. With a server reading it,
 * it stays in WAL mode (the switch needs the store to itself) and that is fine too.
 */
export function closeStore(db: Db): void {
  if (db.open && !db.readonly && !db.inTransaction) leaveWal(db)
  if (db.open) db.close()
}

/**
 * Takes the store out of WAL mode if no other connection has it open: the log is folded into the
 * file. Returns whether it did. Only for a store at rest: a write in rollback-journal mode that is
 * killed leaves a journal a read-only connection cannot roll back.
 */
export function leaveWal(db: Db): boolean {
  const timeout = db.pragma('busy_timeout', {simple: true}) as number
  try {
    db.pragma('busy_timeout = 0')
    db.pragma('wal_checkpoint(TRUNCATE)')
    return db.pragma('journal_mode = DELETE', {simple: true}) === 'delete'
  } catch {
    // another connection holds the store: it stays in WAL mode
    return false
  } finally {
    db.pragma(`busy_timeout = ${timeout}`)
  }
}

/**
 * Takes and releases the write lock, so a writing command learns at its start, not after reading
 * its whole input, that another writer holds the store.
 */
export function checkNotLocked(db: Db, path: string): void {
  try {
    db.exec('BEGIN IMMEDIATE')
    db.exec('ROLLBACK')
  } catch (error) {
    throw storeFailure(error, path) ?? error
  }
}

function migrate(db: Db, from: number): void {
  for (let v = from; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v])
      db.pragma(`user_version = ${v + 1}`)
    })()
  }
}

/** Runs `fn` with these pragmas set, and sets them back as they were afterwards, even if it throws. */
export function withPragmas<T>(db: Db, settings: Record<string, number | string>, fn: () => T): T {
  const before = Object.keys(settings).map((name) => [name, db.pragma(name, {simple: true})] as const)
  for (const [name, value] of Object.entries(settings)) db.pragma(`${name} = ${value}`)
  try {
    return fn()
  } finally {
    for (const [name, value] of before) db.pragma(`${name} = ${String(value)}`)
  }
}
