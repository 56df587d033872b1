import { describe, expect, it } from 'vitest'
import { VirtualService as VirtualServiceV1, type IVirtualService as VirtualServiceV1Json } from '@kubernetes-models/istio/networking.istio.io/v1/VirtualService'
import type { IVirtualService as VirtualServiceV1beta1Json } from '@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService'
import type { IVirtualService as VirtualServiceV1alpha3Json } from '@kubernetes-models/istio/networking.istio.io/v1alpha3/VirtualService'
import { DestinationRule as DestinationRuleV1alpha3, type IDestinationRule as DestinationRuleV1alpha3Json } from '@kubernetes-models/istio/networking.istio.io/v1alpha3/DestinationRule'
import type { IDestinationRule as DestinationRuleV1Json } from '@kubernetes-models/istio/networking.istio.io/v1/DestinationRule'
import type { IDestinationRule as DestinationRuleV1beta1Json } from '@kubernetes-models/istio/networking.istio.io/v1beta1/DestinationRule'
import type { IServiceEntry as ServiceEntryV1Json } from '@kubernetes-models/istio/networking.istio.io/v1/ServiceEntry'
import type { IServiceEntry as ServiceEntryV1beta1Json } from '@kubernetes-models/istio/networking.istio.io/v1beta1/ServiceEntry'
import type { IServiceEntry as ServiceEntryV1alpha3Json } from '@kubernetes-models/istio/networking.istio.io/v1alpha3/ServiceEntry'
import type { IWorkloadEntry as WorkloadEntryV1Json } from '@kubernetes-models/istio/networking.istio.io/v1/WorkloadEntry'
import type { IWorkloadEntry as WorkloadEntryV1beta1Json } from '@kubernetes-models/istio/networking.istio.io/v1beta1/WorkloadEntry'
import type { IWorkloadEntry as WorkloadEntryV1alpha3Json } from '@kubernetes-models/istio/networking.istio.io/v1alpha3/WorkloadEntry'
import type { IPeerAuthentication as PeerAuthenticationV1Json } from '@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication'
import type { IPeerAuthentication as PeerAuthenticationV1beta1Json } from '@kubernetes-models/istio/security.istio.io/v1beta1/PeerAuthentication'
import type { IAuthorizationPolicy as AuthorizationPolicyV1Json } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy'
import type { IAuthorizationPolicy as AuthorizationPolicyV1beta1Json } from '@kubernetes-models/istio/security.istio.io/v1beta1/AuthorizationPolicy'
import type { IObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta'
import {
  readMeshObject,
  selectRoute,
  routeWeights,
  type AuthorizationPolicySpec,
  type DestinationRuleSpec,
  type ObjectMetaLike,
  type PeerAuthenticationSpec,
  type ServiceEntrySpec,
  type VirtualServiceSpec,
  type WorkloadEntrySpec,
} from '../../src/main/model'

/*
 * Meshdeck writes its Istio types by hand (src/main/model/index.ts says why) and keeps
 * @kubernetes-models/istio, generated from Istio's CRD schemas, as the reference they must fit:
 * every object of Istio's schema, at each version Meshdeck reads, is assignable to the model's
 * type. The checks are types, so `npm run typecheck` fails the moment Istio changes the type of a
 * field Meshdeck reads (or the model mistypes one). The test below only shows they run.
 */
type SpecOf<T extends { spec?: unknown }> = NonNullable<T['spec']>
type Fits<Model, Upstream extends Model> = Upstream

export type Conformance = [
  Fits<VirtualServiceSpec, SpecOf<VirtualServiceV1Json>>,
  Fits<VirtualServiceSpec, SpecOf<VirtualServiceV1beta1Json>>,
  Fits<VirtualServiceSpec, SpecOf<VirtualServiceV1alpha3Json>>,
  Fits<DestinationRuleSpec, SpecOf<DestinationRuleV1Json>>,
  Fits<DestinationRuleSpec, SpecOf<DestinationRuleV1beta1Json>>,
  Fits<DestinationRuleSpec, SpecOf<DestinationRuleV1alpha3Json>>,
  Fits<ServiceEntrySpec, SpecOf<ServiceEntryV1Json>>,
  Fits<ServiceEntrySpec, SpecOf<ServiceEntryV1beta1Json>>,
  Fits<ServiceEntrySpec, SpecOf<ServiceEntryV1alpha3Json>>,
  Fits<WorkloadEntrySpec, SpecOf<WorkloadEntryV1Json>>,
  Fits<WorkloadEntrySpec, SpecOf<WorkloadEntryV1beta1Json>>,
  Fits<WorkloadEntrySpec, SpecOf<WorkloadEntryV1alpha3Json>>,
  Fits<PeerAuthenticationSpec, SpecOf<PeerAuthenticationV1Json>>,
  Fits<PeerAuthenticationSpec, SpecOf<PeerAuthenticationV1beta1Json>>,
  Fits<AuthorizationPolicySpec, SpecOf<AuthorizationPolicyV1Json>>,
  Fits<AuthorizationPolicySpec, SpecOf<AuthorizationPolicyV1beta1Json>>,
  Fits<ObjectMetaLike, IObjectMeta>,
]

describe("the model's Istio types fit Istio's schema", () => {
  it('reads objects built with the generated models, at v1 and v1alpha3, as they are', () => {
    const vs = new VirtualServiceV1({
      metadata: { name: 'reviews', namespace: 'shop' },
      spec: { hosts: ['reviews'], http: [{ name: 'split', route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 80 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 20 }] }] },
    })
    // The generated model's own schema check agrees the object is valid Istio.
    expect(() => vs.validate()).not.toThrow()
    const read = readMeshObject(vs.toJSON())
    if (!('object' in read) || read.object.kind !== 'VirtualService') throw new Error('expected a VirtualService')
    const spec = read.object.spec as VirtualServiceSpec
    expect(routeWeights(selectRoute(spec.http ?? [], { name: 'split' })!.route)).toEqual({ v1: 80, v2: 20 })

    const dr = new DestinationRuleV1alpha3({ metadata: { name: 'reviews', namespace: 'shop' }, spec: { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] } })
    expect(() => dr.validate()).not.toThrow()
    const readRule = readMeshObject(dr.toJSON() as DestinationRuleV1alpha3Json)
    expect(readRule).toMatchObject({ object: { kind: 'DestinationRule', spec: { host: 'reviews', subsets: [{ name: 'v1' }] } } })
  })
})
