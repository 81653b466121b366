import {existsSync} from 'node:fs'

import Database from 'better-sqlite3'

import {RecsysError} from '../errors.js'
import {MIGRATIONS, SCHEMA_VERSION} from './schema.js'

export type Db = Database.Database

export const DEFAULT_DB_PATH = 'recsys.db'

export interface OpenOptions {
  /** Fail with a "run prepare first" error instead of creating a new store. */
  mustExist?: boolean
  readonly?: boolean
}

export function openStore(path: string, options: OpenOptions = {}): Db {
  if ((options.mustExist || options.readonly) && (path === '' || !existsSync(path))) {
    throw new RecsysError('MISSING_STAGE', `no recsys store at ${path}`, 'Run `recsys prepare FILE` first, or point --db (or RECSYS_DB) at an existing store.')
  }
  let db: Db
  try {
    db = new Database(path, {readonly: options.readonly ?? false, fileMustExist: options.mustExist ?? false})
  } catch (error) {
    throw new RecsysError('BAD_DATA', `cannot open store ${path}: ${(error as Error).message}`, 'Check the --db path and its permissions.')
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
        throw new RecsysError('STORE_VERSION', `${path} has an older schema (${version}) and is opened read-only`, 'Run any writing command (e.g. `recsys prepare`) to migrate it.')
      }
      migrate(db, version)
    }
  } catch (error) {
    db.close()
    if (error instanceof RecsysError) throw error
    throw new RecsysError('BAD_DATA', `${path} is not a recsys store: ${(error as Error).message}`, 'Point --db at a store made by `recsys prepare`, or at a new path.')
  }
  return db
}

function migrate(db: Db, from: number): void {
  for (let v = from; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v])
      db.pragma(`user_version = ${v + 1}`)
    })()
  }
}
