import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiError, ClusterAnalysisDto } from '@shared/contract'
import { createMeshdeck, type Meshdeck } from '../../src/main/app/meshdeck'
import { KubeClient } from '../../src/main/cluster/io'
import { adminKubeConfig, installIstioCrds, TestCluster } from '../cluster'
import { seedReviewsService } from '../support/kube-mesh-fixtures'
import { destinationRuleYaml, virtualServiceYaml } from '../support/xds-mesh-fixtures'

// analysis.clusterFindings against a real kube-apiserver with Istio's CRDs: the findings the
// Canary page shows next to a cluster's targets. Context "admin" may read everything; "limited"
// only Istio's objects (a developer who may not list Services, endpoints or Pods).

let cluster: TestCluster
let meshdeck: Meshdeck
let dataDir: string

async function clusterFindings(context: string): Promise<ClusterAnalysisDto> {
  const outcome = await meshdeck.router.call('analysis.clusterFindings', { context })
  if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`)
  return outcome.result as ClusterAnalysisDto
}

const on = (result: ClusterAnalysisDto, namespace: string, name: string) =>
  result.findings.filter((f) => f.kind === 'VirtualService' && f.namespace === namespace && f.name === name).map((f) => `${f.level} ${f.code}`)

beforeAll(async () => {
  cluster = await TestCluster.start()
  const kc = adminKubeConfig(cluster)
  const kube = new KubeClient(kc)
  await installIstioCrds(kc)
  // shop: a route to subset v3, which the DestinationRule does not define, and a timeout shorter than its retries.
  await seedReviewsService(kube, 'shop', { v1: { port: 41001 }, v2: { port: 41002 } })
  await kube.json('POST', '/apis/networking.istio.io/v1/namespaces/shop/destinationrules', destinationRuleYaml({ name: 'reviews', host: 'reviews', subsets: ['v1', 'v2'], namespace: 'shop' }))
  const broken = [
    {
      name: 'default',
      timeout: '1s',
      retries: { attempts: 3, perTryTimeout: '1s' },
      route: [
        { destination: { host: 'reviews', subset: 'v1' }, weight: 50 },
        { destination: { host: 'reviews', subset: 'v3' }, weight: 50 },
      ],
    },
  ]
  await kube.json('POST', '/apis/networking.istio.io/v1/namespaces/shop/virtualservices', virtualServiceYaml({ name: 'reviews', hosts: ['reviews'], http: broken, namespace: 'shop' }))
  // store: the same service, routed to the subsets its rule defines.
  await seedReviewsService(kube, 'store', { v1: { port: 41003 }, v2: { port: 41004 } })
  await kube.json('POST', '/apis/networking.istio.io/v1/namespaces/store/destinationrules', destinationRuleYaml({ name: 'reviews', host: 'reviews', subsets: ['v1', 'v2'], namespace: 'store' }))
  const clean = [{ name: 'default', route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 90 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 10 }] }]
  await kube.json('POST', '/apis/networking.istio.io/v1/namespaces/store/virtualservices', virtualServiceYaml({ name: 'reviews', hosts: ['reviews'], http: clean, namespace: 'store' }))
  // "limited" may read Istio's objects, nothing else.
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
  dataDir = mkdtempSync(join(tmpdir(), 'meshdeck-analysis-cluster-'))
  meshdeck = await createMeshdeck({ mode: 'web', kubeconfig: cluster.kubeconfigPath, dataDir, tracesPort: 0, monitoringPort: 0 })
}, 120_000)

afterAll(async () => {
  await meshdeck?.dispose()
  await cluster?.stop()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('analysis.clusterFindings', () => {
  it('finds IST0101 on a cluster VirtualService routing to a subset no DestinationRule defines, and nothing on a clean one', async () => {
    const result = await clusterFindings('admin')
    expect(result.context).toBe('admin')
    // MDK0002: gRPC clients ignore perTryTimeout; MDK0012: the timeout is shorter than the retry budget.
    expect(on(result, 'shop', 'reviews')).toEqual(['Error IST0101', 'Warning MDK0002', 'Warning MDK0012'])
    const subset = result.findings.find((f) => f.code === 'IST0101' && f.namespace === 'shop')!
    expect(subset.message).toBe('Referenced host+subset in destinationrule not found: "reviews+v3"')
    expect(subset.field).toBe('spec.http[0].route[1].destination.subset')
    expect(on(result, 'store', 'reviews')).toEqual([])
    expect(result.unlisted).toEqual([])
    expect(result.note).toBeNull()
  })

  it('gives a user who may not list Services, endpoints or Pods the findings that need none, no false Error, and a note', async () => {
    const result = await clusterFindings('limited')
    // The retry checks need only the VirtualService; the subset and host checks need Services.
    expect(on(result, 'shop', 'reviews')).toEqual(['Warning MDK0002', 'Warning MDK0012'])
    expect(on(result, 'store', 'reviews')).toEqual([])
    expect(result.findings.filter((f) => f.level === 'Error')).toEqual([])
    expect(result.unlisted).toEqual(expect.arrayContaining(['Services', 'Pods', 'Namespaces']))
    expect(result.note).toContain('Services')
    expect(result.note).toContain('destination hosts and subsets')
    expect(result.note).toContain('Grant list')
  })

  it('answers a context the kubeconfig does not have with unknown_context', async () => {
    const outcome = await meshdeck.router.call('analysis.clusterFindings', { context: 'nowhere' })
    expect(outcome.ok).toBe(false)
    expect((outcome as { error: ApiError }).error.code).toBe('unknown_context')
  })
})
