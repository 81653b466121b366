import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../cli/base-command.js'
import {renderCampaignReport} from '../../cli/render/campaign.js'
import {type CampaignReport, reportCampaign, saveCampaignResult} from '../../core/campaigns/report.js'
import {RecsysError} from '../../core/errors.js'

export default class CampaignReportCommand extends BaseCommand<typeof CampaignReportCommand> {
  static override summary = 'Measure a campaign: conversion per group, lift with a 95% interval, p-value, the smallest detectable lift.'
  static override description =
    'Reads outcomes (one row per purchase or sign-up: user, and optionally product, time and value) and compares the treatment group of a recorded campaign with its control. Without --outcomes, the store’s own interactions after the campaign’s data count (prepare a newer log first). The result is stored for `recsys report`.'

  static override examples = [
    {description: 'From an outcomes file', command: '<%= config.bin %> <%= command.id %> spring-sale --outcomes orders.csv --user-col customer --value-col revenue'},
    {description: 'A window, and the lift you hope for', command: '<%= config.bin %> <%= command.id %> spring-sale --outcomes orders.csv --since 2023-03-01 --until 2023-04-01 --expected-lift 1'},
    {description: 'From a newer prepare of the same store', command: '<%= config.bin %> <%= command.id %> spring-sale'},
  ]

  static override args = {campaign: Args.string({description: 'The campaign id (as recommend printed it).', required: true})}

  static override flags = {
    outcomes: Flags.string({description: 'CSV of outcomes, or - for stdin (default: the store’s interactions after the campaign).'}),
    'user-col': Flags.string({description: 'Outcome column holding the customer id (default customer_id).'}),
    'product-col': Flags.string({description: 'Outcome column holding the product id (default product_id, when present): only outcomes for a member’s products count.'}),
    'time-col': Flags.string({description: 'Outcome column holding the time (default event_date, when present).'}),
    'value-col': Flags.string({description: 'Outcome column holding a value such as revenue (default value, when present).'}),
    since: Flags.string({description: 'Count outcomes from this time (inclusive).'}),
    until: Flags.string({description: 'Count outcomes before this time.'}),
    'expected-lift': Flags.string({description: 'The lift you hope to see, in percentage points: says whether this sample can detect it.'}),
    delimiter: Flags.string({description: 'Field delimiter of the outcomes file (detected when not given).'}),
  }

  public async run(): Promise<CampaignReport> {
    const {flags} = this
    const expected = flags['expected-lift'] === undefined ? undefined : Number(flags['expected-lift'])
    if (expected !== undefined && !(expected > 0)) throw new RecsysError('USAGE', '--expected-lift must be a positive number of percentage points', 'Pass e.g. --expected-lift 1 for one point.')
    const file = flags.outcomes
    const report = await this.withStore('write', async (db) => {
      const r = await reportCampaign(db, {
        campaignId: this.args.campaign,
        outcomes: file === undefined ? undefined : {source: file === '-' ? {kind: 'stdin'} : {kind: 'file', path: file}, columns: {user: flags['user-col'], product: flags['product-col'], time: flags['time-col'], value: flags['value-col']}, delimiter: flags.delimiter},
        since: flags.since,
        until: flags.until,
        expectedLiftPoints: expected,
      })
      db.transaction(() => saveCampaignResult(db, r))()
      return r
    })
    this.say(renderCampaignReport(report))
    return report
  }
}
