import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {renderCatalog} from '../cli/render/catalog.js'
import {type CatalogReport, DEFAULT_CATALOG_COLUMNS, importCatalog} from '../core/catalog/catalog.js'
import {RecsysError} from '../core/errors.js'

export default class Catalog extends BaseCommand<typeof Catalog> {
  static override summary = 'Store product attributes (name, category, brand), including products nobody has touched yet.'
  static override description =
    'Upserts by product id into the store’s catalog, which survives a new prepare. `train` ranks products without history by these attributes (content), so a launch list gets real audiences instead of the global list; `recommend` does the same live for products added after train.'

  static override examples = [
    {description: 'A launch list', command: '<%= config.bin %> <%= command.id %> launches.csv --product-col sku --name-col title --category-col category'},
    {description: 'Categories and brands of the REES46 log', command: '<%= config.bin %> <%= command.id %> products.csv --category-col category_code --brand-col brand'},
  ]

  static override args = {
    file: Args.string({description: 'CSV file with one row per product, or - for stdin.', required: true}),
  }

  static override flags = {
    'product-col': Flags.string({description: `Column holding the product id (default ${DEFAULT_CATALOG_COLUMNS.product}).`}),
    'name-col': Flags.string({description: `Column holding the product name (default ${DEFAULT_CATALOG_COLUMNS.name}).`}),
    'category-col': Flags.string({description: `Column holding the category (default ${DEFAULT_CATALOG_COLUMNS.category}).`}),
    'brand-col': Flags.string({description: `Column holding the brand (default ${DEFAULT_CATALOG_COLUMNS.brand}).`}),
    delimiter: Flags.string({description: 'Field delimiter (detected when not given).'}),
  }

  public async run(): Promise<CatalogReport> {
    const {flags} = this
    const file = this.args.file
    if (file === '-' && process.stdin.isTTY) throw new RecsysError('USAGE', 'FILE is - but nothing is piped into stdin', 'Pipe a CSV in, or pass a file path.')
    const report = await this.withStore('create', (db) =>
      importCatalog(db, {
        source: file === '-' ? {kind: 'stdin'} : {kind: 'file', path: file},
        columns: {product: flags['product-col'], name: flags['name-col'], category: flags['category-col'], brand: flags['brand-col']},
        delimiter: flags.delimiter,
      }),
    )
    this.say(renderCatalog(report))
    return report
  }
}
