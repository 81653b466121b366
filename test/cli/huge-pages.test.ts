import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {spawn, spawnSync} from 'node:child_process'
import {join} from 'node:path'

import {hugePageEnv, hugePageTunables, transparentHugePageMode, userEnv} from '../../src/cli/huge-pages.js'
import {REPO_ROOT} from '../helpers/tmp.js'

const madvise = (): string => 'madvise'

const wants = (argv: string[], env: NodeJS.ProcessEnv = {}, platform = 'linux', mode = madvise): boolean => hugePageTunables(argv, env, platform, mode) !== undefined

test('the heavy stages ask for huge pages on Linux when the kernel gives them on request', () => {
  for (const command of ['explore', 'cf-attempt', 'features', 'train', 'bench']) {
    assert.is(hugePageTunables([command, '--db', 'x.db'], {}, 'linux', madvise), 'glibc.malloc.hugetlb=1', command)
  }
  // prepare also keeps large arrays mapped on their own, so that freed ones leave its peak.
  for (const command of ['prepare', 'pipeline']) {
    assert.is(hugePageTunables([command, 'x.csv'], {}, 'linux', madvise), 'glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=4194304', command)
  }
  assert.ok(wants(['--json', 'train']), 'flags before the command')
})

test('nothing changes elsewhere: light commands, other systems, other kernel modes, the user’s own setting', () => {
  assert.not.ok(wants(['recommend', '42']), 'recommend starts without the extra process')
  assert.not.ok(wants(['serve']))
  assert.not.ok(wants(['--help']), 'no command')
  assert.not.ok(wants(['train'], {}, 'darwin'))
  for (const mode of ['always', 'never', 'unknown']) assert.not.ok(wants(['train'], {}, 'linux', () => mode), mode)
  assert.not.ok(wants(['train'], {RECSYS_HUGE_PAGES: '0'}), 'opted out')
  assert.not.ok(wants(['train'], {GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0'}), 'the user chose')
})

test('the request is added to the tunables already set, not put in their place', () => {
  assert.is(hugePageEnv({}).GLIBC_TUNABLES, 'glibc.malloc.hugetlb=1')
  assert.is(hugePageEnv({GLIBC_TUNABLES: 'glibc.malloc.arena_max=2'}).GLIBC_TUNABLES, 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1')
  const both = 'glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=4194304'
  assert.is(hugePageEnv({GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=65536'}, both).GLIBC_TUNABLES, 'glibc.malloc.mmap_threshold=65536:glibc.malloc.hugetlb=1', 'a tunable the user set keeps the user’s value')
  const env = {PATH: '/bin'}
  assert.is(hugePageEnv(env).PATH, '/bin')
  assert.is((env as NodeJS.ProcessEnv).GLIBC_TUNABLES, undefined, 'the given environment is not changed')
})

test('userEnv gives back the environment the user started with (bench runs its stages in it)', () => {
  assert.equal(userEnv(hugePageEnv({PATH: '/bin'})), {PATH: '/bin'})
  assert.equal(userEnv(hugePageEnv({PATH: '/bin', GLIBC_TUNABLES: 'glibc.malloc.arena_max=2'})), {PATH: '/bin', GLIBC_TUNABLES: 'glibc.malloc.arena_max=2'})
  assert.equal(userEnv({PATH: '/bin', GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1'}), {PATH: '/bin', GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1'}, 'a setting of the user’s own is kept')
  // A stage started in the user's environment makes its own choice again.
  assert.ok(wants(['train'], userEnv(hugePageEnv({}))))
  assert.not.ok(wants(['train'], hugePageEnv({})), 'the child itself does not start another')
})

/** Processes whose command line holds `marker`, other than pgrep itself. */
function processesWith(marker: string): number[] {
  const r = spawnSync('pgrep', ['-f', '--', marker], {encoding: 'utf8'})
  return r.stdout.split('\n').filter(Boolean).map(Number)
}

test('through the child: a heavy stage’s exit code comes back, and a signal to the parent reaches the child', async () => {
  if (!hugePageTunables(['train'], process.env) || spawnSync('pgrep', ['--version']).error) {
    console.log(`  (skipped: no child here, transparent huge pages are "${transparentHugePageMode()}", or no pgrep)`)
    return
  }
  const run = join(REPO_ROOT, 'bin/run.js')
  const args = [run, 'train', '--db', join(REPO_ROOT, 'no-such-store.db')]
  const failed = spawnSync(process.execPath, args, {encoding: 'utf8'})
  const direct = spawnSync(process.execPath, args, {encoding: 'utf8', env: {...process.env, RECSYS_HUGE_PAGES: '0'}})
  assert.ok(failed.status !== 0)
  assert.is(failed.status, direct.status, 'the child’s exit code is the command’s, as without the child')
  assert.is(failed.stderr, direct.stderr)
  assert.match(failed.stderr, /no-such-store\.db/)
  // A bench long enough to be interrupted; the seed marks its processes.
  const marker = '--seed=918273645'
  const child = spawn(process.execPath, [run, 'bench', '--rows', '200000', '--runs', '3', marker], {stdio: 'ignore'})
  const exited = new Promise<[number | null, string | null]>((resolve) => child.on('exit', (code, signal) => resolve([code, signal])))
  for (let i = 0; i < 100 && processesWith(marker).length < 2; i++) await new Promise((r) => setTimeout(r, 50))
  assert.ok(processesWith(marker).length >= 2, 'the command runs in a child of its own')
  child.kill('SIGTERM')
  const [code, signal] = await exited
  assert.is(signal ?? String(code), 'SIGTERM', 'the parent ends by the child’s signal')
  for (let i = 0; i < 100 && processesWith(marker).length > 0; i++) await new Promise((r) => setTimeout(r, 50))
  assert.equal(processesWith(marker), [], 'no process is left behind')
  // A parent killed outright passes nothing on: the child notices it is orphaned and ends.
  const marker2 = '--seed=918273646'
  const killed = spawn(process.execPath, [run, 'bench', '--rows', '200000', '--runs', '3', marker2], {stdio: 'ignore'})
  for (let i = 0; i < 100 && processesWith(marker2).length < 2; i++) await new Promise((r) => setTimeout(r, 50))
  assert.ok(processesWith(marker2).length >= 2, 'the command runs in a child of its own')
  killed.kill('SIGKILL')
  for (let i = 0; i < 200 && processesWith(marker2).length > 0; i++) await new Promise((r) => setTimeout(r, 50))
  assert.equal(processesWith(marker2), [], 'no process is left behind')
})

test.run()
