/**
 * Every error code Meshdeck answers with, one table per domain: code → a short title (what the UI
 * heads the error with, and what docs/api.md says it means). `MeshdeckError` takes only these, so
 * a free string fails the typecheck; each method lists the ones it may answer with in its
 * MethodSpec (`errors`). This file imports nothing, so the renderer's error presenter can read the
 * titles without pulling the schemas in.
 *
 * A new domain adds its table here and to `errorCodeTables`; a code is declared once, in the
 * domain that means it (codes several domains share are `common`).
 */
export type ErrorCodeTable = Readonly<Record<string, string>>

/** What any method may answer with, whatever it does: the router's and the transports' own refusals. */
export const transportErrorCodes = {
  invalid_params: 'Invalid parameters',
  invalid_result: 'Result outside the contract',
  unknown_method: 'Unknown method',
  unauthorized: 'Not authorised',
  internal: 'Unexpected failure',
  too_large: 'Request too large',
  bad_host: 'Wrong host',
  method_not_allowed: 'HTTP method not allowed',
  /** Said by the renderer's web transport when `meshdeck serve` does not answer at all. */
  unreachable: 'Meshdeck is not answering',
} as const satisfies ErrorCodeTable

/** Codes several domains throw with the same meaning; a method lists the ones it can answer with. */
export const commonErrorCodes = {
  not_found: 'Not found',
  unavailable: 'Not available',
  /** Work its owner stopped (an aborted signal, a disposed service): see CancelledError. */
  cancelled: 'Cancelled',
} as const satisfies ErrorCodeTable

/** Starting Meshdeck itself (createMeshdeck, `meshdeck serve`): no method answers with these. */
export const appErrorCodes = {
  data_dir_invalid: 'Data folder is not a folder',
  data_dir_unsafe: 'Data folder not private',
} as const satisfies ErrorCodeTable

/**
 * Reaching a kubeconfig context's cluster: what the kubeconfig says (the first four), then how the
 * API server answered. A connection that fails carries one of these in its `error`.
 */
export const clusterErrorCodes = {
  unknown_context: 'Unknown kubeconfig context',
  kubeconfig_incomplete: 'Incomplete kubeconfig context',
  kubeconfig_invalid: 'Unusable kubeconfig context',
  exec_plugin_missing: 'Credential plugin not installed',
  credentials_failed: 'Could not get credentials',
  credentials_expired: 'Client certificate expired',
  cluster_unreachable: 'Cluster unreachable',
  cluster_tls: 'TLS connection failed',
  cluster_unauthorized: 'Credentials rejected',
  cluster_forbidden: 'Access denied',
  cluster_error: 'Cluster request failed',
  not_connected: 'Not connected',
  /** Adding a kubeconfig file from the UI (clusters.addKubeconfig). */
  kubeconfig_file_not_found: 'Kubeconfig file not found',
  kubeconfig_file_invalid: 'Not a usable kubeconfig file',
  kubeconfig_no_contexts: 'Kubeconfig file has no contexts',
  kubeconfig_already_read: 'Kubeconfig file already read',
  kubeconfig_not_added: 'Kubeconfig file not added',
} as const satisfies ErrorCodeTable

/**
 * Reading a cluster's objects and logs. These reach the UI as data rather than as a method's
 * answer: a feed's state (`no_access`) and a log stream's end (`logs_unavailable`).
 */
export const resourceErrorCodes = {
  no_access: 'No access to this kind',
  logs_unavailable: 'No log to show',
} as const satisfies ErrorCodeTable

/** The embedded control plane and what it serves. `unavailable` (common) means it is not running. */
export const meshErrorCodes = {
  no_mesh_folder: 'No mesh folder',
  source_failed: 'Source could not start',
  istiod_present: 'istiod serves this cluster',
} as const satisfies ErrorCodeTable

/** The mesh CA and workload identities: certificates, their keys and the trust domain. */
export const securityErrorCodes = {
  ca_unreadable: 'Mesh CA unreadable',
  ca_key_insecure: 'Mesh CA key readable by others',
  ca_expired: 'Mesh CA expired',
  ca_upstream_invalid: 'Upstream root unusable',
  invalid_identity: 'Invalid workload identity',
  invalid_trust_domain: 'Invalid trust domain',
  trust_domain_mismatch: 'Another trust domain',
  invalid_certs_dir: 'Invalid certificate folder',
  workload_key_unusable: 'Workload key unusable',
  workload_key_insecure: 'Workload key readable by others',
  peer_auth_not_editable: 'mTLS not editable here',
  peer_auth_unknown_workload: 'No such workload',
  peer_auth_invalid_result: 'Edited policy would not load',
} as const satisfies ErrorCodeTable

/** Weight edits and rollouts on a VirtualService route, in the mesh folder or a cluster. */
export const canaryErrorCodes = {
  unknown_target: 'No such splittable route',
  unknown_route: 'No such http route',
  unknown_subset: 'Unknown subset',
  not_editable: 'Not editable here',
  not_a_virtual_service: 'Not a VirtualService',
  invalid_yaml: 'Invalid YAML',
  no_http_routes: 'No http routes',
  no_destinations: 'No destinations',
  owned_by_controller: 'Managed by another controller',
  invalid_weights: 'Invalid weights',
  invalid_plan: 'Invalid rollout plan',
  not_served: 'Written, not served',
  conflict: 'Changed meanwhile',
  rollout_running: 'Rollout already running',
  rollout_finished: 'Rollout finished',
  no_clusters: 'No cluster connections',
  istio_crds_missing: 'Istio CRDs not installed',
} as const satisfies ErrorCodeTable

