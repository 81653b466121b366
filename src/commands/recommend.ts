import {readFileSync} from 'node:fs'
import {createInterface} from 'node:readline/promises'

import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {type AnswerStream, MAX_TABLE_ROWS, renderAudience, writeAudienceCsv, writeAudienceJson} from '../cli/render/audience.js'
import {type AudienceAnswer, AudienceService, DEFAULT_LOOKUP_MAX_N, type RankedAnswer} from '../core/audience/answer.js'
import {excerpt, RecsysError} from '../core/errors.js'
import {useStore} from '../core/store/session.js'
import {writeFileAtomically} from '../core/util/atomic-file.js'

type Format = 'table' | 'csv' | 'json'

/** Members an export may hold before the memory it needs is too much to promise (about 40 bytes each in flight). */
const MAX_MEMBERS = 50_000_000

export default class Recommend extends BaseCommand<typeof Recommend> {
  static override summary = 'Show or export the audience (users to target) for one or more products.'
  static override description =
    'Reads what `recsys train` stored: one indexed lookup per product, ranked by the shipped ranking and never including users who already interacted with the product. A product with no history gets a content audience (by name, category, brand); an unknown product the cold-start audience, with a note (exit 3 with --strict). CSV cells that a spreadsheet would run as formulas are neutralised. With no id on a terminal, it asks for one.'

  static override strict = false

  static override examples = [
    {description: 'The top 10 for one product', command: '<%= config.bin %> <%= command.id %> 103483'},
    {description: 'A CSV for a marketer', command: '<%= config.bin %> <%= command.id %> 103483 -n 100 --out audience.csv'},
    {description: 'A batch export from a list of ids', command: '<%= config.bin %> <%= command.id %> --products ids.txt --format csv > audiences.csv'},
    {description: 'A product not launched yet, by its attributes', command: '<%= config.bin %> <%= command.id %> NEW-SKU-1 --name "Kato Eco Bluetooth Speaker" --category audio --brand Kato'},
    {description: 'JSON for a program', command: '<%= config.bin %> <%= command.id %> 103483 102348 --format json'},
  ]

  static override args = {
    productId: Args.string({description: 'Product id(s); several ids give a batch with a product_id column.', required: false}),
  }

  static override flags = {
    n: Flags.integer({char: 'n', description: `Users per audience (1 to --max-n, ${DEFAULT_LOOKUP_MAX_N} by default).`, default: 10, min: 1}),
    'max-n': Flags.integer({description: 'Raise the largest n allowed.', default: DEFAULT_LOOKUP_MAX_N, min: 1}),
    format: Flags.string({description: 'Output format (default: table, or csv for an --out file ending in .csv, json for .json).', options: ['table', 'csv', 'json']}),
    out: Flags.string({char: 'o', description: 'Write to this file (whole or not at all) instead of stdout.'}),
    products: Flags.string({description: 'File with one product id per line (a batch export).'}),
    name: Flags.string({description: 'For a product the data does not know: its name (ranks it by similar products).'}),
    category: Flags.string({description: 'For a product the data does not know: its category.'}),
    brand: Flags.string({description: 'For a product the data does not know: its brand.'}),
    strict: Flags.boolean({description: 'Exit non-zero (3) for a product that is not in the data instead of showing the cold-start audience.', default: false}),
    'raw-csv': Flags.boolean({description: 'Write CSV cells exactly as they are, without neutralising leading = + - @ (for pipelines, not spreadsheets).', default: false}),
  }

