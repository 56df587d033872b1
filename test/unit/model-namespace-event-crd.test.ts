import { describe, expect, it } from 'vitest'
import { CustomResourceDefinition, isEstablished, KubeEvent, Namespace, servedVersions } from '../../src/main/model'

describe('Namespace.read', () => {
  it('reads a namespace being deleted, and one that reports no phase', () => {
    expect(Namespace.read({ metadata: { name: 'old', uid: 'ns1', deletionTimestamp: '2026-01-12T10:00:00Z' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Terminating' } })).toMatchObject({
      metadata: { name: 'old', deletionTimestamp: '2026-01-12T10:00:00Z' },
      status: { phase: 'Terminating' },
    })
    expect(Namespace.read({ metadata: { name: 'new' } }).status.phase).toBeUndefined()
  })
})

describe('KubeEvent.read', () => {
  it('reads a core/v1 event and the object it is about', () => {
    const e = KubeEvent.read({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'reviews-v2-7c4b9d-x2kq8.17a9', namespace: 'shop', uid: 'e1', creationTimestamp: '2026-01-12T09:15:00Z' },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'reviews-v2-7c4b9d-x2kq8', namespace: 'shop', uid: 'pod-1', fieldPath: 'spec.containers{log-shipper}' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container log-shipper',
      type: 'Warning',
      count: 42,
      firstTimestamp: '2026-01-12T09:15:00Z',
      lastTimestamp: '2026-01-12T09:45:00Z',
      eventTime: null,
    })
    expect(e).toMatchObject({ type: 'Warning', reason: 'BackOff', count: 42, lastTimestamp: '2026-01-12T09:45:00Z', eventTime: undefined })
    expect(e.involvedObject).toEqual({ kind: 'Pod', name: 'reviews-v2-7c4b9d-x2kq8', namespace: 'shop', uid: 'pod-1' })
  })

  it('reads an events.k8s.io-style event with eventTime and no count', () => {
    const e = KubeEvent.read({ metadata: { name: 'x' }, eventTime: '2026-01-12T09:45:00.123456Z', reason: 'Scheduled', involvedObject: {} })
    expect(e).toMatchObject({ eventTime: '2026-01-12T09:45:00.123456Z', count: undefined, lastTimestamp: undefined, involvedObject: {} })
  })
})

describe('CustomResourceDefinition.read', () => {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'virtualservices.networking.istio.io', uid: 'crd-1' },
    spec: {
      group: 'networking.istio.io',
      names: { kind: 'VirtualService', listKind: 'VirtualServiceList', plural: 'virtualservices', shortNames: ['vs'], singular: 'virtualservice' },
      scope: 'Namespaced',
      versions: [
        { name: 'v1', served: true, storage: false },
        { name: 'v1alpha3', served: true, storage: true },
        { name: 'v1beta1', served: false, storage: false },
      ],
    },
    status: { conditions: [{ type: 'NamesAccepted', status: 'True' }, { type: 'Established', status: 'True', reason: 'InitialNamesAccepted' }] },
  }

  it("reads Istio's VirtualService CRD: group, names, the versions it serves, established", () => {
    const read = CustomResourceDefinition.read(crd)
    expect(read.spec).toMatchObject({ group: 'networking.istio.io', names: { kind: 'VirtualService', plural: 'virtualservices' }, scope: 'Namespaced' })
    expect(servedVersions(read)).toEqual(['v1', 'v1alpha3'])
    expect(isEstablished(read)).toBe(true)
  })

  it('is not established while the API server has not accepted its names', () => {
    const pending = CustomResourceDefinition.read({ ...crd, status: { conditions: [{ type: 'Established', status: 'False' }] } })
    expect(isEstablished(pending)).toBe(false)
    expect(isEstablished(CustomResourceDefinition.read({ spec: crd.spec }))).toBe(false)
    expect(servedVersions(CustomResourceDefinition.read({ spec: { versions: [{ name: 'v1', served: 'true' }, { served: true }] } }))).toEqual([])
  })
})
