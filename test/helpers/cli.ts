import {spawnSync} from 'node:child_process'
import {join} from 'node:path'

import {REPO_ROOT} from './tmp.js'

export interface Spawned {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the built CLI (bin/run.js) as a user would: a child process, no TTY, CI unset unless given. */
export function runCli(args: string[], options: {input?: string; env?: Record<string, string | undefined>; cwd?: string} = {}): Spawned {
  const env: Record<string, string | undefined> = {...process.env, CI: undefined, FORCE_COLOR: undefined, NO_COLOR: undefined, RECSYS_DB: undefined, ...options.env}
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k]
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/run.js'), ...args], {
    input: options.input ?? '',
    encoding: 'utf8',
    env: env as NodeJS.ProcessEnv,
    cwd: options.cwd ?? REPO_ROOT,
    maxBuffer: 64 << 20,
  })
  return {code: result.status, stdout: result.stdout, stderr: result.stderr}
}
