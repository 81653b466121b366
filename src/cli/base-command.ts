import {Command, Flags, Interfaces} from '@oclif/core'

import {excerpt, isRecsysError, RecsysError} from '../core/errors.js'
import {type Db, DEFAULT_DB_PATH} from '../core/store/open.js'
import {type StoreMode, useStore} from '../core/store/session.js'
import {Progress} from './progress.js'
import {terminalWidth, wrapProse} from './render/format.js'
import {paint} from './render/style.js'

export type InferredFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>
export type InferredArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

interface ErrorBody {
  code: string
  message: string
  hint: string
  exitCode: number
}

/** oclif's own errors (flag parsing, unknown command) carry their exit code here. */
interface OclifLikeError extends Error {
  oclif?: {exit?: number}
  exitCode?: number
  code?: string
}

function toErrorBody(error: unknown, commandId: string): ErrorBody {
  if (isRecsysError(error)) return {code: error.code, message: error.message, hint: error.hint, exitCode: error.exitCode}
  const e = error as OclifLikeError
  const exit = e.oclif?.exit
  if (typeof exit === 'number' && exit !== 1) {
    return {code: exit === 2 ? 'USAGE' : 'EXIT', message: oneLine(e.message), hint: `See \`recsys ${commandId} --help\`.`, exitCode: exit}
  }
  return {
    code: 'UNEXPECTED',
    message: excerpt(firstLine(e?.message ?? String(error)), 300),
    hint: 'This looks like a bug in recsys; rerun with DEBUG=recsys to see the stack, and report it.',
    exitCode: 1,
  }
}

function firstLine(text: string): string {
  return text.split('\n').map((s) => s.trim()).find((s) => s.length > 0) ?? 'unknown error'
}

/** oclif's parse errors span lines ("Parsing --n\n\tExpected …"): one line, without its help pointer. */
function oneLine(text: string): string {
  const parts = text
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && !/^See more help with/.test(s))
  return excerpt(parts.join(': ') || 'unknown error', 300)
}

/**
 * Every recsys command: `--json` (oclif's flag), the global `--db` (or RECSYS_DB), parsed flags
 * on `this.flags`, and one error path: "Error: …" / "Try this: …" on stderr, or a JSON error body
 * on stdout, with the same exit code in both modes.
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override baseFlags = {
    db: Flags.string({
      description: 'SQLite store to read and write (default ./recsys.db, or RECSYS_DB).',
      env: 'RECSYS_DB',
      default: DEFAULT_DB_PATH,
      helpGroup: 'GLOBAL',
    }),
  }

  static override enableJsonFlag = true

  protected flags!: InferredFlags<T>
  protected args!: InferredArgs<T>
  /** Every positional argument as parsed (several, for commands with `strict = false`). */
  protected positional: string[] = []

  public override async init(): Promise<void> {
    await super.init()
    const {args, argv, flags} = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    })
    this.flags = flags as InferredFlags<T>
    this.args = args as InferredArgs<T>
    this.positional = argv as string[]
  }

  /** Runs `work` with the store at --db open in `mode`, and closes it whatever happens. */
  protected async withStore<R>(mode: StoreMode, work: (db: Db) => Promise<R> | R): Promise<R> {
    return useStore((this.flags as {db: string}).db, mode, work)
  }

  /** Runs `work` with a progress reporter (spinner on a TTY), stopped on success or failure. */
  protected async withProgress<R>(work: (progress: Progress) => Promise<R> | R): Promise<R> {
    const progress = await Progress.create(this.jsonEnabled())
    try {
      const result = await work(progress)
      progress.done()
      return result
    } catch (error) {
      progress.fail()
      throw error
    }
  }

  /** Human output only: stays silent under --json. */
  protected say(text: string): void {
    if (!this.jsonEnabled()) this.log(wrapProse(text, terminalWidth()))
  }

  /** Progress and notices: stderr, never under --json. */
  protected notice(text: string): void {
    if (!this.jsonEnabled()) process.stderr.write(`${text}\n`)
  }

  protected override toErrorJson(error: unknown): unknown {
    const {code, message, hint} = toErrorBody(error, this.id ?? '')
    return {error: {code, message, hint}}
  }

  protected override async catch(error: Interfaces.CommandError): Promise<unknown> {
    const body = toErrorBody(error, this.id ?? '')
    if (process.env.DEBUG?.includes('recsys') && error.stack) process.stderr.write(`${error.stack}\n`)
    process.exitCode = body.exitCode
    ;(error as OclifLikeError).exitCode = body.exitCode
    if (this.jsonEnabled()) {
      this.logJson(this.toErrorJson(error))
      return
    }
    process.stderr.write(`${paint.red('Error:')} ${body.message}\n`)
    if (body.hint) process.stderr.write(`${paint.yellow('Try this:')} ${body.hint}\n`)
    this.exit(body.exitCode)
  }
}

export function usageError(message: string, hint: string): RecsysError {
  return new RecsysError('USAGE', message, hint)
}
