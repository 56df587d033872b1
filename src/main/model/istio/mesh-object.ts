import type { MeshKind, SecurityKind } from './kinds'
import type { DestinationRuleSpec, ServiceEntrySpec, VirtualServiceSpec, WorkloadEntrySpec } from './networking'
import type { AuthorizationPolicySpec, PeerAuthenticationSpec } from './security'

/** Where an object came from, so a problem can point at the file and line to fix. */
export interface SourceLocation {
  file: string
  line: number
}

/**
 * An Istio object as the mesh keeps it: kind, name, namespace and spec as written (read from a
 * YAML file, with the file and line, or from a cluster's CRDs). The spec is typed by kind;
 * validation (src/main/mesh/validate.ts) checks it before anything is served.
 */
export interface MeshObject<K extends MeshKind = MeshKind, S = MeshSpecOf<K>> {
  kind: K
  name: string
  namespace: string
  spec: S
  source?: SourceLocation
}

export type MeshSpecOf<K extends MeshKind> = K extends 'VirtualService'
  ? VirtualServiceSpec
  : K extends 'DestinationRule'
    ? DestinationRuleSpec
    : K extends 'ServiceEntry'
      ? ServiceEntrySpec
      : K extends 'WorkloadEntry'
        ? WorkloadEntrySpec
        : K extends 'PeerAuthentication'
          ? PeerAuthenticationSpec
          : K extends SecurityKind
            ? AuthorizationPolicySpec
            : never

export type VirtualService = MeshObject<'VirtualService'>
export type DestinationRule = MeshObject<'DestinationRule'>
export type ServiceEntry = MeshObject<'ServiceEntry'>
export type WorkloadEntry = MeshObject<'WorkloadEntry'>
export type PeerAuthentication = MeshObject<'PeerAuthentication'>
export type AuthorizationPolicy = MeshObject<'AuthorizationPolicy'>

/** `kind/namespace/name`, the key a problem or a UI row uses for an object. */
export function objectKey(object: Pick<MeshObject, 'kind' | 'namespace' | 'name'>): string {
  return `${object.kind}/${object.namespace}/${object.name}`
}
