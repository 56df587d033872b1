import { expect, test, type Page } from '@playwright/test'
import { startDemoServe, type DemoServe } from './demo-serve'
import { screenshotDir } from './fixtures'

/**
 * The Security and Control plane tables at 1280×720 against the real demo: no horizontal scrolling,
 * every column still there (shared values said once, details in a drawer); a type a client never
 * requested reads "not requested"; the config dump opens in a drawer per type with search, copy
 * and download.
 */
test.describe.configure({ mode: 'serial' })

let demo: DemoServe
test.beforeAll(async () => {
  demo = await startDemoServe('tables')
})
test.afterAll(async () => {
  await demo?.stop()
})

async function horizontalOverflow(page: Page): Promise<number> {
  return page.locator('main.content').evaluate((el) => el.scrollWidth - el.clientWidth)
}

test('the Security page fits 1280 px with every column, and a workload opens its certificate details', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 })
  await page.goto(`${demo.serve.url}#/security`)
  const table = page.getByRole('table', { name: 'mTLS by workload and port' })
  // A header and one row per demo workload with a port (loadgen serves none).
  await expect(table.getByRole('row')).toHaveCount(7, { timeout: 60_000 })
  await expect(table.getByRole('columnheader')).toHaveText(['Workload', 'Port', 'PeerAuthentication', 'Serves', "Callers' TLS", 'Authorization', 'Identity', 'Expires in'])
  await expect(page.getByTestId('mtls-shared')).toContainText('Every certificate: issued by O=Meshdeck')
  await expect(page.getByTestId('mtls-shared')).toContainText('trust domain cluster.local')
  expect(await horizontalOverflow(page)).toBe(0)
  await page.getByRole('button', { name: 'Certificate details of demo/reviews-v1' }).click()
  const drawer = page.getByRole('dialog', { name: 'Certificate of demo/reviews-v1' })
  await expect(drawer).toContainText('spiffe://cluster.local/ns/demo/sa/reviews')
  await expect(drawer).toContainText('Not after')
  await page.screenshot({ path: `${screenshotDir}/security-1280.png` })
  await drawer.getByRole('button', { name: 'Close certificate details' }).click()
  await expect(drawer).toHaveCount(0)
})

test('the Control plane fits 1280 px, says "not requested" for unrequested types, and opens a per-type config dump', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  await page.setViewportSize({ width: 1280, height: 720 })
  await page.goto(`${demo.serve.url}#/control-plane`)
  const table = page.getByRole('table', { name: 'xDS clients' })
  await expect(table.getByRole('row')).toHaveCount(8, { timeout: 60_000 })
  await expect(page.getByTestId('clients-shared')).toContainText('GENERATOR=grpc')
  expect(await horizontalOverflow(page)).toBe(0)
  // A server-only workload never asks for clusters: normal, so it reads "not requested", never NOT SENT.
  await expect(table.getByText('not requested').first()).toBeVisible()
  await expect(table.getByText('NOT SENT')).toHaveCount(0)
  await page.screenshot({ path: `${screenshotDir}/control-plane-1280.png` })

  // The frontend asks for every type; its dump opens in a drawer in view.
  await table.getByRole('row').filter({ hasText: 'frontend-v1' }).click()
  const drawer = page.getByRole('dialog', { name: /Config dump of .*frontend-v1/ })
  await expect(drawer).toBeInViewport()
  await expect(drawer.getByRole('group', { name: 'xDS type' }).getByRole('button')).toHaveText([/^LDS \(\d+\)$/, /^RDS \(\d+\)$/, /^CDS \(\d+\)$/, /^EDS \(\d+\)$/])
  await drawer.getByRole('button', { name: /^CDS/ }).click()
  const count = drawer.getByTestId('dump-count')
  await expect(count).toHaveText(/^(\d+) of \1 resource\(s\)$/)
  const total = Number((await count.textContent())?.split(' ')[0])
  expect(total).toBeGreaterThan(1)
  await drawer.getByRole('searchbox', { name: 'Search the config dump' }).fill('reviews')
  await expect(count).toHaveText(new RegExp(`^[1-9]\\d* of ${total} resource`))
  await expect(drawer.getByTestId('dump-text')).toContainText('reviews')
  await expect(drawer.getByTestId('dump-text')).not.toContainText('details.demo')
  await drawer.getByRole('button', { name: 'Copy' }).click()
  expect(await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText())).toContain('reviews')
  const [download] = await Promise.all([page.waitForEvent('download'), drawer.getByRole('button', { name: 'Download' }).click()])
  expect(download.suggestedFilename()).toMatch(/frontend-v1.*-CDS\.json$/)
  await page.screenshot({ path: `${screenshotDir}/control-plane-dump.png` })
  await page.keyboard.press('Escape')
  await expect(drawer).toHaveCount(0)
})
