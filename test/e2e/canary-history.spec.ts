import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node'
import { expect, test } from '@playwright/test'
import { adminKubeConfig, installIstioCrds, TestCluster } from '../cluster'
import { callApi, startServe, type ServeProcess } from '../support/serve-process'

const screenshotDir = 'artifacts/screenshots'

// A real kube-apiserver with Istio's CRDs and one real `meshdeck serve` connected to it. Two
// rollouts run on the cluster's VirtualService through the API (one rolls back: no traffic reaches
// the canary here; one is aborted); the Canary page must list both, newest first.
let cluster: TestCluster
let kc: KubeConfig
let serve: ServeProcess
// Rollout history lives in the data folder: a fresh one, so only this test's rollouts are listed.
let home: string

interface Rollout {
  spec: { id: string }
  phase: string
}

async function result<T>(method: string, params: unknown = {}): Promise<T> {
  const { body } = await callApi(serve, method, params)
  const outcome = body as { ok: boolean; result: T; error?: unknown }
  if (!outcome.ok) throw new Error(`${method}: ${JSON.stringify(outcome.error)}`)
  return outcome.result
}

const target = { context: 'admin', namespace: 'shop', name: 'reviews', route: { name: 'default' } }
// Read from the mesh's own sources: this cluster has no Prometheus, and with `auto` a rollout on it
// pauses saying so (prometheus-canary tests that); here it rolls back on its 0 requests.
const plan = { steps: [50, 100], intervalSeconds: 1, analysis: { maxErrorRate: 0.05, maxP99Ms: 500, minRequests: 1 }, metricsFrom: 'mesh' as const }

test.describe.configure({ mode: 'serial' })

test.beforeAll(async () => {
  test.setTimeout(120_000)
  cluster = await TestCluster.start()
  kc = adminKubeConfig(cluster)
  await installIstioCrds(kc)
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'shop' } } })
  const custom = kc.makeApiClient(CustomObjectsApi)
  const create = (plural: string, body: object): Promise<unknown> => custom.createNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1', namespace: 'shop', plural, body })
  await create('destinationrules', {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'reviews' },
    spec: { host: 'reviews', subsets: [{ name: 'v1' }, { name: 'v2' }] },
  })
  await create('virtualservices', {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'reviews' },
    spec: { hosts: ['reviews'], http: [{ name: 'default', route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 100 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 0 }] }] },
  })
  home = mkdtempSync(join(tmpdir(), 'meshdeck-e2e-history-'))
  serve = await startServe(['--kubeconfig', cluster.kubeconfigPath], { MESHDECK_HOME: home })
  await result('clusters.connect', { context: 'admin' })
})

test.afterAll(async () => {
  await serve?.stop()
  await cluster?.stop()
  if (home) rmSync(home, { recursive: true, force: true })
})

test('the Canary page lists past rollouts newest first, with outcome, failing metric and steps reached', async ({ page }) => {
  test.setTimeout(120_000)
  const first = await result<Rollout>('rollout.start', { target, stable: 'v1', canary: 'v2', plan })
  await expect.poll(async () => (await result<{ rollouts: Rollout[] }>('rollout.list')).rollouts.find((r) => r.spec.id === first.spec.id)?.phase, { timeout: 60_000 }).toBe('rolledBack')
  const second = await result<Rollout>('rollout.start', { target, stable: 'v1', canary: 'v2', plan: { ...plan, intervalSeconds: 600 } })
  await result('rollout.control', { id: second.spec.id, action: 'abort' })

  await page.goto(`${serve.url}#/canary`)
  await page.getByRole('combobox', { name: 'Canary source' }).selectOption('admin')
  await expect(page.getByRole('button', { name: /shop\/reviews › default/ })).toBeVisible({ timeout: 20_000 })
  await expect(page.getByTestId('propagation')).toContainText('No Meshdeck control plane serves this cluster')

  const rows = page.getByRole('region', { name: 'Rollout history' }).getByTestId('history-row')
  await expect(rows).toHaveCount(2)
  await expect(rows.nth(0)).toHaveAttribute('data-rollout', second.spec.id)
  await expect(rows.nth(0).getByTestId('history-outcome')).toHaveText('Aborted')
  await expect(rows.nth(1)).toHaveAttribute('data-rollout', first.spec.id)
  await expect(rows.nth(1).getByTestId('history-outcome')).toHaveText('Rolled back: 0 requests (at least 1 needed)')
  await expect(rows.nth(1)).toContainText('1 of 2 (50 %)')
  await expect(rows.nth(1)).toContainText('admin: shop/reviews › default')
  await expect(rows.nth(1)).toContainText('50, 100 % every 1 s')
  await page.getByRole('region', { name: 'Rollout history' }).scrollIntoViewIfNeeded()
  await page.screenshot({ path: `${screenshotDir}/canary-history.png`, fullPage: true })
})
