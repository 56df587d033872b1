import { describe, expect, it } from 'vitest'
import { EndpointSlice, Endpoints, serviceNameLabel } from '../../src/main/model'

const meta = { name: 'reviews-x7k2p', namespace: 'shop', uid: 'es-1', labels: { [serviceNameLabel]: 'reviews', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' }, ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'reviews', uid: 'svc-1', controller: true, blockOwnerDeletion: true }] }

describe('EndpointSlice.read', () => {
  it('reads a discovery.k8s.io/v1 slice: addresses, conditions, zone, node and the Pod behind each', () => {
    const slice = EndpointSlice.read({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: meta,
      addressType: 'IPv4',
      endpoints: [
        { addresses: ['10.244.1.7'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'worker-1', zone: 'eu-west-1a', targetRef: { kind: 'Pod', namespace: 'shop', name: 'reviews-v1-5d8', uid: 'p1' } },
        { addresses: ['10.244.2.9'], conditions: { ready: false, serving: true, terminating: true }, nodeName: 'worker-2', zone: 'eu-west-1b', targetRef: { kind: 'Pod', namespace: 'shop', name: 'reviews-v2-7c4', uid: 'p2' } },
      ],
      ports: [{ name: 'grpc', port: 9080, protocol: 'TCP', appProtocol: 'grpc' }],
    })
    expect(slice.addressType).toBe('IPv4')
    expect(slice.metadata.labels[serviceNameLabel]).toBe('reviews')
    expect(slice.metadata.ownerReferences[0]).toEqual({ apiVersion: 'v1', kind: 'Service', name: 'reviews', uid: 'svc-1', controller: true })
    expect(slice.endpoints[0]).toEqual({ addresses: ['10.244.1.7'], conditions: { ready: true, serving: true, terminating: false }, zone: 'eu-west-1a', nodeName: 'worker-1', targetRef: { kind: 'Pod', namespace: 'shop', name: 'reviews-v1-5d8', uid: 'p1' } })
    expect(slice.endpoints[1]!.conditions.ready).toBe(false)
    expect(slice.ports).toEqual([{ name: 'grpc', port: 9080, protocol: 'TCP', appProtocol: 'grpc' }])
  })

  it('reads a v1beta1 slice (1.17–1.20): zone and node from `topology`, an unset ready stays unset', () => {
    const slice = EndpointSlice.read({
      apiVersion: 'discovery.k8s.io/v1beta1',
      metadata: meta,
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.244.1.7'], conditions: {}, topology: { 'topology.kubernetes.io/zone': 'eu-west-1a', 'kubernetes.io/hostname': 'worker-1' } }],
      ports: [{ name: '', port: 9080 }],
    })
    expect(slice.endpoints[0]).toMatchObject({ zone: 'eu-west-1a', nodeName: 'worker-1', conditions: { ready: undefined }, targetRef: undefined })
    expect(slice.ports[0]).toMatchObject({ name: undefined, port: 9080 })
  })

  it('keeps FQDN addresses as written and reads odd entries as empty', () => {
    const slice = EndpointSlice.read({ metadata: meta, addressType: 'FQDN', endpoints: [{ addresses: ['db.example.com', 5] }, null, { addresses: 'x', conditions: { ready: 'false' } }], ports: 'all' })
    expect(slice.addressType).toBe('FQDN')
    expect(slice.endpoints.map((e) => e.addresses)).toEqual([['db.example.com'], [], []])
    // "false" is not a boolean: unknown, which the API says to treat as ready.
    expect(slice.endpoints[2]!.conditions.ready).toBeUndefined()
    expect(slice.ports).toEqual([])
  })
})

describe('Endpoints.read', () => {
  it('reads core/v1 Endpoints: ready and not-ready addresses with their Pods, per subset', () => {
    const endpoints = Endpoints.read({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'reviews', namespace: 'shop', uid: 'ep-1' },
      subsets: [
        {
          addresses: [{ ip: '10.244.1.7', nodeName: 'worker-1', targetRef: { kind: 'Pod', namespace: 'shop', name: 'reviews-v1-5d8' } }],
          notReadyAddresses: [{ ip: '10.244.2.9', targetRef: { kind: 'Pod', name: 'reviews-v2-7c4' } }],
          ports: [{ name: 'grpc', port: 9080, protocol: 'TCP' }],
        },
      ],
    })
    expect(endpoints.metadata.name).toBe('reviews')
    expect(endpoints.subsets).toEqual([
      {
        addresses: [{ ip: '10.244.1.7', hostname: undefined, nodeName: 'worker-1', targetRef: { kind: 'Pod', namespace: 'shop', name: 'reviews-v1-5d8', uid: undefined } }],
        notReadyAddresses: [{ ip: '10.244.2.9', hostname: undefined, nodeName: undefined, targetRef: { kind: 'Pod', namespace: undefined, name: 'reviews-v2-7c4', uid: undefined } }],
        ports: [{ name: 'grpc', port: 9080, protocol: 'TCP' }],
      },
    ])
  })

  it('reads Endpoints with no subsets (a Service with no ready pods) as empty', () => {
    expect(Endpoints.read({ metadata: { name: 'reviews' } }).subsets).toEqual([])
    expect(Endpoints.read({ metadata: { name: 'reviews' }, subsets: [{}] }).subsets).toEqual([{ addresses: [], notReadyAddresses: [], ports: [] }])
  })
})
