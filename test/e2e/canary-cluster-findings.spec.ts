import { expect, test } from '@playwright/test'
import { adminKubeConfig, installIstioCrds, TestCluster } from '../cluster'
import { KubeClient } from '../../src/main/cluster/io/kube-client'
import { seedReviewsService } from '../support/kube-mesh-fixtures'
import { callApi, startServe, type ServeProcess } from '../support/serve-process'
import { destinationRuleYaml, virtualServiceYaml } from '../support/xds-mesh-fixtures'

// A real kube-apiserver with Istio's CRDs and one real `meshdeck serve` pointed at it: the Canary
// page, showing the cluster's VirtualServices, badges the one routing to a subset its
// DestinationRule does not define and lists the finding; the clean one gets no badge.
let cluster: TestCluster
let serve: ServeProcess

test.describe.configure({ mode: 'serial' })

test.beforeAll(async () => {
  test.setTimeout(120_000)
  cluster = await TestCluster.start()
  const kc = adminKubeConfig(cluster)
  const kube = new KubeClient(kc)
  await installIstioCrds(kc)
  await seedReviewsService(kube, 'shop', { v1: { port: 41001 }, v2: { port: 41002 } })
  await kube.json('POST', '/apis/networking.istio.io/v1/namespaces/shop/destinationrules', destinationRuleYaml({ name: 'reviews', host: 'reviews', subsets: ['v1', 'v2'], namespace: 'shop' }))
  const route = (canary: string) => [{ name: 'default', route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 90 }, { destination: { host: 'reviews', subset: canary }, weight: 10 }] }]
  await kube.json('POST', '/apis/networking.istio.io/v1/namespaces/shop/virtualservices', virtualServiceYaml({ name: 'reviews-broken', hosts: ['reviews'], http: route('v3'), namespace: 'shop' }))
  await seedReviewsService(kube, 'store', { v1: { port: 41003 }, v2: { port: 41004 } })
  await kube.json('POST', '/apis/networking.istio.io/v1/namespaces/store/destinationrules', destinationRuleYaml({ name: 'reviews', host: 'reviews', subsets: ['v1', 'v2'], namespace: 'store' }))
  await kube.json('POST', '/apis/networking.istio.io/v1/namespaces/store/virtualservices', virtualServiceYaml({ name: 'reviews-clean', hosts: ['reviews'], http: route('v2'), namespace: 'store' }))
  // "limited" may read Istio's objects only: no Services, endpoints or Pods.
  await kube.json('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'istio-reader' },
    rules: [{ apiGroups: ['networking.istio.io', 'security.istio.io'], resources: ['*'], verbs: ['get', 'list', 'watch'] }],
  })
  await kube.json('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'limited-istio-reader' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'istio-reader' },
    subjects: [{ kind: 'User', name: 'limited', apiGroup: 'rbac.authorization.k8s.io' }],
  })
  serve = await startServe(['--kubeconfig', cluster.kubeconfigPath])
  for (const context of ['admin', 'limited']) {
    const connected = await callApi(serve, 'clusters.connect', { context })
    expect((connected.body as { ok: boolean }).ok, context).toBe(true)
  }
})

test.afterAll(async () => {
  await serve?.stop()
  await cluster?.stop()
})

test("the Canary page badges a cluster target routing to an undefined subset with its finding, and not a clean one", async ({ page }) => {
  await page.goto(`${serve.url}#/canary`)
  await page.getByLabel('Canary source').selectOption('admin')
  const routes = page.getByRole('navigation', { name: 'Routes' })
  const broken = routes.getByRole('button', { name: /reviews-broken › default/ })
  const clean = routes.getByRole('button', { name: /reviews-clean › default/ })
  await expect(broken).toBeVisible({ timeout: 20_000 })
  await expect(clean).toBeVisible()
  await expect(broken.getByTestId('target-finding-badge')).toHaveText('Error', { timeout: 20_000 })
  await expect(clean.getByTestId('target-finding-badge')).toHaveCount(0)

  await broken.click()
  const findings = page.getByTestId('object-findings')
  await expect(findings).toContainText('[IST0101]')
  await expect(findings).toContainText('Referenced host+subset in destinationrule not found: "reviews+v3"')
  await page.screenshot({ path: 'artifacts/screenshots/canary-cluster-findings.png', fullPage: true })

  await clean.click()
  await expect(page.getByTestId('object-findings')).toHaveCount(0)
})

test('a user who may not list Services or Pods sees no Error it cannot check, and a note saying what was not checked', async ({ page }) => {
  await page.goto(`${serve.url}#/canary`)
  await page.getByLabel('Canary source').selectOption('limited')
  const broken = page.getByRole('navigation', { name: 'Routes' }).getByRole('button', { name: /reviews-broken › default/ })
  await expect(broken).toBeVisible({ timeout: 20_000 })
  await broken.click()
  const note = page.getByTestId('cluster-analysis-note')
  await expect(note).toContainText('could not be listed', { timeout: 20_000 })
  await expect(note).toContainText('Services')
  await expect(note).toContainText('destination hosts and subsets')
  await expect(broken.getByTestId('target-finding-badge')).toHaveCount(0)
  await expect(page.getByTestId('object-findings')).toHaveCount(0)
})
