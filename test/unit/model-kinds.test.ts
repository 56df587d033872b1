import { describe, expect, it } from 'vitest'
import { resourceKindSchema } from '@shared/contract'
import { collectionPath, CustomResourceDefinition, DaemonSet, Deployment, EndpointSlice, Endpoints, istioKinds, KubeEvent, Namespace, Node, Pod, ReplicaSet, Service, StatefulSet } from '../../src/main/model'
import { endpointsFallback, kindInfo } from '../../src/main/cluster/resources/kinds'

describe('kinds carry where they live in the API', () => {
  it('has kind, apiVersion, plural and scope on each kind', () => {
    const rows = [Service, EndpointSlice, Endpoints, Pod, Node, Namespace, KubeEvent, Deployment, StatefulSet, ReplicaSet, DaemonSet, CustomResourceDefinition].map((k) => [k.kind, k.apiVersion, k.plural, k.namespaced])
    expect(rows).toEqual([
      ['Service', 'v1', 'services', true],
      ['EndpointSlice', 'discovery.k8s.io/v1', 'endpointslices', true],
      ['Endpoints', 'v1', 'endpoints', true],
      ['Pod', 'v1', 'pods', true],
      ['Node', 'v1', 'nodes', false],
      ['Namespace', 'v1', 'namespaces', false],
      ['Event', 'v1', 'events', true],
      ['Deployment', 'apps/v1', 'deployments', true],
      ['StatefulSet', 'apps/v1', 'statefulsets', true],
      ['ReplicaSet', 'apps/v1', 'replicasets', true],
      ['DaemonSet', 'apps/v1', 'daemonsets', true],
      ['CustomResourceDefinition', 'apiextensions.k8s.io/v1', 'customresourcedefinitions', false],
    ])
    // 1.17–1.20 serve EndpointSlices only at v1beta1.
    expect(EndpointSlice.versions).toEqual(['v1', 'v1beta1'])
  })

  it('builds collection paths, with a namespace only for namespaced kinds', () => {
    expect(collectionPath(Pod, null)).toBe('/api/v1/pods')
    expect(collectionPath(Deployment, 'shop')).toBe('/apis/apps/v1/namespaces/shop/deployments')
    expect(collectionPath(Node, 'shop')).toBe('/api/v1/nodes')
    expect(collectionPath(EndpointSlice, 'a b', 'v1beta1')).toBe('/apis/discovery.k8s.io/v1beta1/namespaces/a%20b/endpointslices')
    expect(collectionPath(istioKinds.VirtualService, 'shop', 'v1alpha3')).toBe('/apis/networking.istio.io/v1alpha3/namespaces/shop/virtualservices')
  })

  it('gives every kind the Clusters pages list its place from the model', () => {
    for (const kind of resourceKindSchema.options) {
      expect(kindInfo[kind].plural).toBe(kind)
      expect(typeof (kindInfo[kind] as { read?: unknown }).read).toBe('function')
    }
    expect(endpointsFallback).toBe(Endpoints)
  })
})
