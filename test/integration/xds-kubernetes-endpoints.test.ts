import { networkInterfaces } from 'node:os'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { KubeClient } from '../../src/main/cluster/io'
import { clusterMeshSources } from '../../src/main/mesh/io'
import { startControlPlane, type ControlPlane } from '../../src/main/xds/io'
import { adminKubeConfig, installIstioCrds, TestCluster } from '../cluster'
import { podObject, serviceObject } from '../support/kube-mesh-fixtures'
import { callMany, countBy, eventually, startBackend, xdsClient, type Backend, type XdsTestClient } from '../support/xds-grpc'
import { destinationRuleYaml, virtualServiceYaml } from '../support/xds-mesh-fixtures'

// An apiserver that serves no EndpointSlices (as before Kubernetes 1.17): endpoints come from
// core/v1 Endpoints, one subset per port set, with Pods behind targetRef for subset labels.
// Endpoints refuse loopback addresses, so the backends listen on this machine's own IPv4 address.
const ns = 'legacy'
const hostAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address

let cluster: TestCluster
let kube: KubeClient
let cp: ControlPlane
let v1: Backend
let v2: Backend
const clients: XdsTestClient[] = []

function endpoints(readyV2: boolean): Record<string, unknown> {
  const address = (version: string): Record<string, unknown> => ({ ip: hostAddress, targetRef: { kind: 'Pod', name: `ratings-${version}`, namespace: ns } })
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'ratings', namespace: ns },
    subsets: [
      { addresses: [address('v1')], ports: [{ name: 'grpc', port: v1.port }] },
      { [readyV2 ? 'addresses' : 'notReadyAddresses']: [address('v2')], ports: [{ name: 'grpc', port: v2.port }] },
    ],
  }
}

beforeAll(async () => {
  if (!hostAddress) throw new Error('this test needs a non-loopback IPv4 address on the machine (core/v1 Endpoints refuse 127.0.0.0/8)')
  ;[cluster, v1, v2] = await Promise.all([
    TestCluster.start({ apiserverArgs: ['--runtime-config=discovery.k8s.io/v1beta1=false'] }),
    startBackend({ name: 'v1', host: hostAddress }),
    startBackend({ name: 'v2', host: hostAddress }),
  ])
  kube = new KubeClient(adminKubeConfig(cluster))
  await kube.json('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })
  await kube.json('POST', `/api/v1/namespaces/${ns}/services`, serviceObject({ name: 'ratings', namespace: ns, port: 9080 }))
  for (const version of ['v1', 'v2']) await kube.json('POST', `/api/v1/namespaces/${ns}/pods`, podObject({ name: `ratings-${version}`, namespace: ns, labels: { app: 'ratings', version } }))
  await kube.json('POST', `/api/v1/namespaces/${ns}/endpoints`, endpoints(true))
  await installIstioCrds(adminKubeConfig(cluster))
  await kube.json('POST', `/apis/networking.istio.io/v1beta1/namespaces/${ns}/destinationrules`, { ...destinationRuleYaml({ name: 'ratings', namespace: ns, host: 'ratings', subsets: ['v1', 'v2'] }), apiVersion: 'networking.istio.io/v1beta1' })
  const sources = clusterMeshSources({ client: kube, context: 'admin' })
  cp = await startControlPlane({ source: sources.source, endpoints: sources.endpoints })
})

afterEach(() => {
  for (const c of clients.splice(0)) c.close()
})

afterAll(async () => {
  await cp?.dispose()
  await Promise.all([v1, v2].map((b) => b?.dispose()))
  await cluster?.stop()
})

function client(target: string): XdsTestClient {
  const c = xdsClient(target, cp.bootstrap({ nodeId: `legacy-${clients.length}`, cluster: 'test' }))
  clients.push(c)
  return c
}

const split = (outcomes: Awaited<ReturnType<typeof callMany>>): Record<string, number> => countBy(outcomes, (o) => o.backend ?? `error ${o.code}`)

describe('xDS endpoints from core/v1 Endpoints where EndpointSlices are not served', () => {
  it('says it reads Endpoints and routes subsets by the Pods behind them', async () => {
    expect(cp.status().endpointSource?.detail).toContain('Endpoints (v1; EndpointSlices are not served)')
    expect(cp.status().problems).toEqual([])
    const c = client(`ratings.${ns}:9080`)
    expect(Object.keys(split(await callMany(c, 60, 10))).sort()).toEqual(['v1', 'v2'])
    const before = cp.status().sourceVersion
    await kube.json('POST', `/apis/networking.istio.io/v1beta1/namespaces/${ns}/virtualservices`, {
      ...virtualServiceYaml({ name: 'ratings', namespace: ns, hosts: ['ratings'], http: [{ route: [{ destination: { host: 'ratings', subset: 'v2' } }] }] }),
      apiVersion: 'networking.istio.io/v1beta1',
    })
    await eventually(() => (cp.status().sourceVersion > before ? true : undefined), 5000, 'the VirtualService to be read')
    await eventually(async () => ((await callMany(c, 20, 10)).every((o) => o.backend === 'v2') ? true : undefined), 5000, 'traffic to move to v2')
    expect(split(await callMany(c, 100))).toEqual({ v2: 100 })
  })

  it('drops an address once it is not ready', async () => {
    await kube.json('DELETE', `/apis/networking.istio.io/v1beta1/namespaces/${ns}/virtualservices/ratings`)
    const c = client('ratings:9080')
    await eventually(async () => (Object.keys(split(await callMany(c, 40, 10))).length === 2 ? true : undefined), 5000, 'both versions to serve')
    const current = await kube.json<{ metadata: { resourceVersion: string } }>('GET', `/api/v1/namespaces/${ns}/endpoints/ratings`)
    await kube.json('PUT', `/api/v1/namespaces/${ns}/endpoints/ratings`, { ...endpoints(false), metadata: { name: 'ratings', namespace: ns, resourceVersion: current.metadata.resourceVersion } })
    await eventually(async () => ((await callMany(c, 20, 10)).every((o) => o.backend === 'v1') ? true : undefined), 5000, 'v2 to be dropped')
    expect(split(await callMany(c, 100))).toEqual({ v1: 100 })
  })
})
