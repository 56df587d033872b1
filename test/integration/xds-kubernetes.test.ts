import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createMeshdeck } from '../../src/main/app/meshdeck'
import { KubeClient } from '../../src/main/cluster/io'
import { clusterMeshSources } from '../../src/main/mesh/io'
import { startControlPlane, type ControlPlane, type ControlPlaneEvent } from '../../src/main/xds/io'
import { adminKubeConfig, installIstioCrds, TestCluster } from '../cluster'
import { endpointSlicesPath, seedReviewsService } from '../support/kube-mesh-fixtures'
import { callMany, countBy, eventually, startBackend, xdsClient, type Backend, type CallOutcome, type XdsTestClient } from '../support/xds-grpc'
import { destinationRuleYaml, virtualServiceYaml } from '../support/xds-mesh-fixtures'

// Real parts only: kube-apiserver v1.20 + etcd, Istio's CRDs, the control plane's informers, real
// grpc-js servers on 127.0.0.1 and real grpc-js-xds clients dialling Kubernetes service names.
// Custom resources need a kube-apiserver built with modern-go/reflect2 >= 1.0.2: v1.20's vendored
// 1.0.1 faults under Go >= 1.18 on the first VirtualService (the test then fails with ECONNRESET).
const ns = 'shop'
const host = `reviews.${ns}.svc.cluster.local`
const networking = '/apis/networking.istio.io/v1'
// v1.20 serves EndpointSlices as discovery.k8s.io/v1beta1 only.
const slices = endpointSlicesPath(ns)

let cluster: TestCluster
let kube: KubeClient
let cp: ControlPlane | undefined
let v1: Backend
let v2: Backend
const clients: XdsTestClient[] = []
let nodeCounter = 0

function client(target: string): XdsTestClient {
  const c = xdsClient(target, (cp as ControlPlane).bootstrap({ nodeId: `kube-${++nodeCounter}`, cluster: 'test' }))
  clients.push(c)
  return c
}

async function startClusterControlPlane(): Promise<ControlPlane> {
  const sources = clusterMeshSources({ client: kube, context: 'admin' })
  return startControlPlane({ source: sources.source, endpoints: sources.endpoints })
}

const split = (outcomes: readonly CallOutcome[]): Record<string, number> => countBy(outcomes, (o) => o.backend ?? `error ${o.code}`)

async function putVirtualService(http: Record<string, unknown>[]): Promise<void> {
  const body = virtualServiceYaml({ name: 'reviews', namespace: ns, hosts: ['reviews'], http })
  const path = `${networking}/namespaces/${ns}/virtualservices`
  try {
    const current = await kube.json<{ metadata: { resourceVersion: string } }>('GET', `${path}/reviews`)
    await kube.json('PUT', `${path}/reviews`, { ...body, metadata: { ...(body.metadata as object), resourceVersion: current.metadata.resourceVersion } })
  } catch (err) {
    if ((err as { status?: number }).status !== 404) throw err
    await kube.json('POST', path, body)
  }
}

const weights = (a: number, b: number): Record<string, unknown>[] => [
  { route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: a }, { destination: { host: 'reviews', subset: 'v2' }, weight: b }] },
]

beforeAll(async () => {
  ;[cluster, v1, v2] = await Promise.all([TestCluster.start(), startBackend({ name: 'v1' }), startBackend({ name: 'v2' })])
  kube = new KubeClient(adminKubeConfig(cluster))
  await seedReviewsService(kube, ns, { v1, v2 })
})

afterEach(() => {
  for (const c of clients.splice(0)) c.close()
})

afterAll(async () => {
  await cp?.dispose()
  await Promise.all([v1, v2].map((b) => b?.dispose()))
  await cluster?.stop()
})

