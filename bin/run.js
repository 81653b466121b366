#!/usr/bin/env node
import {fileURLToPath} from 'node:url'
import {execute} from '@oclif/core'
import {endWithParent, hugePageTunables, rerunWithHugePages} from '../dist/cli/huge-pages.js'

// The heavy stages run in a child that asks the kernel for huge pages (see huge-pages.ts).
const argv = process.argv.slice(2)
const tunables = hugePageTunables(argv, process.env)
if (tunables) await rerunWithHugePages(fileURLToPath(import.meta.url), argv, tunables)
endWithParent()

// `recsys bench` runs each stage in a child process and asks it for its own peak memory.
if (process.env.RECSYS_RUSAGE_FILE) {
  const {writeFileSync} = await import('node:fs')
  const target = process.env.RECSYS_RUSAGE_FILE
  process.on('exit', () => writeFileSync(target, JSON.stringify({maxRssKb: process.resourceUsage().maxRSS})))
}

await execute({dir: import.meta.url})
