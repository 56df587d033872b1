import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { renderBootstrap } from '../../src/main/xds'
import { writeTempKubeconfig } from '../support/kubeconfig-fixture'
import { callApi, startServe, type ServeProcess } from '../support/serve-process'
import { startBackend, type Backend, type XdsTestClient, xdsClient } from '../support/xds-grpc'
import { createMeshDir, type MeshDir } from '../support/xds-mesh-dir'
import { destinationRuleYaml, reviewsSplitYaml, reviewsTwoVersionsYaml, toYaml, virtualServiceYaml } from '../support/xds-mesh-fixtures'
import { screenshotDir } from './fixtures'

// A real `meshdeck serve` on a mesh folder, a real grpc-js-xds client using it and real backends:
// a broken edit of the folder shows its finding on the Control plane page (and next to its object
// on the Canary page) while the client keeps its last good config and never NACKs.
let serve: ServeProcess
let meshDir: MeshDir
let home: string
let kubeconfig: ReturnType<typeof writeTempKubeconfig>
let backends: Backend[] = []
let client: XdsTestClient | undefined

test.describe.configure({ mode: 'serial' })

async function result<T>(method: string, params: unknown = {}): Promise<T> {
  const { body } = await callApi(serve, method, params)
  const outcome = body as { ok: boolean; result: T; error?: unknown }
  if (!outcome.ok) throw new Error(`${method}: ${JSON.stringify(outcome.error)}`)
  return outcome.result
}

test.beforeAll(async () => {
  test.setTimeout(90_000)
  backends = await Promise.all([startBackend({ name: 'v1' }), startBackend({ name: 'v2' })])
  meshDir = await createMeshDir()
  await meshDir.write('reviews.yaml', reviewsTwoVersionsYaml({ v1: backends[0]!.port, v2: backends[1]!.port }))
  await meshDir.write('reviews-vs.yaml', reviewsSplitYaml(80))
  home = mkdtempSync(join(tmpdir(), 'meshdeck-e2e-analysis-'))
  kubeconfig = writeTempKubeconfig()
  serve = await startServe(['--kubeconfig', kubeconfig.path, '--mesh-dir', meshDir.dir, '--xds-port', '0'], { MESHDECK_HOME: home })
})

test.afterAll(async () => {
  client?.close()
  await serve?.stop()
  await Promise.all(backends.map((b) => b.dispose()))
  await meshDir?.dispose()
  kubeconfig?.cleanup()
  if (home) rmSync(home, { recursive: true, force: true })
})

test('a broken edit in the mesh folder shows its finding on the Control plane page, and no client NACKs', async ({ page }) => {
  test.setTimeout(90_000)
  const { address } = await result<{ address: string }>('controlPlane.status')
  client = xdsClient('reviews:9080', renderBootstrap({ nodeId: 'e2e-analysis', xdsAddress: address, cluster: 'e2e' }))
  expect((await client.call()).code).toBe(0)

  await page.goto(`${serve.url}#/control-plane`)
  await expect(page.getByTestId('analysis-clean')).toHaveText('No findings: the mesh config analyses clean.')
  await expect(page.getByRole('row', { name: /e2e-analysis/ })).toBeVisible()

  // Subset v9 is defined nowhere: Istio's IST0101, at the subset's line of the file.
  const written = Date.now()
  await meshDir.writeText(
    'reviews-vs.yaml',
    toYaml([virtualServiceYaml({ name: 'reviews', hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 80 }, { destination: { host: 'reviews', subset: 'v9' }, weight: 20 }] }] })]),
  )
  const group = page.locator('[data-testid="analysis-group"][data-subject="VirtualService demo/reviews"]')
  const finding = group.getByTestId('analysis-finding')
  await expect(finding).toContainText('Error [IST0101] reviews-vs.yaml:')
  await expect(finding).toContainText('Referenced host+subset in destinationrule not found: "reviews+v9"')
  console.log(`broken edit written → finding on the page in ${Date.now() - written} ms`)
  await expect(page.getByTestId('analysis-level-Error')).toHaveText('Error 1')
  await page.screenshot({ path: `${screenshotDir}/analysis-findings.png` })

  // The client still has the last good config: its calls work and it NACKed nothing.
  expect((await client.call()).code).toBe(0)
  const clients = await result<unknown[]>('controlPlane.clients')
  expect(JSON.stringify(clients)).not.toContain('NACKED')
  await expect(page.getByText('Not applied because of errors')).toBeVisible()
  await expect(page.getByText(/e2e-analysis rejected/)).toHaveCount(0)

  // Filtering by level: hiding Errors hides the group, showing them again brings it back.
  await page.getByTestId('analysis-level-Error').click()
  await expect(group).toHaveCount(0)
  await expect(page.getByText('Every finding is at a level hidden above.')).toBeVisible()
  await page.getByTestId('analysis-level-Error').click()
  await expect(group).toBeVisible()

  // The Canary page shows the finding next to its route.
  await page.goto(`${serve.url}#/canary`)
  await expect(page.getByTestId('target-finding-badge').first()).toHaveText('Error')
  await expect(page.getByTestId('object-findings').first()).toContainText('[IST0101]')

  // Fixed: the page says so within a debounce.
  await meshDir.write('reviews-vs.yaml', reviewsSplitYaml(70))
  await page.goto(`${serve.url}#/control-plane`)
  await expect(page.getByTestId('analysis-clean')).toBeVisible()
})