describe('xDS for a Kubernetes cluster (Services + EndpointSlices + Istio CRDs)', () => {
  it('without Istio CRDs says so and still serves Kubernetes services to all their ready endpoints', async () => {
    cp = await startClusterControlPlane()
    const status = cp.status()
    expect(status.configSource).toMatchObject({ kind: 'cluster', name: 'admin' })
    expect(status.configSource?.detail).toContain('no Istio CRDs')
    expect(status.endpointSource?.detail).toContain('discovery.k8s.io/v1beta1')
    expect(status.problems.some((p) => p.severity === 'warning' && p.message.includes('has no Istio CRDs'))).toBe(true)
    expect(status.problems.filter((p) => p.severity === 'error')).toEqual([])
    // Short name, namespace-qualified and FQDN all reach the service.
    for (const target of ['reviews:9080', `reviews.${ns}:9080`, `${host}:9080`]) {
      expect(Object.keys(split(await callMany(client(target), 60, 10))).sort()).toEqual(['v1', 'v2'])
    }
  })

  it('picks up Istio CRDs installed while it serves, then splits 20/80 by a VirtualService and DestinationRule subsets from the cluster', async () => {
    const plane = cp as ControlPlane
    await installIstioCrds(adminKubeConfig(cluster))
    await eventually(() => (plane.status().configSource?.detail.includes('VirtualService v1') ? true : undefined), 10_000, 'the CRDs to be followed')
    await kube.json('POST', `${networking}/namespaces/${ns}/destinationrules`, destinationRuleYaml({ name: 'reviews', namespace: ns, host: 'reviews', subsets: ['v1', 'v2'] }))
    await putVirtualService(weights(20, 80))
    await eventually(() => (plane.snapshot().virtualServices.length === 1 && plane.snapshot().destinationRules.length === 1 ? true : undefined), 10_000, 'the config to be served')
    expect(plane.status().problems).toEqual([])
    // A control plane started now reads the same, from discovery.
    const fresh = await startClusterControlPlane()
    expect(fresh.status().configSource?.detail).toContain('VirtualService v1')
    expect(fresh.snapshot().virtualServices.map((vs) => vs.name)).toEqual(['reviews'])
    await fresh.dispose()
    const counts = split(await callMany(client(`reviews.${ns}:9080`), 1000))
    expect(Object.keys(counts).sort()).toEqual(['v1', 'v2'])
    expect(Math.abs((counts.v1 ?? 0) / 10 - 20)).toBeLessThanOrEqual(4)
  })

  it('moves traffic when the VirtualService is edited in the cluster, in one debounced push', async () => {
    const plane = cp as ControlPlane
    const c = client('reviews:9080')
    expect(Object.keys(split(await callMany(c, 50))).sort()).toEqual(['v1', 'v2'])
    const applied: ControlPlaneEvent[] = []
    const subscription = plane.onEvent((e) => e.kind === 'applied' && applied.push(e))
    const editedAt = Date.now()
    await putVirtualService(weights(100, 0))
    await eventually(async () => ((await callMany(c, 20, 10)).every((o) => o.backend === 'v1') ? true : undefined), 5000, 'traffic to move to v1')
    const movedMs = Date.now() - editedAt
    await new Promise((r) => setTimeout(r, 400))
    subscription.dispose()
    expect(applied).toHaveLength(1)
    expect(movedMs).toBeLessThan(3000)
    expect(split(await callMany(c, 100))).toEqual({ v1: 100 })
  })

  it('reports an invalid VirtualService by kind, namespace, name and field, and keeps serving its last good version', async () => {
    const plane = cp as ControlPlane
    const before = plane.status().sourceVersion
    await putVirtualService([{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 50 }, { destination: { host: 'reviews', subset: 'v9' }, weight: 50 }] }])
    await eventually(() => (plane.status().sourceVersion > before ? true : undefined), 5000, 'the edit to be read')
    const status = plane.status()
    expect(status.rejected).toEqual([`VirtualService/${ns}/reviews`])
    expect(status.problems).toContainEqual(expect.objectContaining({ severity: 'error', kind: 'VirtualService', namespace: ns, name: 'reviews', field: 'spec.http[0].route[1].destination.subset' }))
    expect(status.problems.every((p) => p.file === undefined)).toBe(true)
    // Still the last good 100/0.
    expect(split(await callMany(client('reviews:9080'), 100))).toEqual({ v1: 100 })
    await putVirtualService(weights(0, 100))
    await eventually(() => (plane.status().rejected.length === 0 ? true : undefined), 5000, 'the fix to be served')
    expect(split(await callMany(client('reviews:9080'), 100))).toEqual({ v2: 100 })
  })

  it('stops sending an endpoint once it is deleted from the cluster', async () => {
    const plane = cp as ControlPlane
    await putVirtualService([{ route: [{ destination: { host: 'reviews' } }] }])
    const c = client(`${host}:9080`)
    await eventually(async () => (Object.keys(split(await callMany(c, 40, 10))).length === 2 ? true : undefined), 5000, 'both versions to serve')
    const before = v2.calls
    await kube.json('DELETE', `${slices}/reviews-v2`)
    await eventually(async () => ((await callMany(c, 20, 10)).every((o) => o.backend === 'v1') ? true : undefined), 5000, 'v2 to be dropped')
    const afterDrop = v2.calls
    expect(split(await callMany(c, 100))).toEqual({ v1: 100 })
    expect(v2.calls).toBe(afterDrop)
    expect(afterDrop).toBeGreaterThan(before)
    expect(plane.status().problems.filter((p) => p.severity === 'error')).toEqual([])
  })

  it('serves a kubeconfig context as meshdeck serve --mesh-context does, through the API', async () => {
    await cp?.dispose()
    cp = undefined
    const dataDir = await mkdtemp(join(tmpdir(), 'meshdeck-kube-'))
    const meshdeck = await createMeshdeck({ mode: 'web', dataDir, kubeconfig: cluster.kubeconfigPath, meshContext: 'admin', xdsPort: 0, tracesPort: 0 })
    try {
      const outcome = await meshdeck.router.call('controlPlane.status', {})
      expect(outcome.ok && outcome.result).toMatchObject({ state: 'running', meshDir: null, configSource: { kind: 'cluster', name: 'admin' }, endpointSource: { kind: 'cluster', name: 'admin' } })
      const plane = meshdeck.controlPlane.running()
      const c = xdsClient('reviews:9080', plane.bootstrap({ nodeId: 'kube-api', cluster: 'test' }))
      clients.push(c)
      expect(split(await callMany(c, 20, 5))).toEqual({ v1: 20 })
    } finally {
      await meshdeck.dispose()
      await rm(dataDir, { recursive: true, force: true })
    }
  })

  it('refuses to serve a cluster that runs istiod', async () => {
    await kube.json('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } })
    await kube.json('POST', '/apis/apps/v1/namespaces/istio-system/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'istiod', namespace: 'istio-system' },
      spec: { selector: { matchLabels: { app: 'istiod' } }, template: { metadata: { labels: { app: 'istiod' } }, spec: { containers: [{ name: 'discovery', image: 'istio/pilot' }] } } },
    })
    await expect(startClusterControlPlane()).rejects.toMatchObject({ code: 'istiod_present', message: expect.stringContaining('runs istiod') })
    // Through the app: the control plane shows as failed with the reason, and its methods say why.
    const dataDir = await mkdtemp(join(tmpdir(), 'meshdeck-kube-'))
    const meshdeck = await createMeshdeck({ mode: 'web', dataDir, kubeconfig: cluster.kubeconfigPath, meshContext: 'admin', xdsPort: 0, tracesPort: 0 })
    try {
      expect(meshdeck.controlPlane.appStatus()).toMatchObject({ state: 'failed', message: expect.stringContaining('istio-system/istiod') })
      const outcome = await meshdeck.router.call('controlPlane.clients', {})
      expect(outcome.ok ? null : outcome.error).toMatchObject({ code: 'unavailable', message: expect.stringContaining('runs istiod'), hint: expect.stringContaining('istiod') })
    } finally {
      await meshdeck.dispose()
      await rm(dataDir, { recursive: true, force: true })
    }
  })
})
