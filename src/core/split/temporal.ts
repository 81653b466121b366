import {RecsysError} from '../errors.js'
import type {Dataset} from '../store/dataset.js'

export interface TemporalSplit {
  fraction: number
  /** Rows [0, trainRows) are before the split; the rest on or after it (rows are time-sorted). */
  trainRows: number
  splitTsMs: number
}

/**
 * Splits the time-sorted interactions at the `fraction` quantile of time: the split time is the
 * timestamp of row floor(fraction·n); every row strictly before it is train, the rest test. Rows
 * sharing the split timestamp all fall on the test side, so no instant is cut in two.
 */
export function temporalSplit(data: Pick<Dataset, 'tsMs' | 'nRows'>, fraction: number): TemporalSplit {
  if (!(fraction > 0 && fraction < 1)) {
    throw new RecsysError('USAGE', `--split must be between 0 and 1 (got ${fraction})`, 'Pass e.g. --split 0.8.')
  }
  const {tsMs, nRows} = data
  if (nRows < 2) throw new RecsysError('NO_DATA', 'a temporal split needs at least two interactions', 'Prepare more data.')
  const splitTsMs = tsMs[Math.min(nRows - 1, Math.floor(fraction * nRows))]
  let lo = 0
  let hi = nRows
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (tsMs[mid] < splitTsMs) lo = mid + 1
    else hi = mid
  }
  return {fraction, trainRows: lo, splitTsMs}
}
