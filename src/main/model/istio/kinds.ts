import type { KindInfo } from '../kind'

export type NetworkingKind = 'VirtualService' | 'DestinationRule' | 'ServiceEntry' | 'WorkloadEntry'
/** security.istio.io kinds: translation does not read them, the security side turns them into TLS and RBAC decisions. */
export type SecurityKind = 'PeerAuthentication' | 'AuthorizationPolicy'
/** The Istio kinds Meshdeck's embedded control plane reads. */
export type MeshKind = NetworkingKind | SecurityKind

export const networkingGroup = 'networking.istio.io'
export const securityGroup = 'security.istio.io'

/** Versions Meshdeck reads, newest first: clusters run Istio releases that serve v1, v1beta1 or only v1alpha3. */
export const istioVersions = ['v1', 'v1beta1', 'v1alpha3'] as const
const networkingVersions = istioVersions
/** security.istio.io never had v1alpha3 (v1beta1 since Istio 1.5, v1 since 1.22). */
const securityVersions = ['v1', 'v1beta1'] as const

const networking = (kind: NetworkingKind, plural: string): KindInfo => ({ kind, group: networkingGroup, versions: networkingVersions, plural, namespaced: true })
const security = (kind: SecurityKind, plural: string): KindInfo => ({ kind, group: securityGroup, versions: securityVersions, plural, namespaced: true })

/** Where each Istio kind lives in the API. */
export const istioKinds: Readonly<Record<MeshKind, KindInfo>> = Object.freeze({
  VirtualService: networking('VirtualService', 'virtualservices'),
  DestinationRule: networking('DestinationRule', 'destinationrules'),
  ServiceEntry: networking('ServiceEntry', 'serviceentries'),
  WorkloadEntry: networking('WorkloadEntry', 'workloadentries'),
  PeerAuthentication: security('PeerAuthentication', 'peerauthentications'),
  AuthorizationPolicy: security('AuthorizationPolicy', 'authorizationpolicies'),
})

export const meshKinds: readonly MeshKind[] = ['VirtualService', 'DestinationRule', 'ServiceEntry', 'WorkloadEntry', 'PeerAuthentication', 'AuthorizationPolicy']
export const securityKinds: readonly SecurityKind[] = ['PeerAuthentication', 'AuthorizationPolicy']

export function isMeshKind(kind: string): kind is MeshKind {
  return (meshKinds as readonly string[]).includes(kind)
}
