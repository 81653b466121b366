import {writeFileAtomically} from '../util/atomic-file.js'
import {type GenerateOptions, type GenerateSummary, generateReferenceCsv} from './generate.js'
import {generateLoyalCsv} from './loyal.js'
import {generateRees46Csv} from './rees46.js'

export type GenerateProfile = 'reference' | 'loyal' | 'rees46'

/** The CSV of a profile, chunk by chunk through `write`. */
export function generateCsv(profile: GenerateProfile, options: GenerateOptions, write: (chunk: string) => void): GenerateSummary {
  if (profile === 'loyal') return generateLoyalCsv(options, write)
  if (profile === 'rees46') return generateRees46Csv(options, write)
  return generateReferenceCsv(options, write)
}

/**
 * Streams a generated CSV to `path`: written to a temporary file beside it and renamed at the end,
 * so a reader never sees half a file and a failure leaves nothing behind.
 */
export function writeGeneratedCsv(path: string, profile: GenerateProfile, options: GenerateOptions): GenerateSummary {
  return writeFileAtomically(path, (write) => generateCsv(profile, options, write))
}
