import {readFileSync, writeFileSync} from 'node:fs'
import {createInterface} from 'node:readline/promises'

import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {audienceCsv, audienceJson, renderAudience} from '../cli/render/audience.js'
import {AudienceLookup, type AudienceResult} from '../core/audience/lookup.js'
import {RecsysError} from '../core/errors.js'
import {openStore} from '../core/store/open.js'

type Format = 'table' | 'csv' | 'json'

export default class Recommend extends BaseCommand<typeof Recommend> {
  static override summary = 'Show or export the audience (users to target) for one or more products.'
  static override description =
    'Reads what `recsys train` precomputed: one indexed lookup per product. A larger -n than was precomputed is ranked on demand, still excluding users who interacted with the product. An unknown product gets the cold-start audience with a note (exit 3 with --strict). With no id on a terminal, it asks for one.'

  static override strict = false

  static override examples = [
    {description: 'The top 10 for one product', command: '<%= config.bin %> <%= command.id %> 103483'},
    {description: 'A CSV for a marketer', command: '<%= config.bin %> <%= command.id %> 103483 -n 500 --out audience.csv'},
    {description: 'A batch export from a list of ids', command: '<%= config.bin %> <%= command.id %> --products ids.txt --format csv > audiences.csv'},
    {description: 'JSON for a program', command: '<%= config.bin %> <%= command.id %> 103483 102348 --format json'},
  ]

  static override args = {
    productId: Args.string({description: 'Product id(s); several ids give a batch with a product_id column.', required: false}),
  }

  static override flags = {
    n: Flags.integer({char: 'n', description: 'Users per audience.', default: 10, min: 1, max: 1_000_000}),
    format: Flags.string({description: 'Output format (default: table, or csv for an --out file ending in .csv, json for .json).', options: ['table', 'csv', 'json']}),
    out: Flags.string({char: 'o', description: 'Write to this file instead of stdout.'}),
    products: Flags.string({description: 'File with one product id per line (a batch export).'}),
    strict: Flags.boolean({description: 'Exit non-zero (3) for a product that is not in the data instead of showing the cold-start audience.', default: false}),
  }

  public async run(): Promise<unknown> {
    const {flags} = this
    const ids = [...this.positional]
    if (flags.products) ids.push(...readIdFile(flags.products))
    const db = openStore(flags.db, {mustExist: true, readonly: true})
    try {
      // Many ids (a batch export): load every audience once rather than one read per id.
      const lookup = new AudienceLookup(db, {preload: ids.length >= 200})
      if (ids.length === 0) return await this.interactive(lookup)
      const results = ids.map((id) => lookup.lookup(id, flags.n))
      if (flags.strict) {
        const unknown = results.find((r) => r.coldStart)
        if (unknown) throw new RecsysError('BAD_DATA', `product ${unknown.productId} is not in the data`, 'Check the id, or drop --strict to get the cold-start audience.')
      }
      this.emit(results)
      return audienceJson(results)
    } finally {
      db.close()
    }
  }

  private format(): Format {
    const {format, out} = this.flags
    if (format) return format as Format
    if (out?.toLowerCase().endsWith('.csv')) return 'csv'
    if (out?.toLowerCase().endsWith('.json')) return 'json'
    return 'table'
  }

  private emit(results: AudienceResult[]): void {
    if (this.jsonEnabled()) return
    const format = this.format()
    const text =
      format === 'csv' ? audienceCsv(results) : format === 'json' ? `${JSON.stringify(audienceJson(results), null, 2)}\n` : `${results.map(renderAudience).join('\n\n')}\n`
    for (const r of results) if (r.coldStart && format !== 'table') process.stderr.write(`Note: ${r.note}\n`)
    if (this.flags.out) {
      writeFileSync(this.flags.out, text)
      process.stderr.write(`wrote ${results.reduce((a, r) => a + r.members.length, 0)} rows to ${this.flags.out}\n`)
    } else process.stdout.write(text)
  }

  /** On a terminal with no id: ask for one, show the audience, offer to save it as CSV. */
  private async interactive(lookup: AudienceLookup): Promise<unknown> {
    if (!process.stdin.isTTY || !process.stdout.isTTY || process.env.CI || this.jsonEnabled()) {
      throw new RecsysError('USAGE', 'no product id given', 'Pass one: `recsys recommend PRODUCT_ID` (or --products FILE for a batch).')
    }
    const rl = createInterface({input: process.stdin, output: process.stdout})
    try {
      const samples = lookup.sampleProductIds(5)
      const id = (await rl.question(`Product id (e.g. ${samples.join(', ')}): `)).trim()
      if (!id) throw new RecsysError('USAGE', 'no product id given', 'Type a product id at the prompt, or pass one as an argument.')
      const result = lookup.lookup(id, this.flags.n)
      this.log(renderAudience(result))
      const answer = (await rl.question('Save as CSV? Type a file name (or press Enter to skip): ')).trim()
      if (answer) {
        writeFileSync(answer, audienceCsv([result]))
        this.log(`saved ${result.members.length} rows to ${answer}`)
      }
      return audienceJson([result])
    } finally {
      rl.close()
    }
  }
}

function readIdFile(path: string): string[] {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    throw new RecsysError('FILE_NOT_FOUND', `cannot read --products file ${path}`, 'Pass a text file with one product id per line.')
  }
  const ids = text
    .split(/\r?\n/)
    .map((s) => s.replace(/^\uFEFF/, '').trim())
    .filter((s) => s.length > 0 && s.toLowerCase() !== 'product_id')
  if (ids.length === 0) throw new RecsysError('EMPTY_INPUT', `--products file ${path} holds no ids`, 'Put one product id per line.')
  return ids
}
