#!/usr/bin/env node
import {execute} from '@oclif/core'

// `recsys bench` runs each stage in a child process and asks it for its own peak memory.
if (process.env.RECSYS_RUSAGE_FILE) {
  const {writeFileSync} = await import('node:fs')
  const target = process.env.RECSYS_RUSAGE_FILE
  process.on('exit', () => writeFileSync(target, JSON.stringify({maxRssKb: process.resourceUsage().maxRSS})))
}

await execute({dir: import.meta.url})
