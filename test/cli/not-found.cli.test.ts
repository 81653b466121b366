import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {runCli} from '../helpers/cli.js'

test('an unknown command gets the usual two error lines, the nearest command, and exit 2', () => {
  const typo = runCli(['prepar', 'log.csv'])
  assert.is(typo.code, 2)
  assert.equal(typo.stderr.trimEnd().split('\n'), ['Error: "prepar" is not a recsys command', 'Try this: Did you mean `recsys prepare`? `recsys --help` lists every command.'])
  const nothingNear = runCli(['frobnicate'])
  assert.is(nothingNear.code, 2)
  assert.match(nothingNear.stderr, /^Error: "frobnicate" is not a recsys command\nTry this: `recsys --help` lists every command\.\n$/)
  const json = runCli(['campaign', 'reprot', '--json'])
  assert.is(json.code, 2)
  assert.equal(JSON.parse(json.stdout), {error: {code: 'USAGE', message: '"campaign reprot" is not a recsys command', hint: 'Did you mean `recsys campaign report`? `recsys --help` lists every command.'}})
})

test.run()
