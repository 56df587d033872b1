import { describe, expect, it } from 'vitest'
import { Service } from '../../src/main/model'

/** A Service as `kubectl get svc reviews -o json` returns it from a 1.29 server (managedFields trimmed). */
const reviews = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {
    name: 'reviews',
    namespace: 'shop',
    uid: '3f7c2a9e-5d1b-4c8e-9a6f-2b0d1e4c7a55',
    resourceVersion: '48213',
    creationTimestamp: '2026-01-12T09:14:03Z',
    labels: { app: 'reviews', 'app.kubernetes.io/part-of': 'shop' },
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
  },
  spec: {
    type: 'ClusterIP',
    clusterIP: '10.96.41.7',
    clusterIPs: ['10.96.41.7'],
    selector: { app: 'reviews' },
    ports: [
      { name: 'grpc', port: 9080, protocol: 'TCP', appProtocol: 'grpc', targetPort: 9080 },
      { name: 'metrics', port: 15014, protocol: 'TCP', targetPort: 'metrics' },
    ],
    sessionAffinity: 'None',
  },
  status: { loadBalancer: {} },
}

describe('Service.read', () => {
  it('reads metadata, type, selector and ports of a real Service', () => {
    const s = Service.read(reviews)
    expect(s.metadata).toMatchObject({ name: 'reviews', namespace: 'shop', uid: reviews.metadata.uid, resourceVersion: '48213', creationTimestamp: '2026-01-12T09:14:03Z', labels: reviews.metadata.labels })
    expect(s.spec).toMatchObject({ type: 'ClusterIP', clusterIP: '10.96.41.7', selector: { app: 'reviews' } })
    expect(s.spec.ports).toEqual([
      { name: 'grpc', port: 9080, protocol: 'TCP', appProtocol: 'grpc', targetPort: 9080, nodePort: undefined },
      { name: 'metrics', port: 15014, protocol: 'TCP', appProtocol: undefined, targetPort: 'metrics', nodePort: undefined },
    ])
  })

  it('reads a headless ExternalName Service with no selector and no ports', () => {
    const s = Service.read({ metadata: { name: 'db', namespace: 'shop', uid: 'u' }, spec: { type: 'ExternalName', externalName: 'db.example.com', clusterIP: '' } })
    expect(s.spec).toEqual({ type: 'ExternalName', clusterIP: undefined, selector: {}, ports: [] })
  })

  it('reads missing and odd fields as absent instead of failing', () => {
    for (const odd of [undefined, null, 'Service', [], {}, { metadata: 'x', spec: [] }]) {
      const s = Service.read(odd)
      expect(s.metadata).toMatchObject({ name: '', uid: '', labels: {}, annotations: {}, ownerReferences: [] })
      expect(s.metadata.namespace).toBeUndefined()
      expect(s.spec).toEqual({ type: undefined, clusterIP: undefined, selector: {}, ports: [] })
    }
    const s = Service.read({ metadata: { name: 7, labels: { ok: 'y', bad: 1 } }, spec: { type: '', selector: 'app=web', ports: [{ port: '80', name: '' }, 'junk'] } })
    expect(s.metadata.name).toBe('')
    expect(s.metadata.labels).toEqual({ ok: 'y' })
    expect(s.spec.type).toBeUndefined()
    expect(s.spec.selector).toEqual({})
    expect(s.spec.ports).toHaveLength(2)
    expect(s.spec.ports[0]).toMatchObject({ port: undefined, name: undefined })
  })
})
