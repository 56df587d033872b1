import { defineConfig } from '@playwright/test'

/** Debian's Chromium; Playwright never downloads a browser of its own here. */
export const chromiumPath = process.env.MESHDECK_CHROMIUM ?? '/usr/bin/chromium'

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results',
  workers: 1,
  timeout: 90_000,
  reporter: [['list'], ['./test/e2e/skip-reasons-reporter.ts']],
  use: {
    viewport: { width: 1360, height: 860 },
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
  },
})
