import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMeshdeck, type Meshdeck } from '../../src/main/app/meshdeck'
import { KubeClient, KubeRequestError } from '../../src/main/cluster/io'
import { adminKubeConfig, TestCluster } from '../cluster'
import { startTestPrometheus, type TestPrometheus } from '../support/prometheus'

// Finding a cluster's Prometheus through the API server, against the real test kube-apiserver and
// a real Prometheus on loopback. The API server will not proxy to a loopback address: it refuses
// Endpoints in 127.0.0.0/8 outright (first test), so a Service here can never lead to the loopback
// Prometheus. Discovery is therefore tested on the Service objects: which ones it picks, in which
// order and why, the proxy path it asks, and the API server's own answer named in the result;
// then the same context with a URL the user gives.
let cluster: TestCluster
let kube: KubeClient
let meshdeck: Meshdeck
let prometheus: TestPrometheus
let dataDir: string
let context: string

const service = (namespace: string, name: string, ports: { name: string; port: number }[], labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace, labels },
  spec: { ports },
})

beforeAll(async () => {
  cluster = await TestCluster.start()
  kube = new KubeClient(adminKubeConfig(cluster))
  for (const ns of ['istio-system', 'monitoring', 'shop']) await kube.json('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })
  prometheus = await startTestPrometheus()
  dataDir = await mkdtemp(join(tmpdir(), 'meshdeck-prom-discovery-'))
  meshdeck = await createMeshdeck({ mode: 'web', kubeconfig: cluster.kubeconfigPath, xdsPort: 0, tracesPort: 0, dataDir })
  context = (await meshdeck.router.invoke('clusters.listContexts', {})).contexts[0]!.name
}, 120_000)

afterAll(async () => {
  await meshdeck?.dispose()
  await prometheus?.dispose()
  await cluster?.stop()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

describe("a cluster's Prometheus through the API server", () => {
  it('cannot point a Service at the loopback Prometheus: the API server refuses such Endpoints', async () => {
    await kube.json('POST', '/api/v1/namespaces/istio-system/services', service('istio-system', 'prometheus', [{ name: 'http', port: 9090 }]))
    const port = Number(new URL(prometheus.url).port)
    const refused = await kube
      .json('POST', '/api/v1/namespaces/istio-system/endpoints', {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: 'prometheus' },
        subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'http', port }] }],
      })
      .then(() => null)
      .catch((err: unknown) => err)
    expect(refused).toBeInstanceOf(KubeRequestError)
    expect((refused as KubeRequestError).status).toBe(422)
    expect((refused as KubeRequestError).message).toContain('may not be in the loopback range (127.0.0.0/8)')
  })

  it("finds the Services that look like Prometheus, most certain first, and names what the API server answered for each", async () => {
    // Another install's Services, and one that only looks similar.
    await kube.json('POST', '/api/v1/namespaces/monitoring/services', service('monitoring', 'kube-prometheus-stack-prometheus', [{ name: 'http-web', port: 9090 }, { name: 'reloader-web', port: 8080 }]))
    await kube.json('POST', '/api/v1/namespaces/monitoring/services', service('monitoring', 'prometheus-operated', [{ name: 'web', port: 9090 }], { 'operated-prometheus': 'true' }))
    await kube.json('POST', '/api/v1/namespaces/shop/services', service('shop', 'prometheus-exporter-of-orders', [{ name: 'metrics', port: 9100 }]))
    const failure = await meshdeck.router.invoke('prometheus.discover', { context }).then(
      () => null,
      (err: unknown) => err as { code: string; message: string; hint: string },
    )
    expect(failure?.code).toBe('prometheus_not_found')
    const message = failure!.message
    // Istio's add-on first, then kube-prometheus-stack, then the Operator's Service; never the exporter.
    const order = ['istio-system/prometheus:9090', 'monitoring/kube-prometheus-stack-prometheus:9090', 'monitoring/prometheus-operated:9090'].map((s) => message.indexOf(s))
    expect(order.every((i) => i >= 0)).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
    expect(message).not.toContain('prometheus-exporter-of-orders')
    expect(message).toContain("Istio's Prometheus add-on")
    // The API server's own words for why the proxy got nowhere: these Services have no endpoints.
    expect(message).toMatch(/could not reach istio-system\/prometheus:9090: services "prometheus" not found/)
    expect(failure!.hint).toContain('give its URL in the Prometheus URL field of the Topology page')

    // The topology cannot switch to it, and says why.
    await expect(meshdeck.router.invoke('topology.useSource', { traffic: 'prometheus', context })).rejects.toMatchObject({ code: 'prometheus_not_found' })
    const status = await meshdeck.router.invoke('prometheus.status', {})
    expect(status.scopes.find((s) => s.context === context)?.error?.code).toBe('prometheus_not_found')
  })

  it('uses the URL the user gives for the context instead, and says so', async () => {
    const set = await meshdeck.router.invoke('prometheus.setUrl', { context, url: prometheus.url })
    expect(set).toMatchObject({ context, configuredUrl: prometheus.url, error: null })
    const state = await meshdeck.router.invoke('topology.useSource', { traffic: 'prometheus', context, windowSeconds: 60 })
    expect(state).toMatchObject({ traffic: 'prometheus', context, error: null, endpoint: { context, url: prometheus.url, how: 'settings', service: null } })
    expect(state.endpoint?.why).toBe(`the Prometheus URL set for ${context} on the Topology page`)
    // Forgetting it goes back to discovery.
    await meshdeck.router.invoke('topology.useSource', { traffic: 'mesh' })
    await meshdeck.router.invoke('prometheus.setUrl', { context, url: null })
    await expect(meshdeck.router.invoke('topology.useSource', { traffic: 'prometheus', context })).rejects.toMatchObject({ code: 'prometheus_not_found' })
  })
})
