import {readFileSync} from 'node:fs'
import {extname} from 'node:path'
import {createInterface} from 'node:readline/promises'

import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {type AnswerStream, MAX_TABLE_ROWS, renderAudience, renderExportSummary, writeAudienceCsv, writeAudienceJson} from '../cli/render/audience.js'
import {counted} from '../cli/render/format.js'
import {type AudienceAnswer, AudienceService, DEFAULT_LOOKUP_MAX_N, type RankedAnswer} from '../core/audience/answer.js'
import {type CampaignSplit, deriveCampaignId, type ExportedAudience, type ExportResult, exportAudiences, type ExportRules} from '../core/campaigns/export.js'
import {parseHoldout} from '../core/campaigns/holdout.js'
import {readIdList} from '../core/campaigns/ids.js'
import {campaignParams, checkCampaignReuse, recordCampaign} from '../core/campaigns/store.js'
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
    n: Flags.integer({char: 'n', description: `Users per audience (1 to --max-n, ${DEFAULT_LOOKUP_MAX_N} by default; default: train's --top-n, 10 unless set).`, min: 1}),
    'max-n': Flags.integer({description: 'Raise the largest n allowed.', default: DEFAULT_LOOKUP_MAX_N, min: 1}),
    format: Flags.string({description: 'Output format (default: table; with --out, from the file name: .csv, .json, or .txt for a table).', options: ['table', 'csv', 'json']}),
    csv: Flags.boolean({description: 'Same as --format csv.', default: false, exclusive: ['format']}),
    out: Flags.string({char: 'o', description: 'Write to this file (whole or not at all) instead of stdout.'}),
    products: Flags.string({description: 'File with one product id per line (a batch export).'}),
    name: Flags.string({description: 'For a product the data does not know: its name (ranks it by similar products).'}),
    category: Flags.string({description: 'For a product the data does not know: its category.'}),
    brand: Flags.string({description: 'For a product the data does not know: its brand.'}),
    strict: Flags.boolean({description: 'Exit non-zero (3) for a product that is not in the data instead of showing the cold-start audience.', default: false}),
    'raw-csv': Flags.boolean({description: 'Write CSV cells exactly as they are, without neutralising leading = + - @ (for pipelines, not spreadsheets).', default: false}),
    holdout: Flags.string({description: 'Hold out this share of each audience as a control group (1%–50%, e.g. 10%); the campaign is recorded in the store.', helpGroup: 'CAMPAIGN'}),
    campaign: Flags.string({description: 'Campaign id (keeps each user’s group stable across exports); default: product and date.', helpGroup: 'CAMPAIGN'}),
    control: Flags.string({description: 'holdout: control from within the audience; random: a control arm of the same size from users outside it (model vs random targeting).', options: ['holdout', 'random'], default: 'holdout', helpGroup: 'CAMPAIGN'}),
    'exclude-users': Flags.string({description: 'File of customer ids never to target (one per line).', helpGroup: 'CAMPAIGN'}),
    'exclude-products': Flags.string({description: 'File of product ids to leave out of a batch (out of stock, discontinued).', helpGroup: 'CAMPAIGN'}),
    'min-score': Flags.string({description: 'End each audience where the score falls below this (0 to 1: the best user of an audience scores 1).', helpGroup: 'CAMPAIGN'}),
    'max-audiences-per-user': Flags.integer({description: 'A user appears in at most this many audiences of the export.', min: 1, helpGroup: 'CAMPAIGN'}),
    dedupe: Flags.boolean({description: 'Each user once, under the product that ranks them highest.', default: false, helpGroup: 'CAMPAIGN'}),
    'treatment-only': Flags.boolean({description: 'With --holdout: write only the treatment rows (the users to contact); the control group is recorded in the store for the report.', default: false, helpGroup: 'CAMPAIGN'}),
    replace: Flags.boolean({description: 'Record over an existing campaign of the same id exported with another holdout share or control method.', default: false, helpGroup: 'CAMPAIGN'}),
  }

  public async run(): Promise<AudienceAnswer | {audiences: AudienceAnswer[]} | undefined> {
    const {flags} = this
    const listed = [...this.positional]
    // (A loop, not push(...list): a spread of a few hundred thousand ids overflows the call stack.)
    if (flags.products) for (const id of readIdFile(flags.products)) listed.push(id)
    // Each product once, in the order first listed: a repeated id would be a second audience of
    // the same users, counted twice in overlaps and holdouts.
    const ids = [...new Set(listed)]
    const repeated = listed.length - ids.length
    if (repeated > 0) this.notice(`${counted(repeated, 'repeated product id')} ${repeated === 1 ? 'was' : 'were'} taken once`)
    if (flags.out !== undefined && flags.out.trim() === '') throw new RecsysError('USAGE', '--out is empty', 'Pass a file name, e.g. --out audience.csv, or leave --out out for stdout.')
    if (flags.campaign !== undefined) {
      const c = flags.campaign
      // eslint-disable-next-line no-control-regex
      if (c.trim() === '' || c.length > 100 || /[\u0000-\u001f\u007f]/.test(c)) {
        throw new RecsysError('USAGE', `--campaign ${JSON.stringify(excerpt(c, 40))} must be 1 to 100 printable characters`, 'Pass a short name, e.g. --campaign spring-launch.')
      }
    }
    const attributes = flags.name || flags.category || flags.brand ? {name: flags.name, category: flags.category, brand: flags.brand} : undefined
    if (attributes && ids.length > 1) throw new RecsysError('USAGE', '--name, --category and --brand describe one product', 'Pass a single product id with them.')
    if (flags.n !== undefined) AudienceService.checkN(flags.n, flags['max-n'])
    const holdout = flags.holdout === undefined ? undefined : parseHoldout(flags.holdout)
    if (flags.holdout !== undefined && holdout === undefined) throw new RecsysError('USAGE', `--holdout ${excerpt(flags.holdout, 20)} must be a share from 1% to 50%`, 'Pass e.g. --holdout 10%.')
    const minScore = flags['min-score'] === undefined ? undefined : flags['min-score'].trim() === '' ? Number.NaN : Number(flags['min-score'])
    // Every ranking's scores are scaled into [0, 1] (1: the best user for the product), so a bound
    // outside it would keep everyone or no one.
    if (minScore !== undefined && !(minScore >= 0 && minScore <= 1)) {
      throw new RecsysError('USAGE', `--min-score must be a number from 0 to 1 (got ${excerpt(flags['min-score']!, 20)})`, 'Scores are scaled so the best user of each audience scores 1: pass e.g. --min-score 0.2.')
    }
    const campaignMode = holdout !== undefined || flags.campaign !== undefined || flags.control === 'random'
    if (flags['treatment-only'] && !campaignMode) throw new RecsysError('USAGE', '--treatment-only needs a campaign split', 'Add --holdout 10% (and --campaign NAME).')
    const rules: ExportRules = {
      excludeUsers: flags['exclude-users'] ? new Set(readIdFile(flags['exclude-users'], '--exclude-users', 'customer id')) : undefined,
      excludeProducts: flags['exclude-products'] ? new Set(readIdFile(flags['exclude-products'], '--exclude-products', 'product id')) : undefined,
      minScore,
      maxAudiencesPerUser: flags['max-audiences-per-user'],
      dedupe: flags.dedupe,
    }
    const ruled = campaignMode || Object.values(rules).some((v) => v !== undefined && v !== false)
    return useStore(flags.db, campaignMode ? 'write' : 'read', async (db) => {
      const service = new AudienceService(db, {preload: ids.length >= 200})
      // Without -n, the audience size train was given (--top-n), as the server answers.
      const n = flags.n ?? Math.min(service.meta.topN, flags['max-n'])
      if (ids.length === 0) return this.interactive(service, n)
      const format = this.format()
      const users = db.prepare('SELECT users FROM datasets ORDER BY version DESC LIMIT 1').pluck().get() as number
      const perAudience = Math.min(n, users)
      if (perAudience * ids.length > MAX_MEMBERS) {
        throw new RecsysError('USAGE', `${ids.length} audiences of ${perAudience} users are more than one export can hold in memory (${MAX_MEMBERS.toLocaleString('en-US')} members)`, 'Export fewer products at a time, or a smaller -n.')
      }
      if (format === 'table' && !this.jsonEnabled() && perAudience * ids.length > MAX_TABLE_ROWS) {
        throw new RecsysError('USAGE', `a table of ${(perAudience * ids.length).toLocaleString('en-US')} rows is too long to read on a terminal`, 'Use --format csv (or --out audience.csv), or a smaller -n.')
      }
      let exported: ExportResult | undefined
      let campaignId: string | undefined
      let recordPending: (() => void) | undefined
      let reuse: ReturnType<typeof checkCampaignReuse>
      if (ruled) {
        campaignId = campaignMode ? (flags.campaign ?? deriveCampaignId(ids)) : undefined
        const split: CampaignSplit | undefined = campaignId ? {campaignId, holdout: holdout ?? 0.1, control: flags.control as 'holdout' | 'random'} : undefined
        exported = exportAudiences(service, {ids, n, rules, campaign: split, attributes})
        if (split) {
          const result = exported
          if (result.members.treatment === 0 && result.members.control > 0) {
            throw new RecsysError('USAGE', `a ${Math.round(split.holdout * 100)}% holdout of ${result.members.control.toLocaleString('en-US')} audience places leaves no one to contact`, 'Export more users (-n) or hold out a smaller share.')
          }
          if (result.members.control === 0) {
            const distinct = new Set<number>()
            for (const a of result.audiences) for (let i = 0; i < a.answer.ranked.count; i++) distinct.add(a.answer.ranked.users[i])
            throw new RecsysError(
              'USAGE',
              `a ${Math.round(split.holdout * 100)}% holdout of ${result.members.treatment.toLocaleString('en-US')} audience places held by ${distinct.size.toLocaleString('en-US')} distinct users puts none of them in the control group, so the campaign could never be measured`,
              distinct.size < 100 ? 'The audiences share a few users: spread them (--dedupe or --max-audiences-per-user 3), export more users (-n), or hold out a larger share.' : 'Export more users (-n), more products, or a larger --holdout.',
            )
          }
          reuse = checkCampaignReuse(db, split, result.audiences.map((a) => a.answer.productId), n, flags.replace)
          // Recorded only once the audience has been written: a failed export records nothing.
          recordPending = () => db.transaction(() => recordCampaign(db, {
            campaignId: split.campaignId,
            // A re-export of the same campaign keeps its first export time (the report counts from it).
            createdAt: (flags.replace ? undefined : reuse?.firstExportedAt) ?? new Date().toISOString(),
            products: result.audiences.map((a) => a.answer.productId),
            ranking: service.meta.ranking,
            modelVersion: service.modelVersion,
            datasetVersion: service.datasetVersion,
            audienceSize: result.members.treatment + result.members.control,
            holdout: split.holdout,
            control: split.control,
            params: campaignParams(split, n, result, {...rules, excludeUsers: rules.excludeUsers?.size, excludeProducts: rules.excludeProducts?.size}),
          }, campaignMembersOf(service, result)))()
        }
      }
      const ranked = exported ? exported.audiences.map((a) => a.answer) : ids.map((id) => service.rank(id, n, {attributes}))
      if (flags.strict) {
        const unknown = ranked.find((r) => r.kind === 'cold')
        if (unknown) throw new RecsysError('NOT_FOUND', `product ${excerpt(unknown.productId, 80)} is not in the data`, 'Check the id, or drop --strict to get the cold-start audience.')
      }
      const members = ranked.reduce((a, r) => a + r.ranked.count, 0)
      if (members > 1000) service.preloadMembers(members)
      const all: AnswerStream[] = ranked.map((r, x) => memberStream(service, r, exported?.audiences[x]))
      // --treatment-only: the file to upload holds only the people to contact; control stays in the store.
      const streams = flags['treatment-only'] ? all.map(treatmentOnly) : all
      if (format !== 'table' || this.jsonEnabled()) {
        // Notes on stderr for files and programs too (cold start, prior order past the stored depth): the first few.
        const notes = ranked.filter((r) => r.note)
        for (const r of notes.slice(0, 5)) process.stderr.write(`Note: ${excerpt(r.note!, 1000)}\n`)
        if (notes.length > 5) process.stderr.write(`Note: and ${(notes.length - 5).toLocaleString('en-US')} more products with notes (see the JSON output's "note" field)\n`)
      }
      const groups = campaignId !== undefined
      const summary = exported ? {campaignId, recorded: groups, members: exported.members, removed: exported.removed, overlap: exported.overlap, unmatchedExclusions: exported.unmatchedExclusions, excludeListed: rules.excludeUsers?.size ?? 0, short: exported.short, n, products: ranked.length} : undefined
      if (this.jsonEnabled() || format === 'json') {
        this.emit((write) => writeAudienceJson(streams, write, summary ? {campaign: campaignId ?? null, members: summary.members, removed: summary.removed, overlap: summary.overlap} : undefined))
      } else if (format === 'csv') {
        const rows = this.emit((write) => writeAudienceCsv(streams, write, flags['raw-csv'], groups))
        if (flags.out) process.stderr.write(`wrote ${rows.toLocaleString('en-US')} rows to ${flags.out}\n`)
      } else {
        const text = `${streams.map((st) => renderAudience({...st.head, count: st.count, recommendations: Array.from({length: st.count}, (_, i) => st.member(i))})).join('\n\n')}\n`
        this.emit((write) => write(text))
      }
      recordPending?.()
      // Said once the audience is written and the campaign recorded (a failed --out records nothing).
      if (summary && !this.jsonEnabled()) process.stderr.write(`${renderExportSummary(summary)}\n${reuse ? `${reuse.note}\n` : ''}`)
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
    if (this.flags.csv) return 'csv'
    if (out === undefined) return 'table'
    // From the file's name; a name that says nothing (audience.xlsx, aud.tsv, out) is refused
    // rather than filled with a box-drawn table no spreadsheet opens.
    const ext = extname(out).toLowerCase()
    if (ext === '.csv') return 'csv'
    if (ext === '.json') return 'json'
    if (ext === '.txt') return 'table'
    throw new RecsysError('USAGE', `--out ${excerpt(out, 60)}: the format cannot be told from the file name`, 'Name it .csv (Excel opens it) or .json, or pass --format csv, json or table.')
  }

  /** On a terminal with no id: ask for one, show the audience, then offer to save it as CSV. */
  private async interactive(service: AudienceService, size: number): Promise<undefined> {
    if (!process.stdin.isTTY || !process.stdout.isTTY || process.env.CI || this.jsonEnabled()) {
      throw new RecsysError('USAGE', 'no product id given', 'Pass one: `recsys recommend PRODUCT_ID` (or --products FILE for a batch).')
    }
    const rl = createInterface({input: process.stdin, output: process.stdout})
    try {
      const samples = service.sampleProductIds(5)
      const id = (await rl.question(`Product id (e.g. ${samples.join(', ')}): `)).trim()
      if (!id) throw new RecsysError('USAGE', 'no product id given', 'Type a product id at the prompt, or pass one as an argument.')
      const n = Math.min(size, MAX_TABLE_ROWS)
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
    } catch (error) {
      // Ctrl+C (AbortError) or Ctrl+D (the readline closes) at a prompt: the person chose to stop.
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ABORT_ERR' || code === 'ERR_USE_AFTER_CLOSE' || (error as Error).name === 'AbortError') {
        throw new RecsysError('INTERRUPTED', 'stopped at the prompt; nothing was saved')
      }
      throw error
    } finally {
      rl.close()
    }
  }
}

