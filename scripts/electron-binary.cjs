// Finds the Electron binary without triggering electron's own download-on-require.
const { existsSync, readFileSync } = require('node:fs')
const { join } = require('node:path')

/** @returns {{ path: string } | { missing: string }} */
function findElectronBinary(root = join(__dirname, '..')) {
  const pkg = join(root, 'node_modules', 'electron')
  if (!existsSync(join(pkg, 'package.json'))) return { missing: 'the electron package is not installed (run npm ci)' }
  const pathFile = join(pkg, 'path.txt')
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(pkg, 'dist')
  if (relative === undefined) return { missing: "Electron's binary was never downloaded (its installer needs network access)" }
  const binary = join(dist, relative)
  if (!existsSync(binary)) return { missing: `Electron's binary is missing at ${binary}` }
  return { path: binary }
}

module.exports = { findElectronBinary }
