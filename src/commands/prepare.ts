import {BaseCommand} from '../cli/base-command.js'
import {fileArg, inputFlags, interruptGuard, prepareOptionsFrom} from '../cli/input-flags.js'
import {prepareProgressText, renderPrepare} from '../cli/render/prepare.js'
import {type PrepareReport, prepareDataset} from '../core/ingest/prepare.js'

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

  static override args = fileArg
  static override flags = inputFlags

  public async run(): Promise<PrepareReport> {
    const options = prepareOptionsFrom(this.args.file, this.flags, (t) => this.notice(t))
    const guard = interruptGuard()
    try {
      const report = await this.withStore('create', (db) =>
        this.withProgress((progress) =>
          prepareDataset(db, {
        ...options,
        signal: guard.signal,
        onProgress(p) {
          if (p.phase === 'write') guard.release()
          progress.update(p.phase, prepareProgressText(p))
            },
          }),
        ),
      )
      this.say(renderPrepare(report))
      return report
    } finally {
      guard.release()
    }
  }
}