  public async run(): Promise<AudienceAnswer | {audiences: AudienceAnswer[]} | undefined> {
    const {flags} = this
    const ids = [...this.positional]
    if (flags.products) ids.push(...readIdFile(flags.products))
    const attributes = flags.name || flags.category || flags.brand ? {name: flags.name, category: flags.category, brand: flags.brand} : undefined
    if (attributes && ids.length > 1) throw new RecsysError('USAGE', '--name, --category and --brand describe one product', 'Pass a single product id with them.')
    AudienceService.checkN(flags.n, flags['max-n'])
    return useStore(flags.db, 'read', async (db) => {
      const service = new AudienceService(db, {preload: ids.length >= 200})
      if (ids.length === 0) return this.interactive(service)
      const format = this.format()
      const users = db.prepare('SELECT users FROM datasets ORDER BY version DESC LIMIT 1').pluck().get() as number
      const perAudience = Math.min(flags.n, users)
      if (perAudience * ids.length > MAX_MEMBERS) {
        throw new RecsysError('USAGE', `${ids.length} audiences of ${perAudience} users are more than one export can hold in memory (${MAX_MEMBERS.toLocaleString('en-US')} members)`, 'Export fewer products at a time, or a smaller -n.')
      }
      if (format === 'table' && !this.jsonEnabled() && perAudience * ids.length > MAX_TABLE_ROWS) {
        throw new RecsysError('USAGE', `a table of ${(perAudience * ids.length).toLocaleString('en-US')} rows is too long to read on a terminal`, 'Use --format csv (or --out audience.csv), or a smaller -n.')
      }
      const ranked = ids.map((id) => service.rank(id, flags.n, {attributes}))
      if (flags.strict) {
        const unknown = ranked.find((r) => r.kind === 'cold')
        if (unknown) throw new RecsysError('NOT_FOUND', `product ${excerpt(unknown.productId, 80)} is not in the data`, 'Check the id, or drop --strict to get the cold-start audience.')
      }
      if (ranked.reduce((a, r) => a + r.ranked.count, 0) > 1000) service.preloadMembers()
      const streams: AnswerStream[] = ranked.map((r) => ({head: service.describe(r, []), count: r.ranked.count, member: (i) => service.member(r, i)}))
      if (format !== 'table' || this.jsonEnabled()) for (const r of ranked) if (r.kind !== 'history' && r.note) process.stderr.write(`Note: ${r.note}\n`)
      if (this.jsonEnabled() || format === 'json') {
        this.emit((write) => writeAudienceJson(streams, write))
        return undefined
      }
      if (format === 'csv') {
        const rows = this.emit((write) => writeAudienceCsv(streams, write, flags['raw-csv']))
        if (flags.out) process.stderr.write(`wrote ${rows.toLocaleString('en-US')} rows to ${flags.out}\n`)
        return undefined
      }
      const text = `${ranked.map((r) => renderAudience(full(service, r))).join('\n\n')}\n`
      this.emit((write) => write(text))
      return undefined
    })
  }

  /** Output goes to --out (atomically) or to stdout, chunk by chunk. */
  private emit<R>(produce: (write: (chunk: string) => void) => R): R {
    if (this.flags.out) return writeFileAtomically(this.flags.out, produce)
    let buffer = ''
    const result = produce((chunk) => {
      buffer += chunk
      if (buffer.length >= 1 << 16) {
        process.stdout.write(buffer)
        buffer = ''
      }
    })
    if (buffer) process.stdout.write(buffer)
    return result
  }

  private format(): Format {
    const {format, out} = this.flags
    if (format) return format as Format
    if (out?.toLowerCase().endsWith('.csv')) return 'csv'
    if (out?.toLowerCase().endsWith('.json')) return 'json'
    return 'table'
  }

  /** On a terminal with no id: ask for one, show the audience, then offer to save it as CSV. */
  private async interactive(service: AudienceService): Promise<undefined> {
    if (!process.stdin.isTTY || !process.stdout.isTTY || process.env.CI || this.jsonEnabled()) {
      throw new RecsysError('USAGE', 'no product id given', 'Pass one: `recsys recommend PRODUCT_ID` (or --products FILE for a batch).')
    }
    const rl = createInterface({input: process.stdin, output: process.stdout})
    try {
      const samples = service.sampleProductIds(5)
      const id = (await rl.question(`Product id (e.g. ${samples.join(', ')}): `)).trim()
      if (!id) throw new RecsysError('USAGE', 'no product id given', 'Type a product id at the prompt, or pass one as an argument.')
      const n = Math.min(this.flags.n, MAX_TABLE_ROWS)
      const ranked = service.rank(id, n)
      this.log(renderAudience(full(service, ranked)))
      const yes = (await rl.question('Save as CSV? [y/N] ')).trim().toLowerCase()
      if (yes === 'y' || yes === 'yes') {
        const fallback = `audience-${ranked.productId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 60)}.csv`
        const name = (await rl.question(`File name [${fallback}]: `)).trim() || fallback
        const stream: AnswerStream = {head: service.describe(ranked, []), count: ranked.ranked.count, member: (i) => service.member(ranked, i)}
        const rows = writeFileAtomically(name, (write) => writeAudienceCsv([stream], write, this.flags['raw-csv']))
        this.log(`saved ${rows} rows to ${name}`)
      }
      return undefined
    } finally {
      rl.close()
    }
  }
}

function full(service: AudienceService, r: RankedAnswer): AudienceAnswer {
  return service.describe(r, Array.from({length: r.ranked.count}, (_, i) => service.member(r, i)))
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
