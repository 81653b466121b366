import {spawn, spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import Database from 'better-sqlite3'
import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {runCli} from '../helpers/cli.js'
import {REPO_ROOT, tempDir} from '../helpers/tmp.js'

const hasScript = spawnSync('sh', ['-c', 'command -v script'], {encoding: 'utf8'}).status === 0

test('recommend with no id on a terminal asks for one, shows the audience and saves a CSV', async () => {
  if (!hasScript) {
    console.log('  (skipped: util-linux `script` is not installed, so no pseudo-terminal)')
    return
  }
  const tmp = tempDir()
  try {
    const db = tmp.file('s.db')
    assert.is(runCli(['pipeline', '--db', db, '--skip-cf']).code, 0)
    const store = new Database(db, {readonly: true})
    const known = store.prepare('SELECT product_id FROM products LIMIT 1').pluck().get() as string
    store.close()
    const saved = join(tmp.dir, 'saved.csv')
    // `script` gives the CLI a pseudo-terminal; answers arrive on it after each prompt.
    const child = spawn('script', ['-qfec', `${process.execPath} ${join(REPO_ROOT, 'bin/run.js')} recommend -n 4 --db ${db}`, '/dev/null'], {
      cwd: tmp.dir,
      env: {...process.env, CI: '', NO_COLOR: '1'},
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let out = ''
    let answered = 0
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString()
      // Each prompt is answered exactly once.
      if (answered === 0 && out.includes('Product id (e.g.')) {
        answered = 1
        child.stdin.write(`${known}\n`)
      }
      // The save prompt asks yes or no first ("no" is not a file name), then for the name.
      if (answered === 1 && out.includes('Save as CSV? [y/N]')) {
        answered = 2
        child.stdin.write('yes\n')
      }
      if (answered === 2 && out.includes('File name [audience-')) {
        answered = 3
        child.stdin.write(`${saved}\n`)
      }
      if (answered === 3 && out.includes('saved 4 rows')) child.stdin.end()
    })
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    assert.is(code, 0, out)
    assert.match(out, new RegExp(`Audience for product ${known}`))
    const lines = readFileSync(saved, 'utf8').trim().split('\r\n')
    assert.is(lines[0], 'product_id,rank,customer_id,score,interactions,distinct_products,last_seen,reason')
    assert.is(lines.length, 5)
  } finally {
    tmp.cleanup()
  }
})

test('Ctrl+C at the prompt stops with exit 130 and a plain message, not a bug report', async () => {
  if (!hasScript) return
  const tmp = tempDir()
  try {
    const db = tmp.file('s.db')
    assert.is(runCli(['pipeline', '--db', db, '--skip-cf']).code, 0)
    const child = spawn('script', ['-qfec', `${process.execPath} ${join(REPO_ROOT, 'bin/run.js')} recommend --db ${db}`, '/dev/null'], {cwd: tmp.dir, env: {...process.env, CI: '', NO_COLOR: '1'}, stdio: ['pipe', 'pipe', 'pipe']})
    let out = ''
    let sent = false
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString()
      if (!sent && out.includes('Product id (e.g.')) {
        sent = true
        child.stdin.write('\u0003')
      }
    })
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    assert.is(code, 130, out)
    assert.match(out, /stopped at the prompt/)
    assert.not.match(out, /bug/)
  } finally {
    tmp.cleanup()
  }
})

test.run()
