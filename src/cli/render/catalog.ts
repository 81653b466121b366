import type {CatalogReport} from '../../core/catalog/catalog.js'
import {int, keyValues} from './format.js'

export function renderCatalog(r: CatalogReport): string {
  const c = r.columns
  const rows: Array<[string, string]> = [
    ['rows read', int(r.rowsRead)],
    ['products written', int(r.upserted)],
    ['  with interactions in the data', int(r.inData)],
    ['  without (new products)', int(r.withoutHistory)],
    ['dropped', `${int(r.droppedTotal)} (${Object.entries(r.dropped).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${int(n)}`).join(', ') || 'none'})`],
    ['catalog size', int(r.catalogSize)],
  ]
  return `${keyValues(rows, `Catalog from ${r.source}`)}\ncolumns: product=${c.product}, name=${c.name ?? '(none)'}, category=${c.category ?? '(none)'}, brand=${c.brand ?? '(none)'}\nRun \`recsys train\` to give the new products audiences (recommend ranks them live meanwhile).`
}
