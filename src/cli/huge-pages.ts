import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {constants} from 'node:os'
import {Worker} from 'node:worker_threads'

const HUGE_PAGES = 'glibc.malloc.hugetlb=1'

/**
 * The stages that hold arrays of hundreds of megabytes on real-size logs, and what each asks glibc
 * for. The other commands (recommend, serve, ...) are small and called often: they start without
 * the extra process.
 *
 * prepare (and pipeline, which runs it) also fixes glibc's mmap threshold at 4 MiB. glibc raises
 * the threshold after a large block is freed, so later arrays of that size come from its heap,
 * where freed memory under huge pages stays resident: with huge pages alone the 50M-row peak went
 * from 3.3 to 4.1 GiB, over its 4 GiB bound. With the threshold fixed, arrays of 4 MiB and more
 * are mapped and unmapped on their own, and the many smaller read buffers stay on the heap (a
 * 128 KiB threshold mapped those too, and took 315 s): 222 s at a 3.1 GiB peak.
 */
const PREPARE_TUNABLES = `${HUGE_PAGES}:glibc.malloc.mmap_threshold=4194304`

const HEAVY_COMMANDS = new Map<string, string>([
  ['explore', HUGE_PAGES],
  ['cf-attempt', HUGE_PAGES],
  ['features', HUGE_PAGES],
  ['train', HUGE_PAGES],
  ['bench', HUGE_PAGES],
  ['prepare', PREPARE_TUNABLES],
  ['pipeline', PREPARE_TUNABLES],
])

/** The kernel's transparent huge page mode ("always", "madvise", "never"), or "unknown". */
export function transparentHugePageMode(): string {
  try {
    return /\[(\w+)\]/.exec(readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'))?.[1] ?? 'unknown'
  } catch {
    return 'unknown'
  }
}

/**
 * The glibc tunables this command should run again with, in a child process, or undefined.
 *
 * Node allocates typed arrays with malloc, and glibc hands large ones to the kernel in 4 KiB
 * pages. Where transparent huge pages are given only on request ("madvise", the default of Debian
 * and Ubuntu), every first touch of a page is a fault: measured here, filling a fresh 400 MB
 * array took 1.6 s with small pages and 0.1 s with 2 MiB ones, and a 50M-row train spent about a
 * third of its time in such faults. glibc asks for huge pages when the GLIBC_TUNABLES variable
 * says so, but reads it only when a process starts, hence the child. Elsewhere (not Linux, huge
 * pages always or never given, the user's own setting, RECSYS_HUGE_PAGES=0) nothing changes.
 */
export function hugePageTunables(argv: readonly string[], env: NodeJS.ProcessEnv, platform: string = process.platform, mode: () => string = transparentHugePageMode): string | undefined {
  if (platform !== 'linux' || env.RECSYS_HUGE_PAGES === '0') return undefined
  if ((env.GLIBC_TUNABLES ?? '').includes('glibc.malloc.hugetlb')) return undefined
  const command = argv.find((a) => !a.startsWith('-'))
  const tunables = command === undefined ? undefined : HEAVY_COMMANDS.get(command)
  return tunables !== undefined && mode() === 'madvise' ? tunables : undefined
}

/** Set in the child: the user's own GLIBC_TUNABLES ('' when unset), so it can be given back. */
const USER_TUNABLES = 'RECSYS_USER_GLIBC_TUNABLES'
/** Set in the child: the pid of the process that started it. */
const PARENT_PID = 'RECSYS_PARENT_PID'

/**
 * The environment with `tunables` added to any already set (a tunable the user set keeps the
 * user's value).
 */
export function hugePageEnv(env: NodeJS.ProcessEnv, tunables: string = HUGE_PAGES): NodeJS.ProcessEnv {
  const current = env.GLIBC_TUNABLES
  const own = new Set((current ?? '').split(':').map((t) => t.split('=')[0]))
  const added = tunables.split(':').filter((t) => !own.has(t.split('=')[0]))
  return {...env, GLIBC_TUNABLES: [...(current ? [current] : []), ...added].join(':'), [USER_TUNABLES]: current ?? ''}
}

/**
 * The environment as the user had it, without the request this process was started with: for the
 * stages `bench` runs, so each starts as it would from the user's shell (each heavy stage in its
 * own child, with its own tunables).
 */
export function userEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (env[USER_TUNABLES] === undefined) return {...env}
  const {[USER_TUNABLES]: original, [PARENT_PID]: _parent, ...rest} = env
  if (original) rest.GLIBC_TUNABLES = original
  else delete rest.GLIBC_TUNABLES
  return rest
}

/**
 * In the child: a parent killed outright (kill -9, an OOM kill) passes no signal on, so the child
 * checks every second that it still has that parent, and when orphaned sends itself SIGTERM, as
 * the parent would have (an interrupted stage leaves the store as it was). The check runs on a
 * thread of its own: the stages' kernels keep the main thread busy for seconds at a time.
 */
export function endWithParent(env: NodeJS.ProcessEnv = process.env): void {
  // The parent's pid comes from the parent: it may be gone before this child gets here.
  const parent = Number(env[PARENT_PID])
  if (env[USER_TUNABLES] === undefined || !(parent > 0)) return
  const watch = `const check = () => { if (process.ppid !== ${parent}) process.kill(process.pid, 'SIGTERM') }; check(); setInterval(check, 1000)`
  new Worker(watch, {eval: true}).unref()
}

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

/**
 * Runs `script argv` again in a child with huge pages asked for, with the same terminal, and ends
 * this process as the child ended (same exit code, or the same signal). Signals sent to this
 * process (Ctrl-C, kill) go on to the child. Resolves only if the child could not be started, so
 * the caller runs the command itself.
 */
export function rerunWithHugePages(script: string, argv: readonly string[], tunables: string): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, script, ...argv], {stdio: 'inherit', env: {...hugePageEnv(process.env, tunables), [PARENT_PID]: String(process.pid)}})
    const handlers = FORWARDED.map((signal) => [signal, (): boolean => child.kill(signal)] as const)
    const stopForwarding = (): void => {
      for (const [signal, handler] of handlers) process.off(signal, handler)
    }
    for (const [signal, handler] of handlers) process.on(signal, handler)
    child.once('error', () => {
      stopForwarding()
      resolve()
    })
    child.once('exit', (code, signal) => {
      stopForwarding()
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
