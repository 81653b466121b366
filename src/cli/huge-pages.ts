import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {constants} from 'node:os'

/**
 * The stages that hold arrays of hundreds of megabytes on real-size logs. The other commands
 * (recommend, serve, ...) are small and called often: they start without the extra process.
 * prepare (and pipeline, which runs it) is left out: with huge pages its 50M-row peak rose from
 * 3.3 to 4.1 GiB, over its 4 GiB bound, for 4% less time (220 s against 228 s); fixing glibc's
 * mmap threshold brought the peak back to 3.1 GiB but made it slower than without (315 s).
 */
const HEAVY_COMMANDS = new Set(['explore', 'cf-attempt', 'features', 'train', 'bench'])

const TUNABLE = 'glibc.malloc.hugetlb=1'

/** The kernel's transparent huge page mode ("always", "madvise", "never"), or "unknown". */
export function transparentHugePageMode(): string {
  try {
    return /\[(\w+)\]/.exec(readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'))?.[1] ?? 'unknown'
  } catch {
    return 'unknown'
  }
}

/**
 * Whether this command should run again in a child process that asks for huge pages.
 *
 * Node allocates typed arrays with malloc, and glibc hands large ones to the kernel in 4 KiB
 * pages. Where transparent huge pages are given only on request ("madvise", the default of Debian
 * and Ubuntu), every first touch of a page is a fault: measured here, filling a fresh 400 MB
 * array took 1.6 s with small pages and 0.1 s with 2 MiB ones, and a 50M-row train spent about a
 * third of its time in such faults. glibc asks for huge pages when the GLIBC_TUNABLES variable
 * says so, but reads it only when a process starts, hence the child. Elsewhere (not Linux, huge
 * pages always or never given, the user's own setting, RECSYS_HUGE_PAGES=0) nothing changes.
 */
export function wantsHugePages(argv: readonly string[], env: NodeJS.ProcessEnv, platform: string = process.platform, mode: () => string = transparentHugePageMode): boolean {
  if (platform !== 'linux' || env.RECSYS_HUGE_PAGES === '0') return false
  if ((env.GLIBC_TUNABLES ?? '').includes('glibc.malloc.hugetlb')) return false
  const command = argv.find((a) => !a.startsWith('-'))
  return command !== undefined && HEAVY_COMMANDS.has(command) && mode() === 'madvise'
}

/** Set in the child: the user's own GLIBC_TUNABLES ('' when unset), so it can be given back. */
const USER_TUNABLES = 'RECSYS_USER_GLIBC_TUNABLES'

/** The environment with the huge page request added to any tunables already set. */
export function hugePageEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const current = env.GLIBC_TUNABLES
  return {...env, GLIBC_TUNABLES: current ? `${current}:${TUNABLE}` : TUNABLE, [USER_TUNABLES]: current ?? ''}
}

/**
 * The environment as the user had it, without the request this process was started with: for the
 * stages `bench` runs, so each starts as it would from the user's shell (prepare without huge
 * pages, the others with them, each in its own child).
 */
export function userEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (env[USER_TUNABLES] === undefined) return {...env}
  const {[USER_TUNABLES]: original, ...rest} = env
  if (original) rest.GLIBC_TUNABLES = original
  else delete rest.GLIBC_TUNABLES
  return rest
}

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

/**
 * Runs `script argv` again in a child with huge pages asked for, with the same terminal, and ends
 * this process as the child ended (same exit code, or the same signal). Signals sent to this
 * process (Ctrl-C, kill) go on to the child. Resolves only if the child could not be started, so
 * the caller runs the command itself.
 */
export function rerunWithHugePages(script: string, argv: readonly string[]): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, script, ...argv], {stdio: 'inherit', env: hugePageEnv(process.env)})
    const forward = (signal: NodeJS.Signals) => (): void => {
      child.kill(signal)
    }
    const handlers = FORWARDED.map((signal) => [signal, forward(signal)] as const)
    for (const [signal, handler] of handlers) process.on(signal, handler)
    child.once('error', () => {
      for (const [signal, handler] of handlers) process.off(signal, handler)
      resolve()
    })
    child.once('exit', (code, signal) => {
      for (const [s, handler] of handlers) process.off(s, handler)
      if (signal) {
        process.kill(process.pid, signal)
        // A signal Node ignores (SIGPIPE) does not end this process: exit as a shell would report it.
        setTimeout(() => process.exit(128 + (constants.signals[signal] ?? 0)), 100)
        return
      }
      process.exit(code ?? 1)
    })
  })
}