/** A stream of the treatment members only (their ranks kept as in the whole audience). */
function treatmentOnly(stream: AnswerStream): AnswerStream {
  const keep: number[] = []
  for (let i = 0; i < stream.count; i++) if (stream.member(i).group !== 'control') keep.push(i)
  return {head: {...stream.head, count: keep.length}, count: keep.length, member: (i) => stream.member(keep[i])}
}

/** An answer's members one at a time: ranked members (with their group in a campaign), then any random control arm. */
function memberStream(service: AudienceService, r: RankedAnswer, exported?: ExportedAudience): AnswerStream {
  const ranked = r.ranked.count
  const control = exported?.randomControl
  return {
    head: service.describe(r, []),
    count: ranked + (control?.length ?? 0),
    member: (i) => {
      if (i >= ranked) return service.controlMember(control![i - ranked])
      const m = service.member(r, i)
      return exported?.groups ? {...m, group: exported.groups[i]} : m
    },
  }
}

function* campaignMembersOf(service: AudienceService, result: ExportResult): Generator<{customerId: string; productId: string; group: string; rank: number | null}> {
  for (const a of result.audiences) {
    const r = a.answer.ranked
    for (let i = 0; i < r.count; i++) yield {customerId: service.memberFacts(r.users[i]).customerId, productId: a.answer.productId, group: a.groups?.[i] ?? 'treatment', rank: i + 1}
    for (const u of a.randomControl ?? []) yield {customerId: service.memberFacts(u).customerId, productId: a.answer.productId, group: 'control', rank: null}
  }
}

function full(service: AudienceService, r: RankedAnswer): AudienceAnswer {
  return service.describe(r, Array.from({length: r.ranked.count}, (_, i) => service.member(r, i)))
}

/** Ids from a file (see readIdList); an unreadable or empty file is an error naming the flag. */
function readIdFile(path: string, flag = '--products', what: 'product id' | 'customer id' = 'product id'): string[] {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    throw new RecsysError('FILE_NOT_FOUND', `cannot read ${flag} file ${path}`, `Pass a text file with one ${what} per line.`)
  }
  return readIdList(text, `${flag} file ${path}`, what === 'product id' ? 'product' : 'customer')
}