test('the Security page shows a policy that denies everything by accident next to its name', async ({ page }) => {
  await page.goto(`${serve.url}#/security`)
  const findings = page.getByTestId('security-findings')
  await expect(findings).toContainText('The mesh analysis finds nothing wrong with the security policies.')
  // ALLOW with its rules left out allows nothing (Istio's deny-all idiom is `spec: {}`).
  await meshDir.writeText(
    'lockdown.yaml',
    toYaml([{ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'lockdown', namespace: 'demo' }, spec: { selector: { matchLabels: { app: 'reviews' } }, action: 'ALLOW' } }]),
  )
  await expect(findings.getByRole('heading', { name: 'AuthorizationPolicy demo/lockdown' })).toBeVisible()
  await expect(findings.getByTestId('object-findings')).toContainText('Warning [MDK0013] lockdown.yaml:')
  await expect(findings.getByTestId('object-findings')).toContainText('This ALLOW policy has no rules, so it allows nothing')
  await meshDir.writeText('lockdown.yaml', '')
  await expect(findings).toContainText('The mesh analysis finds nothing wrong with the security policies.')
})

test('the weight editor shows the Error new weights would add and will not apply them', async ({ page }) => {
  // v3 is defined but no workload serves it: sending it traffic would fail (MDK0019).
  const docs = reviewsTwoVersionsYaml({ v1: backends[0]!.port, v2: backends[1]!.port }).filter((d) => d.kind !== 'DestinationRule')
  await meshDir.write('reviews.yaml', [...docs, destinationRuleYaml({ name: 'reviews', host: 'reviews', subsets: ['v1', 'v2', 'v3'] })])
  await page.goto(`${serve.url}#/canary`)
  const v3 = page.getByRole('spinbutton', { name: 'Weight of v3 in percent' })
  await expect(v3).toBeVisible({ timeout: 15_000 })
  await v3.fill('10')
  await v3.press('Enter')
  await expect(page.getByTestId('weight-sum')).toHaveText('Sum 100%')
  const findings = page.getByTestId('edit-findings')
  await expect(findings).toContainText('Apply is blocked: the mesh analysis finds an Error in these weights.')
  await expect(findings).toContainText('Error [MDK0019] VirtualService demo/reviews')
  await expect(findings).toHaveAttribute('role', 'alert')
  await expect(page.getByRole('button', { name: 'Apply' })).toBeDisabled()
  await page.screenshot({ path: `${screenshotDir}/analysis-weight-blocked.png` })
  await meshDir.write('reviews.yaml', reviewsTwoVersionsYaml({ v1: backends[0]!.port, v2: backends[1]!.port }))
})

/** Where cytoscape drew the route edge to reviews v2 (read from its own registry: no hook in Meshdeck). */
function routeToV2(page: Page): Promise<{ x: number; y: number } | undefined> {
  return page.getByTestId('topology-graph').evaluate((el) => {
    type Edge = { id(): string; renderedMidpoint(): { x: number; y: number } }
    const cy = (el as unknown as { _cyreg: { cy: { edges(): { map<T>(f: (e: Edge) => T): T[] } } } })._cyreg.cy
    return cy.edges().map((e) => ({ id: e.id(), ...e.renderedMidpoint() })).find((e) => e.id.startsWith('route:') && e.id.endsWith('/reviews/v2'))
  })
}

test('the Topology side panel shows the findings of the objects behind a route', async ({ page }) => {
  const broken = [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 80 }, { destination: { host: 'reviews', subset: 'v9' }, weight: 20 }] }]
  await meshDir.writeText('reviews-vs.yaml', toYaml([virtualServiceYaml({ name: 'reviews', hosts: ['reviews'], http: broken })]))
  await page.goto(`${serve.url}#/topology`)
  // The route to v2 comes from the last good VirtualService, which keeps serving.
  await expect.poll(() => routeToV2(page), { timeout: 15_000 }).toBeDefined()
  const edge = (await routeToV2(page))!
  const box = (await page.getByTestId('topology-graph').boundingBox())!
  await page.mouse.click(box.x + edge.x, box.y + edge.y)
  const panel = page.getByTestId('topology-panel')
  const link = panel.getByRole('link', { name: 'VirtualService demo/reviews' })
  await expect(link).toBeVisible()
  await expect(panel.getByTestId('panel-findings-badge')).toHaveText('1 analysis finding(s), worst Error — see Configuration')
  const findings = panel.getByRole('listitem').filter({ has: page.getByRole('link', { name: 'VirtualService demo/reviews' }) }).getByTestId('object-findings')
  await expect(findings).toContainText('Error [IST0101]')
  await expect(findings).toContainText('"reviews+v9"')
  await page.screenshot({ path: `${screenshotDir}/analysis-topology-panel.png` })
  await meshDir.write('reviews-vs.yaml', reviewsSplitYaml(70))
})
