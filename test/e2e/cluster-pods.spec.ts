import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AppsV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node'
import { expect, test } from '@playwright/test'
import { adminKubeConfig, createNodes, FakeKubelet, kubeconfigYaml, startKubeletLogServer, TestCluster, type KubeletLogServer } from '../cluster'
import { startServe, type ServeProcess } from '../support/serve-process'

const screenshotDir = 'artifacts/screenshots'

// One real control plane (etcd, kube-apiserver, controller-manager, scheduler) and one real
// `meshdeck serve` for this file; the browser sees only what Meshdeck got from the apiserver.
let cluster: TestCluster
let kc: KubeConfig
let kubelet: FakeKubelet
let serve: ServeProcess
// No kubelet runs here: the node's log endpoint is a small HTTPS server the test starts (the one stand-in).
let logServer: KubeletLogServer

test.describe.configure({ mode: 'serial' })

test.beforeAll(async () => {
  test.setTimeout(120_000)
  cluster = await TestCluster.start({ controllers: true })
  kc = adminKubeConfig(cluster)
  logServer = await startKubeletLogServer(cluster.pki)
  await createNodes(kc, ['worker-1', 'worker-2', 'worker-3'], { role: 'worker', kubeletPort: logServer.port })
  kubelet = new FakeKubelet(kc)
  await kubelet.start()
  const apps = kc.makeApiClient(AppsV1Api)
  const core = kc.makeApiClient(CoreV1Api)
  await core.createNamespace({ body: { metadata: { name: 'shop' } } })
  await apps.createNamespacedDeployment({
    namespace: 'shop',
    body: {
      metadata: { name: 'checkout' },
      spec: { replicas: 4, selector: { matchLabels: { app: 'checkout' } }, template: { metadata: { labels: { app: 'checkout', tier: 'web' } }, spec: { containers: [{ name: 'app', image: 'checkout:1.2' }] } } },
    },
  })
  await core.createNamespacedService({ namespace: 'shop', body: { metadata: { name: 'checkout' }, spec: { selector: { app: 'checkout' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } } })
  serve = await startServe(['--kubeconfig', cluster.kubeconfigPath])
})

test.afterAll(async () => {
  await serve?.stop()
  kubelet?.stop()
  await logServer?.stop()
  await cluster?.stop()
})

test('the Pods page shows live pods, and a pod deleted through the API disappears', async ({ page }) => {
  await page.goto(`${serve.url}#/pods`)
  const table = page.getByRole('table', { name: 'Pods' })
  const checkoutRows = table.getByRole('row').filter({ hasText: /checkout-/ })
  await expect(checkoutRows).toHaveCount(4, { timeout: 20_000 })
  await expect(checkoutRows.first()).toContainText('Running')
  await expect(checkoutRows.first()).toContainText('1/1')
  await expect(checkoutRows.first()).toContainText('shop')
  await page.screenshot({ path: `${screenshotDir}/cluster-pods.png` })

  const core = kc.makeApiClient(CoreV1Api)
  const list = await core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=checkout' })
  const victim = list.items[0]?.metadata?.name ?? ''
  await core.deleteNamespacedPod({ name: victim, namespace: 'shop', gracePeriodSeconds: 0 })
  await expect(table.getByRole('row').filter({ hasText: victim })).toHaveCount(0, { timeout: 5_000 })
  // The Deployment replaces it; the page shows four again without a reload.
  await expect(checkoutRows).toHaveCount(4, { timeout: 20_000 })
  await expect(table.getByRole('row').filter({ hasText: victim })).toHaveCount(0)
})

test('filters by label selector and namespace, and opens the pod drawer with YAML', async ({ page }) => {
  await page.goto(`${serve.url}#/pods`)
  const table = page.getByRole('table', { name: 'Pods' })
  await expect(table.getByRole('row').filter({ hasText: /checkout-/ })).toHaveCount(4, { timeout: 20_000 })
  await page.getByLabel('Label selector').fill('tier!=web')
  await expect(table.getByRole('row').filter({ hasText: /checkout-/ })).toHaveCount(0)
  await page.getByLabel('Label selector').fill('app in (checkout)')
  await expect(table.getByRole('row').filter({ hasText: /checkout-/ })).toHaveCount(4)
  await page.getByLabel('Label selector').fill('app in (')
  await expect(page.getByRole('alert').filter({ hasText: 'cannot read' })).toBeVisible()
  await page.getByLabel('Label selector').fill('')

  await page.getByTestId('namespace-filter').click()
  await page.getByRole('group', { name: 'Namespaces' }).getByLabel('exclude').check()
  await page.getByRole('group', { name: 'Namespaces' }).getByLabel('shop').check()
  await expect(table.getByRole('row').filter({ hasText: /checkout-/ })).toHaveCount(0)
  await page.getByTestId('namespace-filter').click()
  await page.getByTestId('namespace-filter').click()
  await page.getByRole('group', { name: 'Namespaces' }).getByRole('button', { name: 'clear' }).click()
  await page.getByTestId('namespace-filter').click()

  const first = table.getByRole('row').filter({ hasText: /checkout-/ }).first()
  const name = (await first.getByRole('cell').first().textContent())?.trim() ?? ''
  await first.click()
  const drawer = page.getByRole('dialog', { name: `Pod ${name}` })
  await expect(drawer).toContainText('running')
  await expect(drawer).toContainText('checkout:1.2')
  await drawer.getByRole('tab', { name: 'yaml' }).click()
  await expect(drawer.getByTestId('pod-yaml')).toContainText(`name: ${name}`)
  await page.screenshot({ path: `${screenshotDir}/cluster-pod-drawer.png` })
})

test('Nodes and Workloads pages show nodes with pod counts, rollout state and services with endpoints', async ({ page }) => {
  await page.goto(`${serve.url}#/nodes`)
  const nodes = page.getByRole('table', { name: 'Nodes' })
  await expect(nodes.getByRole('row').filter({ hasText: 'worker-1' })).toContainText('Ready', { timeout: 20_000 })
  await expect(nodes.getByRole('row').filter({ hasText: 'worker-1' })).toContainText('v1.20.2')
  await page.screenshot({ path: `${screenshotDir}/cluster-nodes.png` })

  await page.goto(`${serve.url}#/workloads`)
  const workloads = page.getByRole('table', { name: 'Workloads' })
  const checkout = workloads.getByRole('row').filter({ hasText: 'checkout' })
  await expect(checkout).toContainText('4/4', { timeout: 20_000 })
  await expect(checkout).toContainText('complete')
  await page.screenshot({ path: `${screenshotDir}/cluster-workloads.png` })
  await page.getByRole('tab', { name: 'Services' }).click()
  const svc = page.getByRole('table', { name: 'Services' }).getByRole('row').filter({ hasText: 'checkout' })
  await expect(svc).toContainText('http 80/TCP→8080')
  await expect(svc).toContainText('app=checkout')
  await expect(svc.getByRole('cell').nth(6)).toHaveText('4', { timeout: 20_000 })
  await page.screenshot({ path: `${screenshotDir}/cluster-services.png` })
})

test('the pod drawer follows logs, searches them and pauses', async ({ page }) => {
  await page.goto(`${serve.url}#/pods`)
  const table = page.getByRole('table', { name: 'Pods' })
  const first = table.getByRole('row').filter({ hasText: /checkout-/ }).first()
  await expect(first).toContainText('Running', { timeout: 20_000 })
  const name = (await first.getByRole('cell').first().textContent())?.trim() ?? ''
  await first.click()
  const drawer = page.getByRole('dialog', { name: `Pod ${name}` })
  await drawer.getByRole('tab', { name: 'logs' }).click()
  const log = drawer.getByTestId('log-lines')
  await expect(log).toContainText(`shop/${name}/app INFO handled request`)
  // Following: new lines keep arriving.
  await expect(log).toContainText(/\n25 shop\//, { timeout: 10_000 })
  await drawer.getByLabel('Search logs').fill('WARN')
  await expect(log).not.toContainText('INFO')
  await expect(log).toContainText('WARN slow request')
  await drawer.getByRole('button', { name: 'Pause' }).click()
  await expect(drawer).toContainText('paused')
  await page.screenshot({ path: `${screenshotDir}/cluster-pod-logs.png` })
  await drawer.getByLabel('previous').check()
  await expect(drawer.getByRole('alert')).toContainText('has not restarted')
})

test('an unreachable cluster gets one clear error with its cause and fix, and no failed calls', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'meshdeck-e2e-kc-'))
  const path = join(dir, 'config')
  writeFileSync(path, kubeconfigYaml({ clusterName: 'gone', server: 'https://127.0.0.1:1', caFile: cluster.pki.caCert, users: [{ name: 'gone', token: 'x' }] }))
  const offline = await startServe(['--kubeconfig', path])
  try {
    const failedCalls: string[] = []
    page.on('response', (r) => {
      if (r.status() >= 400) failedCalls.push(`${r.status()} ${r.url()}`)
    })
    await page.goto(`${offline.url}#/pods`)
    const banner = page.getByTestId('connection-error')
    await expect(banner).toContainText('Cannot reach the API server at https://127.0.0.1:1')
    await expect(banner).toContainText('Check that the cluster is running')
    await page.screenshot({ path: `${screenshotDir}/cluster-unreachable.png` })
    expect(failedCalls).toEqual([])
  } finally {
    await offline.stop()
    rmSync(dir, { recursive: true, force: true })
  }
})
