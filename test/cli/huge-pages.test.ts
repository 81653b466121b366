import {test} from 'uvu'
import * as assert from 'uvu/assert'

import {hugePageEnv, wantsHugePages} from '../../src/cli/huge-pages.js'

const madvise = (): string => 'madvise'

test('the heavy stages ask for huge pages on Linux when the kernel gives them on request', () => {
  for (const command of ['prepare', 'explore', 'cf-attempt', 'features', 'train', 'pipeline', 'bench']) {
    assert.ok(wantsHugePages([command, '--db', 'x.db'], {}, 'linux', madvise), command)
  }
  assert.ok(wantsHugePages(['--json', 'train'], {}, 'linux', madvise), 'flags before the command')
})

test('nothing changes elsewhere: light commands, other systems, other kernel modes, the user’s own setting', () => {
  assert.not.ok(wantsHugePages(['recommend', '42'], {}, 'linux', madvise), 'recommend starts without the extra process')
  assert.not.ok(wantsHugePages(['serve'], {}, 'linux', madvise))
  assert.not.ok(wantsHugePages(['--help'], {}, 'linux', madvise), 'no command')
  assert.not.ok(wantsHugePages(['train'], {}, 'darwin', madvise))
  for (const mode of ['always', 'never', 'unknown']) assert.not.ok(wantsHugePages(['train'], {}, 'linux', () => mode), mode)
  assert.not.ok(wantsHugePages(['train'], {RECSYS_HUGE_PAGES: '0'}, 'linux', madvise), 'opted out')
  assert.not.ok(wantsHugePages(['train'], {GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0'}, 'linux', madvise), 'the user chose')
})

test('the request is added to the tunables already set, not put in their place', () => {
  assert.is(hugePageEnv({}).GLIBC_TUNABLES, 'glibc.malloc.hugetlb=1')
  assert.is(hugePageEnv({GLIBC_TUNABLES: 'glibc.malloc.arena_max=2'}).GLIBC_TUNABLES, 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1')
  const env = {PATH: '/bin'}
  assert.is(hugePageEnv(env).PATH, '/bin')
  assert.is((env as NodeJS.ProcessEnv).GLIBC_TUNABLES, undefined, 'the given environment is not changed')
})

test.run()
