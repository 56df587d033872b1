import { describe, expect, it } from 'vitest'
import { istioKinds, meshKinds, readIstioResource, readMeshObject } from '../../src/main/model'

describe('Istio kinds', () => {
  it('places each kind in its group with the versions Istio serves it at', () => {
    expect(meshKinds.map((k) => [k, istioKinds[k].group, istioKinds[k].plural, istioKinds[k].versions.join(',')])).toEqual([
      ['VirtualService', 'networking.istio.io', 'virtualservices', 'v1,v1beta1,v1alpha3'],
      ['DestinationRule', 'networking.istio.io', 'destinationrules', 'v1,v1beta1,v1alpha3'],
      ['ServiceEntry', 'networking.istio.io', 'serviceentries', 'v1,v1beta1,v1alpha3'],
      ['WorkloadEntry', 'networking.istio.io', 'workloadentries', 'v1,v1beta1,v1alpha3'],
      ['PeerAuthentication', 'security.istio.io', 'peerauthentications', 'v1,v1beta1'],
      ['AuthorizationPolicy', 'security.istio.io', 'authorizationpolicies', 'v1,v1beta1'],
    ])
    expect(meshKinds.every((k) => istioKinds[k].namespaced)).toBe(true)
  })
})

describe('readMeshObject', () => {
  const vs = { apiVersion: 'networking.istio.io/v1alpha3', kind: 'VirtualService', metadata: { name: 'reviews', namespace: 'shop' }, spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }], tcp: [] } }

  it('reads an object at any served version, keeping every spec field for validation to judge', () => {
    expect(readMeshObject(vs)).toEqual({ object: { kind: 'VirtualService', name: 'reviews', namespace: 'shop', spec: vs.spec } })
    const pa = readMeshObject({ apiVersion: 'security.istio.io/v1beta1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: '' }, spec: { mtls: { mode: 'STRICT' } } })
    // An empty namespace is absent: default, as kubectl applies it.
    expect(pa).toEqual({ object: { kind: 'PeerAuthentication', name: 'default', namespace: 'default', spec: { mtls: { mode: 'STRICT' } } } })
  })

  it('names what is wrong and how to fix it', () => {
    expect(readMeshObject('reviews')).toMatchObject({ problem: { severity: 'error', message: 'A document is not a Kubernetes object.' } })
    expect(readMeshObject({ ...vs, kind: undefined })).toMatchObject({ problem: { severity: 'error', message: 'kind is missing.' } })
    expect(readMeshObject({ ...vs, kind: 'Gateway' })).toMatchObject({ problem: { severity: 'warning', message: 'Gateway is not used by the embedded control plane and is ignored.' } })
    expect(readMeshObject({ ...vs, apiVersion: 'security.istio.io/v1' })).toMatchObject({
      problem: { severity: 'error', kind: 'VirtualService', namespace: 'shop', name: 'reviews', message: 'apiVersion "security.istio.io/v1" is not networking.istio.io.', hint: 'Use `apiVersion: networking.istio.io/v1` (or v1beta1/v1alpha3).' },
    })
    expect(readMeshObject({ apiVersion: 'networking.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'a' }, spec: {} })).toMatchObject({
      problem: { hint: 'Use `apiVersion: security.istio.io/v1` (or v1beta1).' },
    })
    expect(readMeshObject({ ...vs, metadata: { name: '' } })).toMatchObject({ problem: { field: 'metadata.name', message: 'metadata.name is missing.' } })
    expect(readMeshObject({ ...vs, spec: ['hosts'] })).toMatchObject({ problem: { field: 'spec', name: 'reviews', namespace: 'shop' } })
  })

  it('skips RequestAuthentication quietly: Meshdeck knows it and does not act on it', () => {
    expect(readMeshObject({ apiVersion: 'security.istio.io/v1', kind: 'RequestAuthentication', metadata: { name: 'jwt' }, spec: {} })).toEqual({ skipped: true })
  })
})

describe('readIstioResource', () => {
  const live = () => ({
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'VirtualService',
    metadata: { name: 'reviews', namespace: 'shop', resourceVersion: '812', generation: 3, uid: 'vs-1', managedFields: [{ manager: 'kubectl-client-side-apply', operation: 'Update' }] },
    spec: { hosts: ['reviews'], http: [{ name: 'split', route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 90 }], corsPolicy: { allowOrigins: [{ exact: '*' }] } }] },
    status: { observedGeneration: 3 },
  })

  it('returns the very object the API sent, unknown fields and all, so a write carries them back', () => {
    const answer = live()
    const read = readIstioResource(answer, 'VirtualService')
    expect(read).toBe(answer)
    expect(read.spec?.http?.[0]?.corsPolicy).toEqual({ allowOrigins: [{ exact: '*' }] })
    expect(read.status?.observedGeneration).toBe(3)
  })

  it('fills in kind and apiVersion where a list left them out', () => {
    const { kind: _k, apiVersion: _a, ...item } = live()
    expect(readIstioResource(item, 'VirtualService', 'networking.istio.io/v1alpha3')).toMatchObject({ kind: 'VirtualService', apiVersion: 'networking.istio.io/v1alpha3' })
  })

  it('refuses an answer that is not an object Meshdeck can edit, naming the field', () => {
    expect(() => readIstioResource('<html>', 'VirtualService')).toThrow("The API server's answer is not a VirtualService Meshdeck can edit: it is not an object.")
    expect(() => readIstioResource({ ...live(), metadata: { name: 'reviews', namespace: 'shop' } }, 'VirtualService')).toThrow('metadata.resourceVersion is missing')
    expect(() => readIstioResource({ ...live(), spec: { http: 'all' } }, 'VirtualService')).toThrow('spec.http is not a list of routes')
    expect(() => readIstioResource({ ...live(), spec: 'x' }, 'DestinationRule')).toThrow('not a DestinationRule Meshdeck can edit: spec is not an object')
  })
})
