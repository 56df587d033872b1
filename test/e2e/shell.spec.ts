import { pages } from '../../src/renderer/src/pages'
import { startServe } from '../support/serve-process'
import { writeTempKubeconfig } from '../support/kubeconfig-fixture'
import { expect, screenshotDir, test } from './fixtures'

test('opens with the token and visits every page through the navigation', async ({ page, serve }) => {
  const consoleErrors: string[] = []
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text())
  })
  await page.goto(serve.url)
  // The token leaves the address bar once the page has it.
  await expect(page).not.toHaveURL(/token=/)
  await expect(page.getByTestId('status-context')).toHaveText('dev')
  await expect(page.getByTestId('status-control-plane')).toContainText('control plane')

  for (const def of pages) {
    await page.locator(`nav a[data-page="${def.name}"]`).click()
    await expect(page).toHaveURL(new RegExp(`#${def.path}$`))
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(def.title)
    await expect(page).toHaveTitle(`${def.title} · Meshdeck`)
    await page.screenshot({ path: `${screenshotDir}/${def.name}.png` })
  }
  expect(consoleErrors).toEqual([])
})

test('an empty page says what will appear there and how to get it', async ({ page }) => {
  // Its own Meshdeck: the worker's shared one holds spans other specs sent it.
  const kubeconfig = writeTempKubeconfig()
  const fresh = await startServe(['--kubeconfig', kubeconfig.path])
  try {
    await page.goto(`${fresh.url}#/traces`)
    const empty = page.getByRole('status').filter({ hasText: 'No traces to show yet' })
    await expect(empty).toBeVisible()
    await expect(empty).toContainText('OpenTelemetry')
  } finally {
    await fresh.stop()
    kubeconfig.cleanup()
  }
})

test('the command palette jumps to a page and switches context from the keyboard', async ({ page, serve }) => {
  await page.goto(serve.url)
  await expect(page.getByTestId('status-context')).toHaveText('dev')
  await page.keyboard.press('Control+k')
  const palette = page.getByRole('dialog', { name: 'Command palette' })
  await expect(palette).toBeVisible()
  await page.keyboard.type('security')
  await page.keyboard.press('Enter')
  await expect(palette).toBeHidden()
  await expect(page).toHaveURL(/#\/security$/)

  await page.keyboard.press('Control+k')
  await page.keyboard.type('switch prod')
  await page.screenshot({ path: `${screenshotDir}/command-palette.png` })
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('status-context')).toHaveText('prod')
})

test('the Clusters page lists the kubeconfig contexts without their credentials', async ({ page, serve }) => {
  await page.goto(`${serve.url}#/clusters`)
  await expect(page.getByRole('row', { name: /^dev / })).toContainText('kubeconfig current')
  await expect(page.getByRole('row', { name: /^prod / })).toContainText('https://127.0.0.2:6443')
  expect(await page.content()).not.toContain('super-secret-token')
})

test('an API call from the page without the token is refused with 401', async ({ page, serve }) => {
  await page.goto(serve.url)
  const status = await page.evaluate(async () => (await fetch('/api/app.info', { method: 'POST', body: '{}' })).status)
  expect(status).toBe(401)
})
