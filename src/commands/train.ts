import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {renderTrain} from '../cli/render/train.js'
import {runTrain, type TrainReport} from '../core/audience/train.js'

export default class Train extends BaseCommand<typeof Train> {
  static override summary = 'Precompute the top-N users to target for every product, and evaluate the ranking.'
  static override description =
    'Each product gets the most engaged users who never interacted with it (ties by user key); unknown products get the cold-start list. The evaluation fits on the first 80% of time and tests on the rest: precision and recall at 5, 10 and 20 against random users and the original recency rule, and the return lift (are the targeted users the ones who come back?).'

  static override examples = [
    {description: 'Train and evaluate', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Top 20, each user in at most 50 audiences, no evaluation', command: '<%= config.bin %> <%= command.id %> --top-n 20 --max-audiences-per-user 50 --skip-eval'},
    {description: 'A quick run on a seeded 10% of products', command: '<%= config.bin %> <%= command.id %> --quick --seed 7'},
  ]

  static override flags = {
    'top-n': Flags.integer({description: 'Users per product audience.', default: 10, min: 1, max: 10_000}),
    quick: Flags.boolean({description: 'Train (and evaluate) a seeded 10% sample of products.', default: false}),
    seed: Flags.integer({description: 'Seed for --quick sampling and the random baseline.', default: 42}),
    'skip-eval': Flags.boolean({description: 'Skip the temporal-split evaluation.', default: false}),
    'max-audiences-per-user': Flags.integer({description: 'Frequency cap: a user appears in at most this many audiences.', min: 1}),
    split: Flags.string({description: 'Share of interactions (by time) to fit on in the evaluation.', default: '0.8'}),
  }

  public async run(): Promise<TrainReport> {
    const {flags} = this
    const report = await this.withStore('write', (db) =>
      this.withProgress((progress) =>
        runTrain(db, {
        topN: flags['top-n'],
        quick: flags.quick,
        seed: flags.seed,
        skipEval: flags['skip-eval'],
        maxAudiencesPerUser: flags['max-audiences-per-user'],
        split: Number(flags.split),
          onProgress: (text) => progress.update(text, text),
        }),
      ),
    )
    this.say(renderTrain(report))
    return report
  }
}
