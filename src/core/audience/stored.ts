import type {Db} from '../store/open.js'

/**
 * Every product's stored audience as flat typed arrays: product i (by product key order) is
 * productIds[i], and its audience is users/scores[offsets[i] .. offsets[i+1]). `has[i]` is 0 for a
 * product train did not store (--quick).
 */
export interface StoredAudiences {
  productIds: string[]
  index: Map<string, number>
  keys: Int32Array
  names: Array<string | null>
  has: Uint8Array
  offsets: Int32Array
  users: Int32Array
  scores: Float64Array
}

/** All products (or, with `onlyStored`, those train stored an audience for) in one read. */
export function loadStoredAudiences(db: Db, options: {onlyStored?: boolean} = {}): StoredAudiences {
  const join = options.onlyStored ? 'JOIN' : 'LEFT JOIN'
  const rows = db
    .prepare(`SELECT p.product_id, p.product_key, p.name, a.user_keys, a.scores FROM products p ${join} audiences a ON a.product_key = p.product_key ORDER BY p.product_key`)
    .raw()
    .all() as Array<[string, number, string | null, Buffer | null, Buffer | null]>
  let total = 0
  for (const r of rows) total += r[3] ? r[3].length / 4 : 0
  const productIds: string[] = []
  const index = new Map<string, number>()
  const keys = new Int32Array(rows.length)
  const names: Array<string | null> = []
  const has = new Uint8Array(rows.length)
  const offsets = new Int32Array(rows.length + 1)
  const users = new Int32Array(total)
  const scores = new Float64Array(total)
  // Bulk byte copies of each BLOB into the flat arrays (native little-endian layout).
  const userBytes = new Uint8Array(users.buffer)
  const scoreBytes = new Uint8Array(scores.buffer)
  let w = 0
  rows.forEach(([id, key, name, u, sc], i) => {
    productIds.push(id)
    index.set(id, i)
    keys[i] = key
    names.push(name)
    if (u && sc) {
      has[i] = 1
      userBytes.set(u, w * 4)
      scoreBytes.set(sc, w * 8)
      w += u.length / 4
    }
    offsets[i + 1] = w
  })
  return {productIds, index, keys, names, has, offsets, users, scores}
}
