import {closeSync, openSync, renameSync, rmSync, writeSync} from 'node:fs'

import {RecsysError} from '../errors.js'
import {type GenerateOptions, type GenerateSummary, generateReferenceCsv} from './generate.js'
import {generateLoyalCsv} from './loyal.js'

export type GenerateProfile = 'reference' | 'loyal'

/** The CSV of a profile, chunk by chunk through `write`. */
export function generateCsv(profile: GenerateProfile, options: GenerateOptions, write: (chunk: string) => void): GenerateSummary {
  return profile === 'loyal' ? generateLoyalCsv(options, write) : generateReferenceCsv(options, write)
}

/**
 * Streams a generated CSV to `path`: written to a temporary file beside it and renamed at the end,
 * so a reader never sees half a file and a failure leaves nothing behind.
 */
export function writeGeneratedCsv(path: string, profile: GenerateProfile, options: GenerateOptions): GenerateSummary {
  const tmp = `${path}.tmp-${process.pid}`
  let fd: number
  try {
    fd = openSync(tmp, 'w')
  } catch (error) {
    throw new RecsysError('USAGE', `cannot write ${path}: ${(error as Error).message}`, 'Check that the folder exists and is writable.')
  }
  try {
    const summary = generateCsv(profile, options, (chunk) => {
      writeSync(fd, chunk)
    })
    closeSync(fd)
    renameSync(tmp, path)
    return summary
  } catch (error) {
    closeSync(fd)
    rmSync(tmp, {force: true})
    throw error
  }
}
