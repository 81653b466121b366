import {Args, Flags} from '@oclif/core'

import {excerpt, RecsysError} from '../core/errors.js'
import type {CsvSource} from '../core/ingest/csv-reader.js'
import {DEFAULT_BOT_THRESHOLD, DEFAULT_COLUMNS, type PrepareOptions} from '../core/ingest/prepare.js'
import {BUNDLED_FIXTURE} from '../core/paths.js'

/** The CSV argument and flags shared by `prepare` and `pipeline`. */
export const fileArg = {
  file: Args.string({description: 'CSV file to read, or - for stdin (default: the bundled fixture)', required: false}),
}

export const inputFlags = {
  'user-col': Flags.string({description: `Column holding the user id (default ${DEFAULT_COLUMNS.user}).`, helpGroup: 'COLUMNS'}),
  'product-col': Flags.string({description: `Column holding the product id (default ${DEFAULT_COLUMNS.product}).`, helpGroup: 'COLUMNS'}),
  'event-col': Flags.string({description: `Column holding the event type (default ${DEFAULT_COLUMNS.event}).`, helpGroup: 'COLUMNS'}),
  'time-col': Flags.string({description: `Column holding the timestamp (default ${DEFAULT_COLUMNS.time}).`, helpGroup: 'COLUMNS'}),
  'name-col': Flags.string({description: `Column holding the product name, optional (default ${DEFAULT_COLUMNS.name}).`, helpGroup: 'COLUMNS'}),
  'category-col': Flags.string({description: `Column holding the product category, optional (default ${DEFAULT_COLUMNS.category}); kept in the catalog for content audiences.`, helpGroup: 'COLUMNS'}),
  'brand-col': Flags.string({description: `Column holding the product brand, optional (default ${DEFAULT_COLUMNS.brand}); kept in the catalog for content audiences.`, helpGroup: 'COLUMNS'}),
  'default-event': Flags.string({description: 'Event for logs with no event column (e.g. purchased), and for empty event fields.'}),
  'bot-threshold': Flags.integer({description: 'Drop users with more than this many events on any single UTC day.', default: DEFAULT_BOT_THRESHOLD, min: 1}),
  'id-type': Flags.string({
    description: 'How ids are checked: integer (non-integers are invalid), text (any non-empty value), or auto (integer when at most 1% of rows are not).',
    options: ['auto', 'integer', 'text'],
    default: 'auto',
  }),
  delimiter: Flags.string({description: 'Field delimiter (detected when not given).'}),
  encoding: Flags.string({description: 'Text encoding: auto (UTF-8, or UTF-16 with a BOM), or windows-1252 (also for latin1) for older spreadsheet exports.', options: ['auto', 'utf-8', 'windows-1252', 'latin1'], default: 'auto'}),
  'day-first': Flags.boolean({description: 'Slash dates are D/M/YYYY (default M/D/YYYY, as US spreadsheets write them).', default: false}),
  strict: Flags.boolean({description: 'Fail on the first bad row (naming its line) instead of dropping and counting it.', default: false}),
  'sql-table': Flags.boolean({description: 'Also fill the interactions table, for querying the store with SQL (it stores the rows a second time).', default: false}),
}

export interface InputFlagValues {
  'user-col'?: string
  'product-col'?: string
  'event-col'?: string
  'time-col'?: string
  'name-col'?: string
  'category-col'?: string
  'brand-col'?: string
  'default-event'?: string
  'bot-threshold': number
  'id-type': string
  delimiter?: string
  encoding: string
  'day-first': boolean
  strict: boolean
  'sql-table': boolean
}

/** Prepare options from the parsed flags; no FILE means the bundled fixture (announced via `notice`). */
export function prepareOptionsFrom(file: string | undefined, flags: InputFlagValues, notice: (text: string) => void): PrepareOptions {
  let path = file
  if (path === undefined) {
    path = BUNDLED_FIXTURE
    notice(`No FILE given: using the bundled fixture ${path}`)
  }
  if (path === '-' && process.stdin.isTTY) {
    throw new RecsysError('USAGE', 'FILE is - but nothing is piped into stdin', 'Pipe a CSV in (cat data.csv | recsys prepare -) or pass a file path.')
  }
  const source: CsvSource = path === '-' ? {kind: 'stdin'} : {kind: 'file', path}
  return {
    source,
    columns: {
      user: flags['user-col'],
      product: flags['product-col'],
      event: flags['event-col'],
      time: flags['time-col'],
      name: flags['name-col'],
      category: flags['category-col'],
      brand: flags['brand-col'],
    },
    defaultEvent: flags['default-event'],
    botThreshold: flags['bot-threshold'],
    idType: flags['id-type'] as 'auto' | 'integer' | 'text',
    delimiter: flags.delimiter,
    encoding: flags.encoding === 'auto' ? undefined : flags.encoding === 'latin1' ? 'windows-1252' : (flags.encoding as 'utf-8' | 'windows-1252'),
    dayFirst: flags['day-first'],
    strict: flags.strict,
    sqlTable: flags['sql-table'],
  }
}

/**
 * Ctrl-C while reading aborts cleanly (exit 130, store unchanged). Once the synchronous write
 * transaction starts, call `release()`: a Ctrl-C then kills the process at once and SQLite rolls
 * the unfinished transaction back.
 */
export function interruptGuard(): {signal: AbortSignal; release(): void} {
  const controller = new AbortController()
  const onSigint = (): void => controller.abort()
  process.on('SIGINT', onSigint)
  return {signal: controller.signal, release: () => process.off('SIGINT', onSigint)}
}

/** --split as a share between 0 and 1; a percentage or text is named as it was typed. */
export function splitShare(text: string): number {
  const value = Number(text.trim())
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || value >= 1) {
    throw new RecsysError('USAGE', `--split ${excerpt(text, 20)} is not a share between 0 and 1`, 'Pass e.g. --split 0.8 (80% of interactions before the split).')
  }
  return value
}
