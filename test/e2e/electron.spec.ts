import { _electron as electron, expect, test } from '@playwright/test'
import { join } from 'node:path'
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { findElectronBinary } = require('../../scripts/electron-binary.cjs') as {
  findElectronBinary: () => { path: string } | { missing: string }
}

// MESHDECK_ELECTRON_EXECUTABLE: a packaged app (electron-builder's output, or an installed one),
// started as a user starts it; otherwise the Electron binary from node_modules on this checkout.
const packaged = process.env.MESHDECK_ELECTRON_EXECUTABLE
const binary = packaged ? { path: packaged } : findElectronBinary()
const reason = 'missing' in binary ? `Electron e2e did not run: ${binary.missing}.` : ''

test.describe('desktop app (Electron)', () => {
  test.skip('missing' in binary, reason)

  test('opens one secure window that shows the app through the preload bridge', async () => {
    const app = await electron.launch({
      executablePath: (binary as { path: string }).path,
      args: packaged ? [] : [join(__dirname, '..', '..')],
    })
    try {
      const window = await app.firstWindow()
      await expect(window.getByText('Meshdeck').first()).toBeVisible()
      const exposed = await window.evaluate(() => Object.keys((window as unknown as { meshdeck: object }).meshdeck).sort())
      expect(exposed).toEqual(['call', 'on'])
      const hasNode = await window.evaluate(() => typeof (globalThis as { require?: unknown }).require !== 'undefined')
      expect(hasNode).toBe(false)
      await window.screenshot({ path: 'artifacts/screenshots/electron.png' })
    } finally {
      await app.close()
    }
  })
})
