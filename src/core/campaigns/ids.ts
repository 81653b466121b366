import Papa from 'papaparse'

import {excerpt, RecsysError} from '../errors.js'
import {canonicalInteger} from '../ingest/ids.js'

/** A header cell as compared with the names below: "Product ID", "product_id" and "productId" alike. */
const squash = (t: string): string => t.toLowerCase().replace(/[^a-z0-9]/g, '')

const COLUMNS = {
  customer: ['customer_id', 'user_id', 'customer', 'user', 'client_id', 'id'],
  product: ['product_id', 'item_id', 'sku', 'product', 'item', 'id'],
}
const SQUASHED = {customer: COLUMNS.customer.map(squash), product: COLUMNS.product.map(squash)}

/**
 * A list of ids as people keep them: one per line (quoted or not), or a CSV export whose header
 * names the id column (customer_id, user_id, … or product_id, sku, …). A single-column file takes
 * each whole line as an id, commas included. Ids written as floats (`42.0`, as pandas writes
 * integer columns with gaps) are read as the integer, as prepare reads them. Binary content is
 * refused rather than read as ids.
 */
export function readIdList(text: string, source: string, kind: 'customer' | 'product'): string[] {
  const body = text.replace(/^\uFEFF/, '')
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000E-\u001F]/.test(body.slice(0, 65_536))) {
    throw new RecsysError('NOT_CSV', `${source} looks binary, not a list of ids`, `Pass a text file with one ${kind} id per line.`)
  }
  const lines = body.split(/\r\n|\n|\r/)
  const first = lines[0] ?? ''
  const delimiter = [',', ';', '\t', '|'].find((d) => first.includes(d))
  let ids: string[]
  const header = delimiter ? (Papa.parse<string[]>(first, {delimiter}).data[0]?.map(squash) ?? []) : []
  const column = SQUASHED[kind].map((name) => header.indexOf(name)).find((i) => i !== -1)
  if (delimiter && column !== undefined) {
    const rows = Papa.parse<string[]>(body, {delimiter, skipEmptyLines: true}).data.slice(1)
    ids = rows.map((r) => r[column] ?? '')
  } else {
    if (delimiter && header.length > 1 && lines.filter((l) => l.trim()).every((l) => l.includes(delimiter!))) {
      throw new RecsysError('USAGE', `${source}: every line has several fields and no header names the ${kind} id column (${excerpt(first, 80)})`, `Give the file a header with a ${COLUMNS[kind][0]} column, or write one id per line.`)
    }
    ids = lines.map((l) => {
      const t = l.trim()
      return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t
    })
    // A header line names the column ("product_id", "Product ID", "productId", "SKU"): skip it.
    if (SQUASHED[kind].includes(squash(ids[0] ?? ''))) ids = ids.slice(1)
  }
  const out = ids.map((id) => id.trim()).map((id) => canonicalInteger(id) ?? id).filter((id) => id.length > 0)
  if (out.length === 0) throw new RecsysError('EMPTY_INPUT', `${source} holds no ids`, `Put one ${kind} id per line.`)
  return out
}
