import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {splitShare} from '../cli/input-flags.js'
import {renderCf} from '../cli/render/cf.js'
import {type CfReport, runCfAttempt} from '../core/cf/attempt.js'

export default class CfAttempt extends BaseCommand<typeof CfAttempt> {
  static override summary = 'Train implicit ALS and measure honestly whether collaborative filtering can rank users for a product here.'
  static override description =
    'Fits implicit-feedback ALS (Hu, Koren & Volinsky 2008) on the interactions before the split and evaluates item-to-user on the rest: for each product, all users seen before the split ranked by ALS score (earlier interactors excluded) against users who first interact with it after. Compares random, most-active, most-recent and (when features ran) engagement rankings on the same products, with 95% bootstrap intervals. Viable when ALS precision@k is at least twice random and the interval of the difference lies above zero.'

  static override examples = [
    {description: 'The full attempt', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Faster: fewer iterations, a sample of products, loss every 5 iterations', command: '<%= config.bin %> <%= command.id %> --iterations 15 --eval-products 2000 --loss-every 5'},
    {description: 'Check CG against the exact solver', command: '<%= config.bin %> <%= command.id %> --solver cholesky --factors 16 --iterations 10'},
  ]

  static override flags = {
    factors: Flags.integer({description: 'Latent factors.', default: 50, min: 1, max: 1000}),
    iterations: Flags.integer({description: 'ALS iterations.', default: 50, min: 0}),
    regularization: Flags.string({description: 'λ.', default: '0.01'}),
    'weighted-regularization': Flags.boolean({description: 'Scale λ by each row’s number of interactions.', default: false}),
    alpha: Flags.string({description: 'Confidence slope: c = 1 + α·r, r the summed event weight of the pair.', default: '1'}),
    binary: Flags.boolean({description: 'Use r = 1 for every interacting pair.', default: false}),
    solver: Flags.string({description: 'cg (conjugate gradient, fast) or cholesky (exact, slow).', options: ['cg', 'cholesky'], default: 'cg'}),
    'cg-steps': Flags.integer({description: 'CG steps per row per iteration.', default: 3, min: 1}),
    k: Flags.integer({description: 'Audience size evaluated.', default: 10, min: 1, max: 64}),
    'eval-products': Flags.integer({description: 'Evaluate a seeded sample of this many products (default: all).', min: 1}),
    split: Flags.string({description: 'Share of interactions (by time) before the split.', default: '0.8'}),
    'loss-every': Flags.integer({description: 'Compute the training loss every N iterations (0: never).', default: 10, min: 0}),
    seed: Flags.integer({description: 'Seed for factors, samples and the bootstrap.', default: 42}),
    workers: Flags.integer({description: 'Threads for the ALS solves (default: 2 for large data, else 1); the factors are the same for any number.', min: 1, max: 64}),
  }

  public async run(): Promise<CfReport> {
    const {flags} = this
    const report = await this.withStore('write', (db) =>
      this.withProgress((progress) =>
        runCfAttempt(db, {
        factors: flags.factors,
        iterations: flags.iterations,
        regularization: Number(flags.regularization),
        weightedRegularization: flags['weighted-regularization'],
        alpha: Number(flags.alpha),
        binary: flags.binary,
        solver: flags.solver as 'cg' | 'cholesky',
        cgSteps: flags['cg-steps'],
        k: flags.k,
        evalProducts: flags['eval-products'],
        split: splitShare(flags.split),
        lossEvery: flags['loss-every'],
        seed: flags.seed,
        workers: flags.workers,
        onProgress: (text) => progress.update(text, text),
        onIteration: ({iteration, elapsedMs, loss}) =>
            progress.update('iter', `cf-attempt: iteration ${iteration}/${flags.iterations}, ${(elapsedMs / 1000).toFixed(2)} s${loss === null ? '' : `, loss ${loss.toExponential(4)}`}`),
        }),
      ),
    )
    this.say(renderCf(report))
    return report
  }
}
