import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TopologyGraph } from '@shared/contract'
import { createMeshdeck, type Meshdeck } from '../../src/main/app/meshdeck'
import { KubeClient } from '../../src/main/cluster/io'
import { adminKubeConfig, TestCluster } from '../cluster'
import { waitFor } from '../support/wait'

// Real parts only: kube-apiserver + etcd, Meshdeck's own connection, informers and topology
// service, driven through the API a user's window calls. No control plane, so no traffic: the
// graph shows what the cluster runs.
const ns = 'shop'

function service(name: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns, labels: { app: name } },
    spec: { selector: { app: name }, ports: [{ name: 'grpc', port: 50051, appProtocol: 'grpc' }] },
  }
}

function deployment(app: string, version: string, replicas: number): Record<string, unknown> {
  const labels = { app, version }
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `${app}-${version}`, namespace: ns },
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: app, image: 'example.invalid/app:1' }] } } },
  }
}

let cluster: TestCluster
let kube: KubeClient
let meshdeck: Meshdeck
let dataDir: string

async function graph(): Promise<TopologyGraph> {
  const outcome = await meshdeck.router.call('topology.get', {})
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.error))
  return outcome.result as TopologyGraph
}

beforeAll(async () => {
  cluster = await TestCluster.start()
  kube = new KubeClient(adminKubeConfig(cluster))
  await kube.json('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })
  for (const name of ['frontend', 'reviews']) await kube.json('POST', `/api/v1/namespaces/${ns}/services`, service(name))
  for (const [app, version] of [['frontend', 'v1'], ['reviews', 'v1'], ['reviews', 'v2']] as const) {
    await kube.json('POST', `/apis/apps/v1/namespaces/${ns}/deployments`, deployment(app, version, 2))
  }
  dataDir = await mkdtemp(join(tmpdir(), 'meshdeck-topology-cluster-'))
  meshdeck = await createMeshdeck({ mode: 'web', dataDir, kubeconfig: cluster.kubeconfigPath, xdsPort: 0, tracesPort: 0 })
}, 120_000)

afterAll(async () => {
  await meshdeck?.dispose()
  await cluster?.stop()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

describe('the topology of a connected cluster', () => {
  it('shows the cluster\'s Services and Deployments, grouped by namespace and app, once the context connects', async () => {
    expect((await graph()).nodes).toEqual([])
    const connected = await meshdeck.router.call('clusters.connect', { context: 'admin' })
    expect(connected.ok && (connected.result as { state: string }).state).toBe('connected')

    const g = await waitFor('the cluster in the topology', async () => {
      const current = await graph()
      return current.nodes.some((n) => n.id === 'ver:shop/reviews/v2') ? current : null
    }, 20_000)
    const node = (id: string) => g.nodes.find((n) => n.id === id)
    expect(node('svc:reviews.shop.svc.cluster.local')).toMatchObject({ kind: 'service', parent: 'app:shop/reviews', refs: [{ kind: 'Service', namespace: ns, name: 'reviews' }] })
    expect(node('ver:shop/reviews/v1')).toMatchObject({ kind: 'version', parent: 'app:shop/reviews' })
    expect(node('ver:shop/frontend/v1')).toMatchObject({ kind: 'version', parent: 'app:shop/frontend' })
    expect(node('app:shop/reviews')?.parent).toBe('ns:shop')
    expect(node('ver:shop/reviews/v2')?.refs).toEqual([{ kind: 'Deployment', namespace: ns, name: 'reviews-v2' }])
    // No kubelet runs pods here: two replicas wanted, none ready, and the graph says so.
    expect(node('ver:shop/reviews/v2')?.health).not.toBe('healthy')
    // The service reaches its versions (the edges the control plane's traffic will add numbers to).
    expect(g.edges.map((e) => e.id)).toEqual(expect.arrayContaining(['route:svc:reviews.shop.svc.cluster.local->ver:shop/reviews/v1', 'route:svc:reviews.shop.svc.cluster.local->ver:shop/reviews/v2']))
  })

  it('follows the cluster: a deleted Deployment leaves the graph, a new one joins it', async () => {
    await kube.json('DELETE', `/apis/apps/v1/namespaces/${ns}/deployments/reviews-v1`)
    await kube.json('POST', `/apis/apps/v1/namespaces/${ns}/deployments`, deployment('reviews', 'v3', 1))
    await waitFor('reviews v1 gone and v3 in', async () => {
      const ids = (await graph()).nodes.map((n) => n.id)
      return !ids.includes('ver:shop/reviews/v1') && ids.includes('ver:shop/reviews/v3')
    }, 20_000)
  })

  it('drops the cluster\'s part of the graph when the context disconnects', async () => {
    await meshdeck.router.call('clusters.disconnect', { context: 'admin' })
    await waitFor('an empty graph', async () => (await graph()).nodes.length === 0, 10_000)
  })
})
