import { expect, test } from '@playwright/test'
import { startDemoServe, type DemoServe } from './demo-serve'
import { screenshotDir } from './fixtures'

/**
 * Everything links, against the real demo: a config link in the topology side panel opens the
 * object itself as YAML with its findings; the command palette finds services, workloads, config
 * objects and trace ids, and gives focus back on Escape.
 */
test.describe.configure({ mode: 'serial' })

let demo: DemoServe
test.beforeAll(async () => {
  demo = await startDemoServe('links')
})
test.afterAll(async () => {
  await demo?.stop()
})

test('a config link in the side panel opens that object as YAML with its findings, and traces open filtered', async ({ page }) => {
  await page.goto(`${demo.serve.url}#/topology`)
  await expect(page.getByTestId('topology-counts')).toContainText('4 services', { timeout: 90_000 })
  await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Table' }).click()
  await page.getByRole('table', { name: 'Nodes' }).getByRole('button', { name: 'reviews', exact: true }).click()
  const panel = page.getByTestId('topology-panel')
  await panel.getByRole('link', { name: 'VirtualService demo/reviews' }).click()
  const drawer = page.getByRole('dialog', { name: 'VirtualService demo/reviews' })
  await expect(drawer).toBeVisible()
  await expect(drawer.getByTestId('object-yaml')).toContainText('kind: VirtualService')
  await expect(drawer.getByTestId('object-yaml')).toContainText('subset: v3')
  await expect(drawer.getByTestId('object-findings')).toBeVisible()
  await expect(drawer).toContainText('demo-reviews-routing.yaml')
  await page.screenshot({ path: `${screenshotDir}/config-object.png` })
  await drawer.getByRole('button', { name: 'Close object' }).click()
  await expect(drawer).toHaveCount(0)

  await page.goBack()
  await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Table' }).click()
  await page.getByRole('table', { name: 'Nodes' }).getByRole('button', { name: 'reviews', exact: true }).click()
  await page.getByTestId('panel-traces').click()
  await expect(page).toHaveURL(/#\/traces\?service=reviews/)
  await expect(page.getByRole('textbox', { name: 'Service' })).toHaveValue('reviews')

  // Its canary editor: the Canary page with reviews' route selected.
  await page.goBack()
  await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Table' }).click()
  await page.getByRole('table', { name: 'Nodes' }).getByRole('button', { name: 'reviews', exact: true }).click()
  await page.getByTestId('topology-panel').getByRole('link', { name: 'Open its canary editor' }).click()
  await expect(page).toHaveURL(/#\/canary\?namespace=demo&vs=reviews/)
  await expect(page.getByRole('heading', { level: 2, name: /^Weights · .*reviews/ })).toBeVisible()
})

test('the palette finds services, workloads, config objects and trace ids, and Escape gives focus back', async ({ page }) => {
  await page.goto(`${demo.serve.url}#/security`)
  await expect(page.getByRole('heading', { level: 1, name: 'Security' })).toBeVisible()
  const opener = page.getByRole('button', { name: /no cluster/ })
  await opener.focus()
  await page.keyboard.press('Control+k')
  const palette = page.getByRole('dialog', { name: 'Command palette' })
  const input = palette.getByRole('combobox', { name: 'Command' })
  await expect(input).toBeFocused()
  await input.fill('ratings')
  await expect(palette.getByRole('option', { name: /^Service ratings/ })).toBeVisible({ timeout: 20_000 })
  await expect(palette.getByRole('option', { name: /^Workload ratings v1/ })).toBeVisible()
  await input.fill('destinationrule reviews')
  await expect(palette.getByRole('option', { name: /^DestinationRule demo\/reviews/ })).toBeVisible()
  await input.fill('4bf92f3577b34da6a3ce929d0e0e4736')
  await expect(palette.getByRole('option')).toHaveText([/Open trace 4bf92f3577b34da6a3ce929d0e0e4736/])

  // Escape closes it and focus is back on what had it.
  await page.keyboard.press('Escape')
  await expect(palette).toHaveCount(0)
  await expect(opener).toBeFocused()

  // A workload chosen in the palette opens its side panel on the topology.
  await page.keyboard.press('Control+k')
  await input.fill('workload reviews v2')
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(/#\/topology\?select=/)
  await expect(page.getByTestId('topology-panel').getByRole('heading', { level: 2 })).toHaveText(/reviews v2|v2/)

  // A config object chosen in the palette opens as YAML.
  await page.keyboard.press('Control+k')
  await input.fill('virtualservice reviews')
  await page.keyboard.press('Enter')
  await expect(page.getByRole('dialog', { name: 'VirtualService demo/reviews' }).getByTestId('object-yaml')).toContainText('kind: VirtualService')
})
