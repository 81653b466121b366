import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {splitShare} from '../cli/input-flags.js'
import {renderTrain} from '../cli/render/train.js'
import {DEFAULT_EVAL_PRODUCTS, DEFAULT_MAX_N, DEFAULT_SPLIT, DEFAULT_TOP_N, type RankerChoice, runTrain, type TrainReport} from '../core/audience/train.js'
import {RANKING_NAMES} from '../core/rankings/contract.js'
import {DEFAULT_NEIGHBORS} from '../core/rankings/cooccurrence.js'

export default class Train extends BaseCommand<typeof Train> {
  static override summary = 'Measure the rankings on a temporal split, ship the best, and store every product’s audience.'
  static override description =
    'With --ranker auto (the default) every ranking is fit on the first 80% of time and scored on the rest (item to user: does it find the users who then come to the product?), with 95% bootstrap intervals. The best by NDCG@10 is shipped, unless a simpler one cannot be told apart from it (the paired interval of the difference includes zero). Audiences never include users who already interacted with the product; products without history (catalog-only) get content audiences by name, category and brand.'

  static override examples = [
    {description: 'Measure, choose and ship', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Ship co-occurrence, still reporting how it measures', command: '<%= config.bin %> <%= command.id %> --ranker cooccurrence'},
    {description: 'Each user in at most 50 audiences of 20', command: '<%= config.bin %> <%= command.id %> --top-n 20 --max-audiences-per-user 50'},
    {description: 'A quick run: evaluate a seeded 10% of products', command: '<%= config.bin %> <%= command.id %> --quick --seed 7'},
  ]

  static override flags = {
    ranker: Flags.string({description: 'The ranking to ship, or auto to measure them all and ship the best.', options: ['auto', ...RANKING_NAMES], default: 'auto'}),
    'top-n': Flags.integer({description: 'Audience size that reach and the frequency cap count (and the default n of a lookup).', default: DEFAULT_TOP_N, min: 1, max: 10_000}),
    'max-n': Flags.integer({description: 'Depth of each product’s stored audience: lookups up to this n are exact.', default: DEFAULT_MAX_N, min: 1, max: 100_000}),
    quick: Flags.boolean({description: 'Evaluate a seeded 10% sample of products (audiences are still built for all).', default: false}),
    'eval-products': Flags.integer({description: `Evaluate a seeded sample of at most this many products (0: all). Intervals widen with fewer; the time grows with products × users.`, default: DEFAULT_EVAL_PRODUCTS, min: 0}),
    seed: Flags.integer({description: 'Seed for samples, the random baseline and the bootstrap.', default: 42}),
    'skip-eval': Flags.boolean({description: 'With a named --ranker, skip the evaluation (auto always evaluates).', default: false}),
    'max-audiences-per-user': Flags.integer({description: 'Frequency cap: a user appears in at most this many top-n audiences.', min: 1}),
    split: Flags.string({description: 'Share of interactions (by time) to fit on in the evaluation.', default: String(DEFAULT_SPLIT)}),
    neighbors: Flags.integer({description: 'Co-occurrence: similar products kept per product.', default: DEFAULT_NEIGHBORS, min: 1, max: 10_000}),
    'decay-days': Flags.string({description: 'Co-occurrence: weigh each interaction by exp(−age/DAYS) (default: no decay).'}),
  }

  public async run(): Promise<TrainReport> {
    const {flags} = this
    const report = await this.withStore('write', (db) =>
      this.withProgress((progress) =>
        runTrain(db, {
          ranker: flags.ranker as RankerChoice,
          topN: flags['top-n'],
          maxN: flags['max-n'],
          quick: flags.quick,
          evalProducts: flags['eval-products'],
          seed: flags.seed,
          skipEval: flags['skip-eval'],
          maxAudiencesPerUser: flags['max-audiences-per-user'],
          split: splitShare(flags.split),
          neighbors: flags.neighbors,
          decayDays: flags['decay-days'] === undefined ? undefined : Number(flags['decay-days']),
          onProgress: (text) => progress.update(text, text),
        }),
      ),
    )
    this.say(renderTrain(report))
    return report
  }
}
