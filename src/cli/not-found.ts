import type {Hook} from '@oclif/core'

import {closestWord} from '../core/util/closest.js'
import {paint} from './render/style.js'

/**
 * `recsys frobnicate`: the same two lines as every other error (what went wrong, what to do), with
 * the nearest command when the word looks like a typo, and the usage exit code 2. Under --json
 * the error body goes to stdout, as every command's does.
 */
const hook: Hook<'command_not_found'> = async function ({argv, config, id}) {
  // oclif joins every word up to the first flag into the id ("prepar x.csv"): the command is the
  // first word, or the first two under a topic ("campaign reprot").
  const words = id.split(':')
  const topic = words.length > 1 && config.commandIDs.some((c) => c.startsWith(`${words[0]}:`))
  const typed = words.slice(0, topic ? 2 : 1).join(' ')
  const near = closestWord(typed, config.commandIDs.map((c) => c.split(':').join(' ')))
  const message = `"${typed}" is not a recsys command`
  const hint = `${near ? `Did you mean \`recsys ${near}\`? ` : ''}\`recsys --help\` lists every command.`
  if (argv?.includes('--json')) process.stdout.write(`${JSON.stringify({error: {code: 'USAGE', message, hint}}, null, 2)}\n`)
  else process.stderr.write(`${paint.red('Error:')} ${message}\n${paint.yellow('Try this:')} ${hint}\n`)
  process.exitCode = 2
}

export default hook
