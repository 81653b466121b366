import {suite} from 'uvu'

import {type Db, openStore} from '../../src/core/store/open.js'
import {tempDir} from './tmp.js'

export interface StoreContext {
  tmp: ReturnType<typeof tempDir>
  db: Db
}

/** A uvu suite whose every test gets a fresh temporary folder and an open store in it. */
export function storeSuite(name: string): ReturnType<typeof suite<StoreContext>> {
  const s = suite<StoreContext>(name, {} as never)
  s.before.each((c) => {
    c.tmp = tempDir()
    c.db = openStore(c.tmp.file('s.db'))
  })
  s.after.each((c) => {
    c.db.close()
    c.tmp.cleanup()
  })
  return s
}
