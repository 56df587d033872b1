import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { startServe, type ServeProcess } from '../support/serve-process'
import { screenshotDir } from './fixtures'

/**
 * The Security page on `meshdeck serve --demo` with the demo namespace set to STRICT in the mesh
 * folder before start (the demo keeps a seed file that is already there): real CA, real workload
 * processes with certificates, real control plane, real Chromium. Nothing is fed by the test.
 */
let home: string
let serve: ServeProcess

test.beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'meshdeck-e2e-mtls-'))
  const kubeconfig = join(home, 'kubeconfig')
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncontexts: []\n')
  mkdirSync(join(home, 'demo-mesh'), { recursive: true })
  writeFileSync(
    join(home, 'demo-mesh', 'demo-peer-authentication.yaml'),
    'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: { name: default, namespace: demo }\nspec: { mtls: { mode: STRICT } }\n',
  )
  serve = await startServe(['--demo', '--xds-port', '0', '--kubeconfig', kubeconfig], { MESHDECK_HOME: home })
})

test.afterAll(async () => {
  await serve?.stop()
  rmSync(home, { recursive: true, force: true })
})

test('the Security page shows STRICT mTLS per workload port with certificate countdowns, and calls that are mutual TLS', async ({ page }) => {
  test.setTimeout(150_000)
  await page.goto(`${serve.url}#/security`)
  const table = page.getByRole('table', { name: 'mTLS by workload and port' })
  const reviews = table.locator('tr[data-workload="demo/reviews-v1"]')
  await expect(reviews).toBeVisible({ timeout: 60_000 })
  await expect(reviews).toContainText('STRICT')
  await expect(reviews).toContainText('PeerAuthentication demo/default')
  await expect(reviews.getByTestId('serves')).toHaveText('mTLS only')
  await expect(reviews).toContainText('spiffe://cluster.local/ns/demo/sa/reviews')
  // 24 h certificates: the countdown reads in hours and minutes.
  await expect(reviews.getByTestId('mtls-expires-in')).toContainText(/^2[34] h \d+ m/)

  const calls = page.getByRole('table', { name: 'mTLS of observed calls' })
  const frontendToReviews = calls.locator('tr', { hasText: 'demo/frontend-v1' }).filter({ hasText: 'reviews.demo.svc.cluster.local' }).first()
  await expect(frontendToReviews.getByTestId('edge-mtls')).toHaveText('mTLS', { timeout: 90_000 })
  await page.locator('section', { has: table }).screenshot({ path: join(screenshotDir, 'security-mtls.png') })
})

test('topology edges between STRICT workloads carry the mTLS lock', async ({ page }) => {
  test.setTimeout(120_000)
  await page.goto(`${serve.url}#/topology`)
  // What cytoscape drew, read from the library's own registry on the container (no hook in Meshdeck).
  const lockedEdges = (): Promise<number> =>
    page.getByTestId('topology-graph').evaluate((el) => {
      const reg = (el as unknown as { _cyreg?: { cy: { edges(): { map<T>(f: (e: { data(k: string): unknown }) => T): T[] } } } })._cyreg
      return reg ? reg.cy.edges().map((e) => String(e.data('label'))).filter((l) => l.startsWith('mTLS ✓')).length : 0
    })
  await expect.poll(lockedEdges, { timeout: 90_000, intervals: [1000] }).toBeGreaterThan(0)
  await page.screenshot({ path: join(screenshotDir, 'topology-mtls.png') })
})
