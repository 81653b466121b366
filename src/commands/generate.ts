import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {int} from '../cli/render/format.js'
import {RecsysError} from '../core/errors.js'
import type {GenerateSummary} from '../core/synth/generate.js'
import {generateCsv, type GenerateProfile, writeGeneratedCsv} from '../core/synth/write.js'
import {writeAllSync} from '../core/util/write-all.js'

export default class Generate extends BaseCommand<typeof Generate> {
  static override summary = 'Write a reference-shaped interaction log (with dirt to clean) of any size.'
  static override description =
    'Deterministic from --seed. Reproduces the reference marketplace statistics: 88.8% one-time users, 3.05% retention and 57% new products across the 80% time split, the event mix of cart/purchased/wishlist/search_keyword/rating, six months of 2022-10 to 2023-03; plus exact duplicates, null and non-numeric ids, bad timestamps and bot users.'

  static override examples = [
    {description: 'Half a million rows to a file', command: '<%= config.bin %> <%= command.id %> --rows 500000 --seed 7 --out big.csv'},
    {description: 'Straight into prepare', command: '<%= config.bin %> <%= command.id %> --rows 20000 | <%= config.bin %> prepare -'},
  ]

  static override flags = {
    rows: Flags.integer({description: 'Rows to write (dirt included).', default: 50_000, min: 100}),
    seed: Flags.integer({description: 'Random seed; the same seed gives the same file.', default: 42}),
    out: Flags.string({description: 'File to write (default: stdout).', char: 'o'}),
    profile: Flags.string({
      description: 'reference: the churn-heavy reference marketplace (with dirt); loyal: repeat customers in taste groups, where collaborative filtering should work; rees46: a multi-category store month shaped like the public REES46 log (view/cart/purchase, category_code, brand, price).',
      options: ['reference', 'loyal', 'rees46'],
      default: 'reference',
    }),
  }

  public async run(): Promise<GenerateSummary> {
    const {flags} = this
    if (this.jsonEnabled() && !flags.out) {
      throw new RecsysError('USAGE', '--json needs --out FILE: stdout is taken by the JSON summary', 'Add --out data.csv.')
    }
    const target = flags.out
    const options = {rows: flags.rows, seed: flags.seed}
    const profile = flags.profile as GenerateProfile
    let summary: GenerateSummary
    try {
      summary = target ? writeGeneratedCsv(target, profile, options) : generateCsv(profile, options, (chunk) => writeAllSync(1, chunk))
    } catch (error) {
      // The reader went away (`generate | head`): stop, as Unix tools do, without an error.
      if ((error as NodeJS.ErrnoException).code === 'EPIPE') process.exit(0)
      throw error
    }
    const d = summary.injected
    this.notice(
      `generated ${int(summary.rows)} rows${target ? ` to ${target}` : ''} (seed ${summary.seed}): ${int(summary.cleanRows)} clean, ${int(summary.users)} users, ${int(summary.products)} products; dirt: ${int(d.duplicates)} duplicates, ${int(d.nullUserId + d.nullProductId)} null ids, ${int(d.invalidUserId + d.invalidProductId)} non-numeric ids, ${int(d.badTimestamp)} bad timestamps, ${d.botUsers} bots (${int(d.botRows)} rows)`,
    )
    return summary
  }
}
