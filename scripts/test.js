#!/usr/bin/env node
// Runs every uvu suite under test/ (TypeScript through tsx) and ends with the one closing line
// CI reads: "N passed, M failed". uvu's own summary stays visible above it.
import {spawn} from 'node:child_process'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'

const require = createRequire(import.meta.url)
const uvuBin = join(dirname(require.resolve('uvu')), '..', 'bin.js')
const args = ['--import', 'tsx', '--no-warnings', uvuBin, 'test', '\\.test\\.ts$', ...process.argv.slice(2)]
// uvu colours its report unless told not to; CI logs read better plain.
const env = process.stdout.isTTY ? {...process.env} : {...process.env, NO_COLOR: '1'}
const child = spawn(process.execPath, args, {stdio: ['ignore', 'pipe', 'inherit'], env})

let output = ''
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk)
  output += chunk.toString()
})
child.on('close', (code) => {
  // eslint-disable-next-line no-control-regex
  const plain = output.replace(/\u001B\[[0-9;]*m/g, '')
  const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? 0)
  const passed = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? 0)
  const skipped = Number(/Skipped:\s+(\d+)/.exec(plain)?.[1] ?? 0)
  const failed = Math.max(0, total - passed - skipped)
  const crashed = code !== 0 && failed === 0
  console.log(`${passed} passed, ${crashed ? Math.max(1, failed) : failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
  if (total === 0) console.error('no test ran')
  process.exit(code !== 0 || total === 0 ? 1 : 0)
})
