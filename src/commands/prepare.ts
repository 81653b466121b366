import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {Progress} from '../cli/progress.js'
import {renderPrepare} from '../cli/render/prepare.js'
import {RecsysError} from '../core/errors.js'
import type {CsvSource} from '../core/ingest/csv-reader.js'
import {DEFAULT_BOT_THRESHOLD, DEFAULT_COLUMNS, type PrepareReport, prepareDataset} from '../core/ingest/prepare.js'
import {BUNDLED_FIXTURE} from '../core/paths.js'
import {openStore} from '../core/store/open.js'

export default class Prepare extends BaseCommand<typeof Prepare> {
  static override summary = 'Stream an interaction CSV into the store, cleaned and sorted by time.'
  static override description = `Drops rows with the wrong field count, empty or invalid ids, unreadable timestamps and empty events, exact duplicates of (user, product, event, time), and every row of bot users (more than --bot-threshold events on one UTC day). The new dataset replaces the old one in a single transaction: if anything fails, the previous data stays as it was.

Timestamps: ISO 8601 with or without zone (UTC assumed), "YYYY-MM-DD HH:MM:SS UTC", epoch seconds or milliseconds (detected).`

  static override examples = [
    {description: 'Prepare the bundled fixture', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'A file with the default columns', command: '<%= config.bin %> <%= command.id %> interactions.csv'},
    {
      description: 'Another schema, mapped column by column',
      command: '<%= config.bin %> <%= command.id %> 2019-Oct.csv --user-col user_id --product-col product_id --event-col event_type --time-col event_time',
    },
    {description: 'An order history with no event column, from stdin', command: 'cat orders.csv | <%= config.bin %> <%= command.id %> - --default-event purchased'},
  ]

  static override args = {
    file: Args.string({description: 'CSV file to read, or - for stdin (default: the bundled fixture)', required: false}),
  }

  static override flags = {
    'user-col': Flags.string({description: `Column holding the user id (default ${DEFAULT_COLUMNS.user}).`, helpGroup: 'COLUMNS'}),
    'product-col': Flags.string({description: `Column holding the product id (default ${DEFAULT_COLUMNS.product}).`, helpGroup: 'COLUMNS'}),
    'event-col': Flags.string({description: `Column holding the event type (default ${DEFAULT_COLUMNS.event}).`, helpGroup: 'COLUMNS'}),
    'time-col': Flags.string({description: `Column holding the timestamp (default ${DEFAULT_COLUMNS.time}).`, helpGroup: 'COLUMNS'}),
    'name-col': Flags.string({description: `Column holding the product name, optional (default ${DEFAULT_COLUMNS.name}).`, helpGroup: 'COLUMNS'}),
    'default-event': Flags.string({description: 'Event for logs with no event column (e.g. purchased), and for empty event fields.'}),
    'bot-threshold': Flags.integer({description: 'Drop users with more than this many events on any single UTC day.', default: DEFAULT_BOT_THRESHOLD, min: 1}),
    'id-type': Flags.string({
      description: 'How ids are checked: integer (non-integers are invalid), text (any non-empty value), or auto (integer when at most 1% of rows are not).',
      options: ['auto', 'integer', 'text'],
      default: 'auto',
    }),
    delimiter: Flags.string({description: 'Field delimiter (detected when not given).'}),
    strict: Flags.boolean({description: 'Fail on the first bad row (naming its line) instead of dropping and counting it.', default: false}),
  }

  public async run(): Promise<PrepareReport> {
    const {flags} = this
    let file = this.args.file
    if (file === undefined) {
      file = BUNDLED_FIXTURE
      this.notice(`No FILE given: preparing the bundled fixture ${file}`)
    }
    if (file === '-' && process.stdin.isTTY) {
      throw new RecsysError('USAGE', 'FILE is - but nothing is piped into stdin', 'Pipe a CSV in (cat data.csv | recsys prepare -) or pass a file path.')
    }
    const source: CsvSource = file === '-' ? {kind: 'stdin'} : {kind: 'file', path: file}
    const db = openStore(flags.db)
    const progress = new Progress(this.jsonEnabled())
    const interrupt = new AbortController()
    const onSigint = (): void => interrupt.abort()
    process.on('SIGINT', onSigint)
    try {
      const report = await prepareDataset(db, {
        source,
        columns: {user: flags['user-col'], product: flags['product-col'], event: flags['event-col'], time: flags['time-col'], name: flags['name-col']},
        defaultEvent: flags['default-event'],
        botThreshold: flags['bot-threshold'],
        idType: flags['id-type'] as 'auto' | 'integer' | 'text',
        delimiter: flags.delimiter,
        strict: flags.strict,
        signal: interrupt.signal,
        onProgress(p) {
          if (p.phase === 'write') {
            // From here the write is one synchronous transaction: a Ctrl-C should kill the
            // process at once, and SQLite rolls the unfinished transaction back.
            process.off('SIGINT', onSigint)
          }
          const rate = p.elapsedMs > 0 ? Math.round((p.rowsRead / p.elapsedMs) * 1000) : 0
          const share = p.totalBytes ? ` (${Math.min(100, Math.round((p.bytesRead / p.totalBytes) * 100))}%)` : ''
          const text =
            p.phase === 'read'
              ? `prepare: read ${p.rowsRead.toLocaleString('en-US')} rows${share}, ${rate.toLocaleString('en-US')} rows/s`
              : p.phase === 'clean'
                ? `prepare: cleaning ${p.rowsRead.toLocaleString('en-US')} rows`
                : 'prepare: writing the store'
          progress.update(p.phase, text)
        },
      })
      progress.done()
      this.say(renderPrepare(report))
      return report
    } catch (error) {
      progress.fail()
      throw error
    } finally {
      process.off('SIGINT', onSigint)
      db.close()
    }
  }
}
