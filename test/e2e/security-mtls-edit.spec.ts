import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { startDemoServe, type DemoServe } from './demo-serve'
import { screenshotDir } from './fixtures'

/**
 * Setting mTLS from the Security page, by clicks: the demo starts PERMISSIVE; choosing STRICT for
 * the demo namespace shows the YAML diff, Apply writes the mesh folder, the workloads switch, and
 * the topology then agrees with the Security page on every observed call.
 */
test.describe.configure({ mode: 'serial' })

let demo: DemoServe
test.beforeAll(async () => {
  demo = await startDemoServe('mtls-edit')
})
test.afterAll(async () => {
  await demo?.stop()
})

test('STRICT for a namespace from the Security page: diff, Apply, the file and the workloads follow', async ({ page }) => {
  test.setTimeout(150_000)
  await page.goto(`${demo.serve.url}#/security`)
  const table = page.getByRole('table', { name: 'mTLS by workload and port' })
  const reviews = table.locator('tr[data-workload="demo/reviews-v1"]')
  await expect(reviews).toContainText('PERMISSIVE', { timeout: 60_000 })

  const editor = page.getByTestId('peer-auth-editor')
  await editor.getByRole('combobox', { name: 'Namespace' }).selectOption('demo')
  await editor.getByRole('combobox', { name: 'Applies to' }).selectOption({ label: 'every workload in the namespace' })
  await editor.getByRole('radio', { name: /STRICT/ }).check()
  await editor.getByRole('button', { name: 'Preview' }).click()
  const diff = editor.getByRole('region', { name: 'YAML diff' }).or(editor.locator('pre.diff'))
  await expect(diff).toContainText('- ')
  await expect(diff).toContainText('mode: PERMISSIVE')
  await expect(diff).toContainText('+     mode: STRICT')
  await expect(editor).toContainText('PERMISSIVE → STRICT')
  await page.screenshot({ path: `${screenshotDir}/security-mtls-edit.png` })
  await editor.getByRole('button', { name: 'Apply' }).click()
  await expect(editor.getByRole('status')).toContainText('Applied: STRICT for every workload in demo')

  // The demo's own file changed (only the mode), and every workload now serves mTLS only.
  const file = readFileSync(join(demo.home, 'demo-mesh', 'demo-peer-authentication.yaml'), 'utf8')
  expect(file).toContain('mode: STRICT')
  expect(file).toContain('# PERMISSIVE: demo workloads accept both')
  await expect(reviews).toContainText('STRICT', { timeout: 30_000 })
  await expect(reviews.getByTestId('serves')).toHaveText('mTLS only')
  const calls = page.getByRole('table', { name: 'mTLS of observed calls' })
  const frontendToReviews = calls.locator('tr', { hasText: 'demo/frontend-v1' }).filter({ hasText: 'reviews.demo.svc.cluster.local' }).first()
  await expect(frontendToReviews.getByTestId('edge-mtls')).toHaveText('mTLS', { timeout: 90_000 })
})

test('one app back to PERMISSIVE gets a policy of its own, in a new file', async ({ page }) => {
  await page.goto(`${demo.serve.url}#/security`)
  const editor = page.getByTestId('peer-auth-editor')
  await editor.getByRole('combobox', { name: 'Applies to' }).selectOption({ label: 'workloads of app ratings' })
  await editor.getByRole('radio', { name: /PERMISSIVE/ }).check()
  await editor.getByRole('button', { name: 'Preview' }).click()
  await expect(editor).toContainText('new, PERMISSIVE')
  await expect(editor.locator('pre.diff')).toContainText('app: ratings')
  await editor.getByRole('button', { name: 'Apply' }).click()
  await expect(editor.getByRole('status')).toContainText('Applied: PERMISSIVE for app ratings in demo')
  expect(readFileSync(join(demo.home, 'demo-mesh', 'peer-authentication-demo-ratings.yaml'), 'utf8')).toContain('mode: PERMISSIVE')
  const ratings = page.getByRole('table', { name: 'mTLS by workload and port' }).locator('tr[data-workload="demo/ratings-v1"]')
  await expect(ratings).toContainText('PERMISSIVE', { timeout: 30_000 })
  await expect(ratings).toContainText('PeerAuthentication demo/ratings')
})

test('topology edges and the Security page agree on mTLS for every observed call', async ({ page }) => {
  test.setTimeout(120_000)
  // The Security page's verdict per caller → service, as the user reads it in its table.
  await page.goto(`${demo.serve.url}#/security`)
  const calls = page.getByRole('table', { name: 'mTLS of observed calls' })
  await expect(calls.getByRole('row').nth(1)).toBeVisible({ timeout: 60_000 })
  await expect.poll(async () => (await calls.getByTestId('edge-mtls').allTextContents()).every((t) => t !== 'pending'), { timeout: 60_000 }).toBe(true)
  const security = new Map<string, string>()
  for (const row of await calls.getByRole('row').all()) {
    const cells = await row.getByRole('cell').allTextContents()
    if (cells.length < 6) continue
    // Calls are compared per caller app → service (the Security page names workloads, the topology versions).
    const caller = (cells[0] ?? '').replace(/^demo\//, '').replace(/-v\d+$/, '')
    const service = (cells[1] ?? '').split('.')[0] ?? ''
    const verdict = cells[5] === 'mTLS' ? 'yes' : cells[5] === 'plaintext' ? 'no' : 'unknown'
    const before = security.get(`${caller} → ${service}`)
    security.set(`${caller} → ${service}`, before && before !== verdict ? 'mixed' : verdict)
  }
  expect(security.size).toBeGreaterThan(2)

  // The topology's table view says the same for each of those calls, and no request edge says unknown.
  await page.getByRole('link', { name: 'Topology', exact: true }).click()
  await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Table' }).click()
  const edges = page.getByRole('table', { name: 'Edges' })
  await expect(edges.getByRole('row').nth(1)).toBeVisible()
  const readTopology = async (): Promise<Map<string, string>> => {
    const found = new Map<string, string>()
    for (const row of await edges.locator('tbody tr').all()) {
      const name = (await row.getByRole('rowheader').textContent())?.trim() ?? ''
      const cells = await row.getByRole('cell').allTextContents()
      const key = name.replace(/ v\d+ → /, ' → ')
      const verdict = cells.at(-1) ?? ''
      if (cells[0] === 'request') found.set(key, found.has(key) && found.get(key) !== verdict ? 'mixed' : verdict)
    }
    return found
  }
  await expect
    .poll(async () => {
      const topology = await readTopology()
      return [...security].filter(([, verdict]) => verdict !== 'mixed').map(([call, verdict]) => `${call}: security ${verdict}, topology ${topology.get(call) ?? 'missing'}`).filter((line) => !/security (\w+), topology \1$/.test(line))
    }, { timeout: 30_000 })
    .toEqual([])
  // Route edges (a service's split over its versions) carry the same answer as the calls into them.
  const panelCall = edges.getByRole('button', { name: 'frontend v1 → reviews' })
  await panelCall.click()
  await expect(page.getByTestId('topology-panel')).toContainText(`mTLS${security.get('frontend → reviews')}`)
})
