import type {CatalogReport} from '../../core/catalog/catalog.js'
import {int, keyValues} from './format.js'

const DROP_LABEL: Record<keyof CatalogReport['dropped'], string> = {
  malformedQuote: 'stray or unclosed quote',
  wrongFieldCount: 'wrong field count',
  nullProductId: 'empty product id',
  noAttributes: 'no name, category or brand',
  repeatedId: 'repeated id (merged)',
}

export function renderCatalog(r: CatalogReport): string {
  const c = r.columns
  const rows: Array<[string, string]> = [
    ['rows read', int(r.rowsRead)],
    ['products written', int(r.upserted)],
    ['  with interactions in the data', int(r.inData)],
    ['  without (new products)', int(r.withoutHistory)],
    ['rows dropped', int(r.droppedTotal)],
  ]
  // Each reason on its own line; repeated ids are merged into one product, not dropped.
  for (const [k, n] of Object.entries(r.dropped) as Array<[keyof CatalogReport['dropped'], number]>) {
    if (n > 0 && k !== 'repeatedId') rows.push([`  ${DROP_LABEL[k]}`, int(n)])
  }
  if (r.dropped.repeatedId > 0) rows.push(['rows merged into an earlier row of the same id', int(r.dropped.repeatedId)])
  rows.push(['catalog size', int(r.catalogSize)])
  const next = r.withoutHistory > 0 ? `\nRun \`recsys train\` to give the ${int(r.withoutHistory)} new products stored audiences (recommend ranks them live meanwhile).` : ''
  return `${keyValues(rows, `Catalog from ${r.source}`)}\ncolumns: product=${c.product}, name=${c.name ?? '(none)'}, category=${c.category ?? '(none)'}, brand=${c.brand ?? '(none)'}${next}`
}
