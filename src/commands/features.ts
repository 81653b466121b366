import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {RecsysError} from '../core/errors.js'
import {renderFeatures} from '../cli/render/features.js'
import {COMPONENTS, parseWeightList} from '../core/engagement/score.js'
import {type FeaturesReport, runFeatures} from '../core/engagement/stage.js'

export default class Features extends BaseCommand<typeof Features> {
  static override summary = 'Per-user features and the engagement score.'
  static override description = `engagement = 0.35·volume + 0.25·breadth + 0.20·quality + 0.15·frequency + 0.05·recency, each component min-max normalised over users (a component equal for every user counts 0):
  volume = interactions; breadth = distinct products; quality = mean event weight;
  frequency = interactions / (whole days from first to last event + 1);
  recency = exp(-whole days since the last event / decay days), counted to the dataset's last timestamp.`

  static override examples = [
    {description: 'Score every user', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Other weights and a faster decay', command: '<%= config.bin %> <%= command.id %> --weights volume=0.5,recency=0.2 --decay-days 30'},
    {description: 'Every user’s features as CSV', command: '<%= config.bin %> <%= command.id %> --out users.csv'},
    {description: 'Custom event weights (unlisted events weigh --other-event-weight)', command: '<%= config.bin %> <%= command.id %> --event-weights purchase=5,cart=3,view=0.5'},
  ]

  static override flags = {
    weights: Flags.string({description: `Component weights, e.g. volume=0.35,breadth=0.25 (components: ${COMPONENTS.join(', ')}); unlisted ones keep their default.`}),
    'event-weights': Flags.string({description: 'Event weights, e.g. purchased=5,cart=3,rating=2.5,wishlist=2,search_keyword=1 (these are the defaults).'}),
    'other-event-weight': Flags.string({description: 'Weight of events not listed in --event-weights.', default: '1'}),
    'decay-days': Flags.string({description: 'Recency decay constant in days.', default: '90'}),
    top: Flags.integer({description: 'Top users to show.', default: 10, min: 0}),
    out: Flags.string({char: 'o', description: 'Also write every user’s features and score to this CSV (for pandas or a spreadsheet).'}),
    'raw-csv': Flags.boolean({description: 'With --out: write ids exactly as they are, without neutralising leading = + - @.', default: false}),
  }

  public async run(): Promise<FeaturesReport> {
    const {flags} = this
    if (flags.out !== undefined && flags.out.trim() === '') throw new RecsysError('USAGE', '--out is empty', 'Pass a file name, e.g. --out users.csv, or leave --out out.')
    const report = await this.withStore('write', (db) =>
      runFeatures(db, {
        weights: flags.weights ? parseWeightList(flags.weights, '--weights', COMPONENTS) : undefined,
        eventWeights: flags['event-weights'] ? parseWeightList(flags['event-weights'], '--event-weights') : undefined,
        otherEventWeight: Number(flags['other-event-weight']),
        decayDays: Number(flags['decay-days']),
        top: flags.top,
        out: flags.out,
        rawCsv: flags['raw-csv'],
      }),
    )
    this.say(renderFeatures(report))
    return report
  }
}
