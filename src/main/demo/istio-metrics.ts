/**
 * Istio's standard request metrics, as a sidecar-injected workload reports them, for the demo's
 * proxyless workloads: the names, the labels and their values. Pure: the workload program
 * (io/workload/request-metrics.ts) feeds prom-client with what these functions compute, so
 * Prometheus, Kiali's queries and Flagger's checks see the demo exactly as they see a real mesh.
 *
 * What each label means is Istio's (istio.io, "Istio Standard Metrics"); where a proxyless
 * workload knows less than Envoy, the value is Istio's own "unknown".
 */

export const istioRequestsTotal = 'istio_requests_total'
export const istioRequestDuration = 'istio_request_duration_milliseconds'

/** Istio's default buckets for istio_request_duration_milliseconds (the stats plugin's defaults). */
export const istioDurationBucketsMs = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000]

/** The standard labels, in Istio's order. */
export const istioLabelNames = [
  'reporter',
  'source_workload',
  'source_workload_namespace',
  'source_principal',
  'source_app',
  'source_version',
  'source_canonical_service',
  'source_canonical_revision',
  'source_cluster',
  'destination_workload',
  'destination_workload_namespace',
  'destination_principal',
  'destination_app',
  'destination_version',
  'destination_service',
  'destination_service_name',
  'destination_service_namespace',
  'destination_canonical_service',
  'destination_canonical_revision',
  'destination_cluster',
  'request_protocol',
  'response_code',
  'grpc_response_status',
  'response_flags',
  'connection_security_policy',
] as const
export type IstioLabel = (typeof istioLabelNames)[number]
export type IstioLabels = Record<IstioLabel, string>

/** Who a workload is, as its peer learns it (Istio's metadata exchange carries the same). */
export interface PeerIdentity {
  workload: string
  namespace: string
  app: string
  version: string
}

/** The cluster name Istio reports for a single-cluster mesh. */
export const demoClusterName = 'Kubernetes'

/**
 * Istio's sidecars exchange who they are in a request header and a response header; the demo's
 * workloads do the same in gRPC metadata, so the server can name its caller (source_*) and the
 * caller its server (destination_*), failures included.
 */
export const peerMetadataKey = 'x-meshdeck-peer'

export function encodePeer(identity: PeerIdentity): string {
  return [identity.workload, identity.namespace, identity.app, identity.version].join(';')
}

/** The identity in a peer header, or null when absent or malformed (a caller outside the demo). */
export function decodePeer(value: unknown): PeerIdentity | null {
  if (typeof value !== 'string') return null
  const parts = value.split(';')
  if (parts.length !== 4 || parts.some((p) => !/^[a-z0-9][a-z0-9.-]{0,62}$/.test(p))) return null
  const [workload, namespace, app, version] = parts as [string, string, string, string]
  return { workload, namespace, app, version }
}

/** One finished RPC, as one side saw it. */
export interface RequestOutcome {
  reporter: 'source' | 'destination'
  /** The caller; null when it did not say (destination side only). */
  source: PeerIdentity | null
  /** The server; null when the call never reached one (source side only). */
  destination: PeerIdentity | null
  /** The service host called, e.g. reviews.demo.svc.cluster.local. */
  destinationService: string
  /** The gRPC status code of the call (0 = OK). */
  grpcStatus: number
  /** Whether a server answered at all (its headers arrived); false: the call failed before it got one. */
  reachedServer: boolean
  /**
   * Destination side: whether the connection was mutual TLS, read from the call's own TLS session
   * (a peer certificate was presented). Not used on the source side (see connectionSecurityPolicy).
   */
  mutualTls: boolean
  /** The SPIFFE IDs on the wire: the peer's from its certificate, and this side's own. */
  peerPrincipal: string | null
  ownPrincipal: string | null
}

const unknown = 'unknown'

/**
 * The response code Envoy would report. A gRPC call a server answered is HTTP 200 whatever its
 * grpc-status (the failure is in grpc_response_status); one that never reached a server is Envoy's
 * local reply: 504 with flag UT when the deadline passed, else 503 with flag UF (no upstream connection).
 */
export function responseCodeAndFlags(outcome: Pick<RequestOutcome, 'reachedServer' | 'grpcStatus'>): { code: string; flags: string } {
  if (outcome.reachedServer) return { code: '200', flags: '-' }
  if (outcome.grpcStatus === deadlineExceeded) return { code: '504', flags: 'UT' }
  return { code: '503', flags: 'UF' }
}

const deadlineExceeded = 4

/**
 * Istio reports the security policy only where it is enforced, at the destination: mutual_tls
 * when the request came over mTLS, none otherwise; a source report says unknown.
 */
export function connectionSecurityPolicy(outcome: Pick<RequestOutcome, 'reporter' | 'mutualTls'>): string {
  if (outcome.reporter === 'source') return unknown
  return outcome.mutualTls ? 'mutual_tls' : 'none'
}

/** The labels of one RPC's sample, every standard label set (Prometheus needs the same label set on every sample). */
export function requestLabels(outcome: RequestOutcome): IstioLabels {
  const { source, destination } = outcome
  const { code, flags } = responseCodeAndFlags(outcome)
  const serviceName = outcome.destinationService.split('.')[0] ?? outcome.destinationService
  const serviceNamespace = namespaceOfHost(outcome.destinationService) ?? destination?.namespace ?? unknown
  const sourcePrincipal = outcome.reporter === 'source' ? outcome.ownPrincipal : outcome.peerPrincipal
  const destinationPrincipal = outcome.reporter === 'source' ? outcome.peerPrincipal : outcome.ownPrincipal
  return {
    reporter: outcome.reporter,
    source_workload: source?.workload ?? unknown,
    source_workload_namespace: source?.namespace ?? unknown,
    source_principal: sourcePrincipal ?? unknown,
    source_app: source?.app ?? unknown,
    source_version: source?.version ?? unknown,
    source_canonical_service: source?.app ?? unknown,
    source_canonical_revision: source?.version ?? unknown,
    source_cluster: source ? demoClusterName : unknown,
    destination_workload: destination?.workload ?? unknown,
    destination_workload_namespace: destination?.namespace ?? unknown,
    destination_principal: destinationPrincipal ?? unknown,
    destination_app: destination?.app ?? unknown,
    destination_version: destination?.version ?? unknown,
    destination_service: outcome.destinationService,
    destination_service_name: serviceName,
    destination_service_namespace: serviceNamespace,
    destination_canonical_service: destination?.app ?? serviceName,
    destination_canonical_revision: destination?.version ?? 'latest',
    destination_cluster: destination ? demoClusterName : unknown,
    request_protocol: 'grpc',
    response_code: code,
    grpc_response_status: String(outcome.grpcStatus),
    response_flags: flags,
    connection_security_policy: connectionSecurityPolicy(outcome),
  }
}

/** The first SPIFFE ID among a certificate's subject alternative names (Node's "URI:spiffe://…, DNS:…"). */
export function spiffeIdOf(subjectAltName: string | undefined): string | null {
  const uri = (subjectAltName ?? '').split(/,\s*/).find((entry) => entry.startsWith('URI:spiffe://'))
  return uri ? uri.slice('URI:'.length) : null
}

function namespaceOfHost(host: string): string | null {
  const parts = host.split('.')
  return parts.length >= 3 && parts[2] === 'svc' ? (parts[1] ?? null) : null
}
