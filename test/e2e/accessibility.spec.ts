import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'
import { startServe, type ServeProcess } from '../support/serve-process'
import { pages } from '../../src/renderer/src/pages'

/**
 * axe-core on every page and the states a user reaches by clicking (side panel, drawer, error
 * banner, empty states), in light and dark, against `meshdeck serve --demo` with no cluster: the
 * demo fills Topology, Canary, Traces, Security and Control plane; the cluster pages show their
 * empty states. Fails on any serious or critical violation and lists each one.
 */
test.describe.configure({ mode: 'serial' })

let home: string
let serve: ServeProcess

test.beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'meshdeck-e2e-a11y-'))
  const kubeconfig = join(home, 'kubeconfig')
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncontexts: []\n')
  serve = await startServe(['--demo', '--xds-port', '0', '--kubeconfig', kubeconfig], { MESHDECK_HOME: home })
})

test.afterAll(async () => {
  await serve?.stop()
  rmSync(home, { recursive: true, force: true })
})

/** The serious and critical violations on the page as it is now, one line per element. */
async function seriousViolations(page: Page, state: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze()
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${state}: [${v.impact}] ${v.id} — ${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1, 2).join(' ').trim() ?? v.help}`))
}

async function waitForTopology(page: Page): Promise<void> {
  await page.goto(`${serve.url}#/topology`)
  await expect(page.getByTestId('topology-counts')).toContainText('4 services', { timeout: 90_000 })
}

for (const scheme of ['light', 'dark'] as const) {
  test(`every page and state has no serious or critical axe violation (${scheme})`, async ({ page }) => {
    test.setTimeout(240_000)
    await page.emulateMedia({ colorScheme: scheme })
    const found: string[] = []
    await waitForTopology(page)
    for (const def of pages) {
      await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: def.title, exact: true }).click()
      await expect(page.getByRole('heading', { level: 1, name: def.title, exact: true })).toBeVisible()
      // Let the page's first fetch land, so what is checked is what a user reads.
      await page.waitForTimeout(1000)
      found.push(...(await seriousViolations(page, `${scheme} ${def.name}`)))
    }

    // States a user reaches by clicking: the topology's table view with a side panel open, the
    // config dump drawer, the certificate drawer, an error banner, and the narrow (icon) sidebar.
    await page.getByRole('link', { name: 'Topology', exact: true }).click()
    await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Table' }).click()
    await page.getByRole('table', { name: 'Nodes' }).getByRole('button', { name: 'reviews', exact: true }).click()
    await expect(page.getByTestId('topology-panel')).toBeVisible()
    found.push(...(await seriousViolations(page, `${scheme} topology table + side panel`)))
    await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Graph' }).click()
    found.push(...(await seriousViolations(page, `${scheme} topology graph + side panel`)))

    await page.getByRole('link', { name: 'Control plane', exact: true }).click()
    await page.getByRole('table', { name: 'xDS clients' }).getByRole('row').filter({ hasText: 'frontend-v1' }).click()
    await expect(page.getByTestId('config-dump')).toBeVisible()
    found.push(...(await seriousViolations(page, `${scheme} control-plane config dump drawer`)))
    await page.keyboard.press('Escape')

    await page.getByRole('link', { name: 'Security', exact: true }).click()
    await page.getByRole('button', { name: 'Certificate details of demo/reviews-v1' }).click()
    await expect(page.getByTestId('mtls-details')).toBeVisible()
    found.push(...(await seriousViolations(page, `${scheme} security certificate drawer`)))

    // The mTLS editor with its YAML diff.
    await page.getByRole('button', { name: 'Close certificate details' }).click()
    await page.getByTestId('peer-auth-editor').getByRole('button', { name: 'Preview' }).click()
    await expect(page.getByTestId('peer-auth-editor').locator('pre.diff')).toBeVisible()
    found.push(...(await seriousViolations(page, `${scheme} security mTLS diff`)))

    // A config object opened from the command palette (checked open, then as the drawer it opens).
    await page.keyboard.press('Control+k')
    await page.getByRole('combobox', { name: 'Command' }).fill('virtualservice reviews')
    await expect(page.getByRole('dialog', { name: 'Command palette' }).getByRole('option').first()).toBeVisible()
    found.push(...(await seriousViolations(page, `${scheme} command palette`)))
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('config-object')).toBeVisible()
    found.push(...(await seriousViolations(page, `${scheme} config object drawer`)))

    await page.getByRole('link', { name: 'Traces', exact: true }).click()
    await page.getByRole('textbox', { name: 'Attributes' }).fill('bogus')
    await page.getByRole('search', { name: 'Search traces' }).getByRole('button', { name: 'Find traces' }).click()
    await expect(page.getByRole('alert').first()).toBeVisible()
    found.push(...(await seriousViolations(page, `${scheme} traces error banner`)))

    await page.setViewportSize({ width: 1024, height: 700 })
    await page.getByRole('link', { name: 'Topology', exact: true }).click()
    found.push(...(await seriousViolations(page, `${scheme} narrow window (icon sidebar)`)))
    expect(found, found.join('\n')).toEqual([])
  })
}

test('the topology table is reached with the keyboard and Enter opens a node\'s side panel', async ({ page }) => {
  await waitForTopology(page)
  await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Table' }).click()
  const table = page.getByTestId('topology-table')
  await expect(table.getByRole('table', { name: 'Nodes' })).toBeVisible()
  await expect(table.getByRole('table', { name: 'Edges' }).getByRole('button', { name: 'frontend v1 → reviews', exact: true })).toBeVisible()
  // From the toggle, Tab walks into the table; no mouse from here on.
  let focused = ''
  for (let i = 0; i < 40 && focused !== 'reviews'; i++) {
    await page.keyboard.press('Tab')
    focused = await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement?.textContent?.trim() ?? '')
  }
  expect(focused).toBe('reviews')
  await page.keyboard.press('Enter')
  const panel = page.getByTestId('topology-panel')
  await expect(panel.getByRole('heading', { level: 2 })).toHaveText('reviews')
  await expect(table.getByRole('button', { name: 'reviews', exact: true })).toHaveAttribute('aria-pressed', 'true')
})
