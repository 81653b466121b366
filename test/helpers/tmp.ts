import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/** A fresh temporary folder per test (removed by `cleanup`). */
export function tempDir(): {dir: string; file(name: string, content?: string): string; cleanup(): void} {
  const dir = mkdtempSync(join(tmpdir(), 'recsys-test-'))
  return {
    dir,
    file(name: string, content?: string) {
      const path = join(dir, name)
      if (content !== undefined) writeFileSync(path, content)
      return path
    },
    cleanup: () => rmSync(dir, {recursive: true, force: true}),
  }
}

/** A slice of the REES46 sample (see fixtures/README.md), vendored so tests pass in any clone. */
export const REES46 = new URL('../../fixtures/rees46-sample.csv', import.meta.url).pathname
export const REPO_ROOT = new URL('../../', import.meta.url).pathname
