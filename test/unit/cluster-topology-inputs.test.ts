import { describe, expect, it } from 'vitest'
import { clusterServiceItem, clusterWorkloadItem, topologyFromCluster } from '../../src/main/telemetry/cluster-topology-inputs'
import { mergeFeeders } from '../../src/main/telemetry/io'

const svc = (name: string, selector: Record<string, string> | undefined, namespace = 'shop') =>
  clusterServiceItem({ metadata: { uid: `s-${namespace}-${name}`, name, namespace }, spec: { ...(selector ? { selector } : {}), ports: [{ name: 'grpc', port: 50051, protocol: 'TCP', appProtocol: 'grpc' }] } })
const deploy = (name: string, labels: Record<string, string>, namespace = 'shop', extra: Record<string, unknown> = {}) =>
  clusterWorkloadItem('Deployment')({ metadata: { uid: `d-${namespace}-${name}`, name, namespace }, spec: { template: { metadata: { labels } }, ...extra }, status: { readyReplicas: 1 } })

describe('a cluster\'s Services and workloads as topology inputs', () => {
  it('gives a workload the services whose selector its pod labels satisfy, in its own namespace only', () => {
    const { services, workloads } = topologyFromCluster(
      [svc('reviews', { app: 'reviews' }), svc('reviews-v2', { app: 'reviews', version: 'v2' }), svc('headless', undefined), svc('reviews', { app: 'reviews' }, 'other')],
      [deploy('reviews-v1', { app: 'reviews', version: 'v1' }), deploy('reviews-v2', { app: 'reviews', version: 'v2' }, 'shop', { replicas: 3 })],
    )
    expect(services.map((s) => s.host)).toEqual(['reviews.shop.svc.cluster.local', 'reviews-v2.shop.svc.cluster.local', 'headless.shop.svc.cluster.local', 'reviews.other.svc.cluster.local'])
    expect(services[0]).toMatchObject({ app: 'reviews', ports: [{ name: 'grpc', port: 50051, protocol: 'grpc' }], refs: [{ kind: 'Service', namespace: 'shop', name: 'reviews' }] })
    expect(workloads[0]).toMatchObject({ app: 'reviews', version: 'v1', services: ['reviews.shop.svc.cluster.local'], desired: 1, ready: 1 })
    expect(workloads[1]).toMatchObject({ services: ['reviews.shop.svc.cluster.local', 'reviews-v2.shop.svc.cluster.local'], desired: 3, refs: [{ kind: 'Deployment', namespace: 'shop', name: 'reviews-v2' }] })
  })

  it('keeps the mesh\'s subsets when a cluster Service names the same host', () => {
    const cluster = topologyFromCluster([svc('reviews', { app: 'reviews' })], [])
    const meshService = { ...cluster.services[0], subsets: [{ name: 'v1', labels: { version: 'v1' } }], refs: [{ kind: 'DestinationRule', namespace: 'shop', name: 'reviews' }] } as (typeof cluster.services)[number]
    const merged = mergeFeeders([
      { services: [meshService], workloads: [], routes: [], stats: [] },
      { services: cluster.services, workloads: [], routes: [], stats: [] },
    ])
    expect(merged.services).toHaveLength(1)
    expect(merged.services[0]?.subsets.map((s) => s.name)).toEqual(['v1'])
    expect(merged.services[0]?.refs.map((r) => r.kind).sort()).toEqual(['DestinationRule', 'Service'])
  })
})
