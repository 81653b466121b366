import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {renderReport} from '../cli/render/report.js'
import {DEFAULT_REPORT_PATH, type ReportResult, writeReport} from '../core/report/write.js'

export default class Report extends BaseCommand<typeof Report> {
  static override summary = 'Write one self-contained HTML page for stakeholders: data, explore charts, method comparison, reach, campaigns.'
  static override description =
    'Reads the store (it is not changed) and writes a single HTML file with its styles and SVG charts inline: no script, no font or image to fetch, so it opens offline and can be mailed as is. A section whose stage has not run says which command fills it.'

  static override examples = [
    {description: 'Write report.html in the current folder', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Write it elsewhere, and print where as JSON', command: '<%= config.bin %> <%= command.id %> --out out/summary.html --json'},
  ]

  static override flags = {
    out: Flags.string({description: 'HTML file to write (replaced atomically).', default: DEFAULT_REPORT_PATH}),
  }

  public async run(): Promise<ReportResult> {
    const result = await this.withStore('read', (db) => writeReport(db, this.flags.out))
    this.say(renderReport(result))
    return result
  }
}
