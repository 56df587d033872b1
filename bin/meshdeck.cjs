#!/usr/bin/env node
// The `meshdeck` command: runs the built CLI (npm run build makes it).
const { existsSync } = require('node:fs')
const { join } = require('node:path')

const cli = join(__dirname, '..', 'out', 'main', 'cli.js')
if (!existsSync(cli)) {
  console.error('meshdeck: not built yet. Run `npm run build` first (or `npm start`, which builds).')
  process.exit(1)
}
require(cli)