/**
 * The demo answers only with common codes: `unavailable` while it is not running (or runs no load
 * generator), `not_found` for a workload it does not have; a fault for a workload that serves no
 * RPCs is `invalid_params`, like any other bad parameter.
 */
export const demoErrorCodes = {} as const satisfies ErrorCodeTable

/** The topology answers only with common codes (an id not in the graph is `not_found`). */
export const topologyErrorCodes = {} as const satisfies ErrorCodeTable

/**
 * Prometheus as a telemetry source (the topology's numbers, canary checks): reaching it, knowing it
 * is Prometheus, and what its answers mean. "No data" is its own code because it is never a pass.
 */
export const prometheusErrorCodes = {
  prometheus_unreachable: 'Prometheus unreachable',
  not_prometheus: 'Not Prometheus',
  promql_error: 'Query refused by Prometheus',
  prometheus_error: 'Prometheus failed the query',
  prometheus_no_data: 'No data',
  prometheus_not_found: 'No Prometheus found',
  prometheus_not_configured: 'No Prometheus set',
} as const satisfies ErrorCodeTable

/**
 * Traces: a trace or span the store no longer keeps is `not_found` (common); these are the
 * domain's own. The collector's refusals are HTTP/gRPC statuses of their protocols, not these.
 */
export const traceErrorCodes = {
  invalid_trace_query: 'Contradictory trace search',
  invalid_trace_file: 'Not an OTLP/JSON trace file',
} as const satisfies ErrorCodeTable

/**
 * Mesh analysis. A weight edit or a rollout that would introduce an Error finding (a route to a
 * subset no endpoint serves, say) is refused with `analysis_blocked`, naming the finding; a
 * Warning never blocks anything.
 */
export const analysisErrorCodes = {
  analysis_blocked: 'Blocked by mesh analysis',
} as const satisfies ErrorCodeTable

/** kind clusters (through kind's CLI and the container engine) and Docker-free clusters. */
export const localClusterErrorCodes = {
  kind_not_found: 'kind not found',
  kind_too_old: 'kind too old',
  kind_failed: 'kind failed',
  engine_not_found: 'No container engine',
  engine_not_running: 'Container engine not running',
  rootless_needs_cgroup_v2: 'Rootless engine needs cgroup v2',
  inotify_limits: 'inotify limits too low',
  invalid_cluster_spec: 'Invalid cluster request',
  port_in_use: 'Port in use',
  cluster_exists: 'Cluster exists',
  cluster_not_found: 'No such cluster',
  cluster_not_running: 'Cluster not running',
  binaries_not_found: 'Kubernetes binaries not found',
  component_failed: 'Cluster component failed',
  operation_busy: 'Another operation is running',
  operation_not_found: 'No such operation',
  not_supported: 'Not supported for this cluster',
  kubeconfig_write_failed: 'Could not write the kubeconfig',
  sandbox_step_failed: 'Sandbox step failed',
} as const satisfies ErrorCodeTable

/** Every table, by domain: the single list `MeshdeckErrorCode` and docs/api.md are built from. */
export const errorCodeTables = {
  transport: transportErrorCodes,
  common: commonErrorCodes,
  app: appErrorCodes,
  clusters: clusterErrorCodes,
  resources: resourceErrorCodes,
  mesh: meshErrorCodes,
  security: securityErrorCodes,
  canary: canaryErrorCodes,
  demo: demoErrorCodes,
  topology: topologyErrorCodes,
  prometheus: prometheusErrorCodes,
  traces: traceErrorCodes,
  localClusters: localClusterErrorCodes,
  analysis: analysisErrorCodes,
} satisfies Record<string, ErrorCodeTable>

type ErrorCodeTables = typeof errorCodeTables
export type ErrorDomain = keyof ErrorCodeTables
/** Every code main may answer with. */
export type MeshdeckErrorCode = { [D in ErrorDomain]: keyof ErrorCodeTables[D] }[ErrorDomain] & string
export type TransportErrorCode = keyof typeof transportErrorCodes
export type CommonErrorCode = keyof typeof commonErrorCodes
export type ClusterErrorCode = keyof typeof clusterErrorCodes
export type SecurityErrorCode = keyof typeof securityErrorCodes

/** The short title of each code (what the UI heads an error with). */
export const errorTitles: Readonly<Record<MeshdeckErrorCode, string>> = Object.assign({}, ...Object.values(errorCodeTables)) as Record<MeshdeckErrorCode, string>

export function isErrorCode(code: unknown): code is MeshdeckErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(errorTitles, code)
}

export function isTransportErrorCode(code: string): code is TransportErrorCode {
  return Object.prototype.hasOwnProperty.call(transportErrorCodes, code)
}
