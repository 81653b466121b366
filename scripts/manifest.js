#!/usr/bin/env node
// Writes oclif.manifest.json (every command's id, flags and args) after the build, so that running
// one command imports only that command's module instead of all of them: faster start-up.
import {writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {Plugin} from '@oclif/core'

const root = fileURLToPath(new URL('..', import.meta.url))
const plugin = new Plugin({root, type: 'core', isRoot: true, ignoreManifest: true, errorOnManifestCreate: true, respectNoCacheDefault: true})
await plugin.load()
const commands = Object.keys(plugin.manifest.commands)
writeFileSync(new URL('../oclif.manifest.json', import.meta.url), `${JSON.stringify(plugin.manifest, null, 2)}\n`)
console.log(`oclif.manifest.json: ${commands.length} commands (${commands.sort().join(', ')})`)
