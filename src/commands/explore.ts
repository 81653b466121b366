import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {splitShare} from '../cli/input-flags.js'
import {renderExplore} from '../cli/render/explore.js'
import type {ExploreReport} from '../core/stats/explore.js'
import {runExplore} from '../core/stats/stage.js'

export default class Explore extends BaseCommand<typeof Explore> {
  static override summary = 'The statistics that decide the method: totals, sparsity, retention, churn, cohorts, event mix.'
  static override description =
    'Splits the prepared interactions at a quantile of time (default 80/20) and measures who comes back and which products are new, then states whether collaborative filtering is viable, with the measured reasons.'

  static override examples = [
    {description: 'Explore the prepared data', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'A 70/30 split, as JSON', command: '<%= config.bin %> <%= command.id %> --split 0.7 --json'},
  ]

  static override flags = {
    split: Flags.string({description: 'Share of interactions (by time) before the split.', default: '0.8'}),
  }

  public async run(): Promise<ExploreReport & {elapsedMs: number}> {
    const report = await this.withStore('write', (db) => runExplore(db, {split: splitShare(this.flags.split)}))
    this.say(renderExplore(report))
    return report
  }
}
