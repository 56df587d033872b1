#!/usr/bin/env node
// `npm start`: the desktop app when Electron's binary is installed, otherwise the same UI in web mode.
const { spawn, spawnSync } = require('node:child_process')
const { join } = require('node:path')
const { findElectronBinary } = require('./electron-binary.cjs')

const root = join(__dirname, '..')
const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
})
if (build.status !== 0) process.exit(build.status ?? 1)

const electron = findElectronBinary(root)
const extra = process.argv.slice(2)
const child =
  'path' in electron
    ? spawn(electron.path, [root, ...extra], { cwd: root, stdio: 'inherit' })
    : (console.log(`Electron is not available: ${electron.missing}; starting web mode instead.`),
      spawn(process.execPath, [join(root, 'bin', 'meshdeck.cjs'), 'serve', '--demo', ...extra], { cwd: root, stdio: 'inherit' }))

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
