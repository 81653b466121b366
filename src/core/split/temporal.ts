import {RecsysError} from '../errors.js'
import type {Dataset} from '../store/dataset.js'

export interface TemporalSplit {
  fraction: number
  /** Rows [0, trainRows) are before the split; the rest on or after it (rows are time-sorted). */
  trainRows: number
  splitTsMs: number
}

/**
 * Splits the time-sorted interactions near the `fraction` quantile of time: every row strictly
 * before the split time is train, the rest test, so no instant is cut in two. The rows sharing the
 * timestamp of row floor(fraction·n) go to the test side, or, when that leaves the train share
 * over a point short and the train side is nearer, to the train side: with coarse timestamps
 * (dates only) that tie group can be a large part of the log. When every row has one timestamp,
 * nothing is before the split (trainRows 0).
 */
export function temporalSplit(data: Pick<Dataset, 'tsMs' | 'nRows'>, fraction: number): TemporalSplit {
  if (!(fraction > 0 && fraction < 1)) {
    throw new RecsysError('USAGE', `--split must be between 0 and 1 (got ${fraction})`, 'Pass e.g. --split 0.8.')
  }
  const {tsMs, nRows} = data
  if (nRows < 2) throw new RecsysError('NO_DATA', 'a temporal split needs at least two interactions', 'Prepare more data.')
  const tie = tsMs[Math.min(nRows - 1, Math.floor(fraction * nRows))]
  // The tie group is rows [first, end).
  const first = firstRowAfter(tsMs, nRows, (t) => t < tie)
  const end = firstRowAfter(tsMs, nRows, (t) => t <= tie)
  const wanted = fraction * nRows
  // The tie group goes to the test side, unless that misses the asked share by over a point and
  // the train side is nearer: fine-grained logs split exactly as they always have.
  const off = wanted - first
  const trainRows = end < nRows && (first === 0 || (off > SHARE_TOLERANCE * nRows && end - wanted < off)) ? end : first
  return {fraction, trainRows, splitTsMs: tsMs[Math.min(trainRows, nRows - 1)]}
}

/** How far (a share of all rows) the split may miss the asked share before the tie group moves. */
const SHARE_TOLERANCE = 0.01

/** The first row whose time fails `before` (times ascending; nRows when none does). */
function firstRowAfter(tsMs: Float64Array, nRows: number, before: (t: number) => boolean): number {
  let lo = 0
  let hi = nRows
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (before(tsMs[mid])) lo = mid + 1
    else hi = mid
  }
  return lo
}
