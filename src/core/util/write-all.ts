import {writeSync} from 'node:fs'

const pause = new Int32Array(new SharedArrayBuffer(4))

/**
 * Writes all of `chunk` to a file descriptor, synchronously. A pipe to a slower reader takes part
 * of a write (writeSync returns how much) or none (EAGAIN, when the pipe is non-blocking); both
 * are retried until everything is written, waiting a millisecond when the pipe is full.
 */
export function writeAllSync(fd: number, chunk: string | Uint8Array): void {
  const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
  let offset = 0
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset, bytes.length - offset)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error
      Atomics.wait(pause, 0, 0, 1)
    }
  }
}
