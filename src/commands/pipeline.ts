import {isAbsolute, relative} from 'node:path'

import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {fileArg, inputFlags, interruptGuard, prepareOptionsFrom, splitShare} from '../cli/input-flags.js'
import {renderPipeline} from '../cli/render/pipeline.js'
import type {RankerChoice} from '../core/audience/train.js'
import {runCfAttempt} from '../core/cf/attempt.js'
import {type PipelineReport, runPipeline} from '../core/pipeline.js'
import {RANKING_NAMES} from '../core/rankings/contract.js'

export default class Pipeline extends BaseCommand<typeof Pipeline> {
  static override summary = 'Run prepare, explore, features, cf-attempt and train in order, with one summary.'
  static override description = 'Stops at the first failing stage and exits non-zero naming it; the stages before it keep their stored results.'

  static override examples = [
    {description: 'The whole job on the bundled fixture', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'On your own file, without the collaborative-filtering attempt', command: '<%= config.bin %> <%= command.id %> interactions.csv --skip-cf'},
  ]

  static override args = fileArg
  static override flags = {
    ...inputFlags,
    'skip-cf': Flags.boolean({description: 'Leave out the collaborative-filtering attempt.', default: false}),
    'top-n': Flags.integer({description: 'Users per product audience.', default: 10, min: 1}),
    split: Flags.string({description: 'Share of interactions (by time) before the split, for explore and the evaluations.', default: '0.8'}),
    seed: Flags.integer({description: 'Seed for every random choice.', default: 42}),
    ranker: Flags.string({description: 'The ranking train ships, or auto to measure them all and ship the best.', options: ['auto', ...RANKING_NAMES], default: 'auto'}),
  }

  public async run(): Promise<PipelineReport> {
    const {flags} = this
    const options = prepareOptionsFrom(this.args.file, flags, (t) => this.notice(t))
    const guard = interruptGuard()
    try {
      const report = await this.withStore('create', (db) =>
        this.withProgress((progress) =>
          runPipeline(db, {
        prepare: {...options, signal: guard.signal},
        split: splitShare(flags.split),
        train: {topN: flags['top-n'], seed: flags.seed, ranker: flags.ranker as RankerChoice},
        cfAttempt: flags['skip-cf']
          ? undefined
          : async (store) => {
              const report = await runCfAttempt(store, {seed: flags.seed, split: splitShare(flags.split)})
              return {headline: `${report.verdict.viable ? 'viable' : 'not viable'}; use ${report.verdict.useRanking}`, report}
            },
        onStage: (stage) => {
          if (stage !== 'prepare') guard.release()
          progress.update(stage, `pipeline: ${stage}`)
            },
          }),
        ),
      )
      // The next command as this one was run: ./bin/run.js from a clone, recsys when installed.
      const script = process.argv[1] ?? ''
      const local = relative(process.cwd(), script)
      const bin = /run\.js$/.test(script) ? (local.startsWith('.') || isAbsolute(local) ? local : `./${local}`) : 'recsys'
      this.say(renderPipeline(report, {bin, db: this.flags.db === 'recsys.db' ? '' : this.flags.db}))
      return report
    } finally {
      guard.release()
    }
  }
}
