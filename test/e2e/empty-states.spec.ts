import { expect, test } from '@playwright/test'
import { startDemoServe, type DemoServe } from './demo-serve'

/**
 * Empty states lead somewhere: with the demo running and a kubeconfig without contexts, every
 * empty page offers actions, none of them back to itself or to another empty page (no loop), and
 * following one lands on a page that has something to do.
 */
let demo: DemoServe
test.beforeAll(async () => {
  demo = await startDemoServe('empty')
})
test.afterAll(async () => {
  await demo?.stop()
})

const emptyPages = ['Nodes', 'Pods', 'Workloads', 'Clusters']

test('every empty page offers a way out that is not itself nor another empty page, and each one works', async ({ page }) => {
  test.setTimeout(120_000)
  await page.goto(`${demo.serve.url}#/topology`)
  await expect(page.getByTestId('topology-counts')).toContainText('4 services', { timeout: 90_000 })
  const nav = page.getByRole('navigation', { name: 'Pages' })
  for (const title of emptyPages) {
    await nav.getByRole('link', { name: title, exact: true }).click()
    const actions = page.getByTestId('empty-actions').getByRole('link')
    // No contexts in the kubeconfig: "choose a context" would send the user to an empty Clusters page.
    await expect(actions).toHaveText(['Create a local cluster', 'Open the demo mesh'])
    for (const href of await actions.evaluateAll((links) => links.map((l) => l.getAttribute('href') ?? ''))) {
      expect(emptyPages.map((p) => `#/${p.toLowerCase()}`)).not.toContain(href)
    }
  }
  // Following them: the demo's topology, and the Local clusters page with its New cluster button.
  await page.getByTestId('empty-actions').getByRole('link', { name: 'Open the demo mesh' }).click()
  await expect(page.getByTestId('topology-counts')).toContainText('4 services')
  await nav.getByRole('link', { name: 'Nodes', exact: true }).click()
  await page.getByTestId('empty-actions').getByRole('link', { name: 'Create a local cluster' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Local clusters' })).toBeVisible()
  await expect(page.getByRole('button', { name: /New cluster/ }).first()).toBeVisible()
})
