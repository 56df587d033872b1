/**
 * The Istio objects Meshdeck's embedded control plane understands, with Istio's own field names
 * (networking.istio.io, as typed by @kubernetes-models/istio). Only the fields translation reads
 * are typed; everything else a file contains is kept in `spec` and checked by validation, which
 * names the fields proxyless gRPC cannot honour instead of dropping them silently.
 */

export type MeshKind = 'VirtualService' | 'DestinationRule' | 'ServiceEntry' | 'WorkloadEntry' | SecurityKind
export const meshKinds: readonly MeshKind[] = ['VirtualService', 'DestinationRule', 'ServiceEntry', 'WorkloadEntry', 'PeerAuthentication', 'AuthorizationPolicy']
/** security.istio.io kinds: translation does not read them, the security side turns them into TLS and RBAC decisions. */
export type SecurityKind = 'PeerAuthentication' | 'AuthorizationPolicy'
export const securityKinds: readonly SecurityKind[] = ['PeerAuthentication', 'AuthorizationPolicy']

/** Where an object came from, so a problem can point at the file and line to fix. */
export interface SourceLocation {
  file: string
  line: number
}

export interface MeshObject<K extends MeshKind = MeshKind, S = MeshSpecOf<K>> {
  kind: K
  name: string
  namespace: string
  spec: S
  source?: SourceLocation
}

export interface StringMatch {
  exact?: string
  prefix?: string
  regex?: string
}

export interface HttpMatchRequest {
  name?: string
  uri?: StringMatch
  /** An empty StringMatch `{}` means "header present", as in Istio. */
  headers?: Record<string, StringMatch>
  [unsupported: string]: unknown
}

export interface Destination {
  host: string
  subset?: string
  port?: { number?: number }
}

export interface HttpRouteDestination {
  destination: Destination
  weight?: number
  [unsupported: string]: unknown
}

export interface Percent {
  value?: number
}

export interface HttpFaultInjection {
  delay?: { fixedDelay?: string; percentage?: Percent; percent?: number; [unsupported: string]: unknown }
  abort?: { httpStatus?: number; grpcStatus?: string; percentage?: Percent; [unsupported: string]: unknown }
}

export interface HttpRetry {
  attempts?: number
  perTryTimeout?: string
  retryOn?: string
  [unsupported: string]: unknown
}

export interface HttpRoute {
  name?: string
  match?: HttpMatchRequest[]
  route?: HttpRouteDestination[]
  timeout?: string
  retries?: HttpRetry
  fault?: HttpFaultInjection
  [unsupported: string]: unknown
}

export interface VirtualServiceSpec {
  hosts?: string[]
  gateways?: string[]
  http?: HttpRoute[]
  [unsupported: string]: unknown
}

export interface ConsistentHash {
  httpHeaderName?: string
  /** The ring (gRPC's RING_HASH); Maglev has no gRPC client implementation. */
  ringHash?: { minimumRingSize?: number; [unsupported: string]: unknown }
  /** Deprecated in Istio for ringHash.minimumRingSize; still read as istiod does. */
  minimumRingSize?: number
  [unsupported: string]: unknown
}

export interface LoadBalancerSettings {
  simple?: string
  consistentHash?: ConsistentHash
  [unsupported: string]: unknown
}

export interface OutlierDetection {
  consecutive5xxErrors?: number
  consecutiveGatewayErrors?: number
  interval?: string
  baseEjectionTime?: string
  maxEjectionPercent?: number
  [unsupported: string]: unknown
}

export interface TrafficPolicy {
  /** Client TLS; proxyless gRPC can do DISABLE and ISTIO_MUTUAL (certificates from the mesh CA). */
  tls?: { mode?: 'DISABLE' | 'SIMPLE' | 'MUTUAL' | 'ISTIO_MUTUAL'; [unsupported: string]: unknown }
  loadBalancer?: LoadBalancerSettings
  connectionPool?: { http?: { http2MaxRequests?: number; [unsupported: string]: unknown }; [unsupported: string]: unknown }
  outlierDetection?: OutlierDetection
  [unsupported: string]: unknown
}

export interface Subset {
  name: string
  labels?: Record<string, string>
  trafficPolicy?: TrafficPolicy
}

export interface DestinationRuleSpec {
  host?: string
  trafficPolicy?: TrafficPolicy
  subsets?: Subset[]
  [unsupported: string]: unknown
}

export interface ServicePort {
  number: number
  name?: string
  protocol?: string
  targetPort?: number
}

/** Endpoint fields shared by ServiceEntry.endpoints and WorkloadEntry.spec (Istio's WorkloadEntry). */
export interface WorkloadEntrySpec {
  address?: string
  ports?: Record<string, number>
  labels?: Record<string, string>
  locality?: string
  weight?: number
  network?: string
  serviceAccount?: string
  [unsupported: string]: unknown
}

export interface ServiceEntrySpec {
  hosts?: string[]
  ports?: ServicePort[]
  location?: string
  resolution?: string
  endpoints?: WorkloadEntrySpec[]
  workloadSelector?: { labels?: Record<string, string> }
  [unsupported: string]: unknown
}

/** Istio's security specs, kept as written; the security side reads them (src/main/security/policy). */
export type SecuritySpec = Record<string, unknown>

export type MeshSpecOf<K extends MeshKind> = K extends SecurityKind
  ? SecuritySpec
  : K extends 'VirtualService'
  ? VirtualServiceSpec
  : K extends 'DestinationRule'
    ? DestinationRuleSpec
    : K extends 'ServiceEntry'
      ? ServiceEntrySpec
      : WorkloadEntrySpec

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
