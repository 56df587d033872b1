import { describe, expect, it } from 'vitest'
import { createSnapshot, parseMeshYaml } from '../../src/main/mesh'
import { routesFromSnapshot, servicesFromSnapshot, statsFromLoads, workloadOfNodeId, workloadsFromSnapshot } from '../../src/main/telemetry/mesh-topology-inputs'
import type { ClusterLoad } from '../../src/main/xds'

const yaml = `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: reviews, namespace: demo }
spec:
  hosts: [reviews.demo.svc.cluster.local]
  ports: [{ number: 9080, name: grpc, protocol: GRPC }]
  resolution: STATIC
  workloadSelector: { labels: { app: reviews } }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: demo }
spec:
  host: reviews
  subsets:
    - { name: stable, labels: { version: v1 } }
    - { name: canary, labels: { version: v2 } }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: demo }
spec:
  hosts: [reviews]
  http:
    - match: [{ headers: { x-tester: { exact: "yes" } } }]
      route: [{ destination: { host: reviews, subset: canary } }]
    - route:
        - { destination: { host: reviews, subset: stable }, weight: 90 }
        - { destination: { host: reviews, subset: canary }, weight: 10 }
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: { name: reviews-v1, namespace: demo }
spec: { address: 127.0.0.1, ports: { grpc: 41001 }, labels: { app: reviews, version: v1 } }
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: { name: reviews-v2, namespace: demo }
spec: { address: 127.0.0.1, ports: { grpc: 41002 }, labels: { app: reviews, version: v2 } }
`
const parsed = parseMeshYaml(yaml, 'mesh.yaml')
const snapshot = createSnapshot(1, parsed.objects)
const host = 'reviews.demo.svc.cluster.local'

describe('topology inputs from the served mesh config', () => {
  it('parses the fixture cleanly', () => {
    expect(parsed.problems).toEqual([])
  })

  it('makes a service per ServiceEntry host, with its app and the DestinationRule subsets', () => {
    expect(servicesFromSnapshot(snapshot)).toEqual([
      {
        host,
        namespace: 'demo',
        app: 'reviews',
        ports: [{ name: 'grpc', port: 9080, protocol: 'GRPC' }],
        subsets: [
          { name: 'stable', labels: { version: 'v1' } },
          { name: 'canary', labels: { version: 'v2' } },
        ],
        refs: [
          { kind: 'ServiceEntry', namespace: 'demo', name: 'reviews' },
          { kind: 'DestinationRule', namespace: 'demo', name: 'reviews' },
        ],
      },
    ])
  })

  it('takes the weights every caller gets, resolving short hosts, and skips header-matched routes', () => {
    const origin = { kind: 'VirtualService', namespace: 'demo', name: 'reviews' }
    expect(routesFromSnapshot(snapshot)).toEqual([
      { source: 'any', host, destinationHost: host, subset: 'stable', weight: 90, origin },
      { source: 'any', host, destinationHost: host, subset: 'canary', weight: 10, origin },
    ])
  })

  it('turns WorkloadEntries into workloads of the services that select them', () => {
    const workloads = workloadsFromSnapshot(snapshot)
    expect(workloads.map((w) => [w.name, w.app, w.version, w.services])).toEqual([
      ['reviews-v1', 'reviews', 'v1', [host]],
      ['reviews-v2', 'reviews', 'v2', [host]],
    ])
  })
})

describe('edge stats from load reports and spans', () => {
  const frontend = 'sidecar~127.0.0.1~frontend-v1.demo~demo.svc.cluster.local'
  const load = (subset: string, rate: number, errorRate: number): ClusterLoad => ({
    cluster: `outbound|9080|${subset}|${host}`,
    host,
    port: 9080,
    subset,
    requestRate: rate,
    errorRate,
    inFlight: 1,
    callers: [frontend],
    byCaller: [{ nodeId: frontend, requestRate: rate, errorRate, inFlight: 1 }],
  })
  const workloads = [{ name: 'frontend-v1', namespace: 'demo', app: 'frontend', version: 'v1', labels: {}, services: [], ready: 1, desired: 1, refs: [] }]

  it('reads the calling workload from an Istio proxyless node id', () => {
    expect(workloadOfNodeId(frontend)).toEqual({ namespace: 'demo', name: 'frontend-v1' })
    expect(workloadOfNodeId('my-test-client')).toBeNull()
  })

  it('takes rates from LRS and p50/p99 from the span edge of the subset version', () => {
    const stats = statsFromLoads([load('canary', 2, 0.25)], {
      services: servicesFromSnapshot(snapshot),
      workloads,
      spanEdges: [
        { source: 'frontend', destination: 'reviews', subset: 'v1', requests: 50, errors: 0, errorRate: 0, p50Ms: 3, p99Ms: 9 },
        { source: 'frontend', destination: 'reviews', subset: 'v2', requests: 10, errors: 2, errorRate: 0.2, p50Ms: 40, p99Ms: 120 },
      ],
    })
    expect(stats).toEqual([
      { source: { workload: { namespace: 'demo', name: 'frontend-v1' } }, destinationHost: host, subset: 'canary', rps: 2, errorRps: 0.5, p50Ms: 40, p99Ms: 120, inFlight: 1, mtls: null },
    ])
  })

  it('has no latency (rather than a made-up one) when no spans came, and an unknown caller when the node id says nothing', () => {
    const [stat] = statsFromLoads([{ ...load('', 3, 0), byCaller: [{ nodeId: 'client-1', requestRate: 3, errorRate: 0, inFlight: 0 }] }], {
      services: servicesFromSnapshot(snapshot),
      workloads,
      spanEdges: [],
    })
    expect(stat).toMatchObject({ source: 'unknown', subset: null, rps: 3, p50Ms: null, p99Ms: null })
  })
})
