import {setFlagsFromString} from 'node:v8'
import {runInNewContext} from 'node:vm'

let collect: (() => void) | null | undefined

/**
 * Runs V8's full collection now, where a stage has just dropped arrays of hundreds of megabytes:
 * typed arrays are freed only when a collection finds them unreachable, and V8 starts one late
 * after large frees, so without this the dropped arrays would still count in the stage's peak
 * memory. Two passes: the first finds the garbage, the second finishes sweeping its buffers. Does
 * nothing where the collector cannot be reached.
 */
export function releaseGarbage(): void {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc')
      collect = runInNewContext('gc') as () => void
    } catch {
      collect = null
    }
  }
  if (collect) {
    collect()
    collect()
  }
}
