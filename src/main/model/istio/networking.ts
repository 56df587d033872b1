/*
 * networking.istio.io specs, with Istio's own field names. Only the fields Meshdeck reads are
 * typed; `[unsupported: string]: unknown` keeps everything else a file or a cluster object holds,
 * so validation can name what proxyless gRPC cannot honour (instead of dropping it silently) and a
 * write can carry it back untouched. The same shapes serve v1, v1beta1 and v1alpha3: Istio serves
 * one schema under the three versions.
 */

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

/** One entry of a VirtualService's spec.http: matches, destinations with weights, and policies. */
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

/** Client TLS; proxyless gRPC can do DISABLE and ISTIO_MUTUAL (certificates from the mesh CA). */
export type ClientTlsMode = 'DISABLE' | 'SIMPLE' | 'MUTUAL' | 'ISTIO_MUTUAL'

export interface ClientTlsSettings {
  mode?: ClientTlsMode
  [unsupported: string]: unknown
}

export interface PortTrafficPolicy {
  port?: { number?: number }
  tls?: ClientTlsSettings
  [unsupported: string]: unknown
}

export interface TrafficPolicy {
  tls?: ClientTlsSettings
  loadBalancer?: LoadBalancerSettings
  connectionPool?: { http?: { http2MaxRequests?: number; [unsupported: string]: unknown }; [unsupported: string]: unknown }
  outlierDetection?: OutlierDetection
  portLevelSettings?: PortTrafficPolicy[]
  [unsupported: string]: unknown
}

export interface Subset {
  name: string
  labels?: Record<string, string>
  trafficPolicy?: TrafficPolicy
}

export interface DestinationRuleSpec {
  host?: string
  exportTo?: string[]
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
