/**
 * The PromQL Meshdeck asks, written after Kiali's graph queries and Flagger's built-in Istio
 * checks (learnt from, not copied): Istio's standard metrics, the source reporter for edges a
 * workload in the mesh calls (what the caller felt), the destination reporter for callers outside
 * the mesh and for the security policy, and rates over the window the user picks.
 */

export const requestsMetric = 'istio_requests_total'
export const durationBucketMetric = 'istio_request_duration_milliseconds_bucket'

/** A duration Prometheus reads, e.g. 60 → "60s". */
export function promDuration(seconds: number): string {
  return `${Math.max(1, Math.round(seconds))}s`
}

/** A label value inside double quotes, escaped as PromQL wants. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`
}

/** An anchored regex matching exactly this text (for =~ matchers). */
export function exactRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

export function selector(matchers: Record<string, string>): string {
  return `{${Object.entries(matchers)
    .map(([k, v]) => `${k}=${quote(v)}`)
    .join(',')}}`
}

/** The labels an edge is grouped by: who called, which service, which version answered, and how it ended. */
export const edgeGroupLabels = ['source_workload_namespace', 'source_workload', 'source_canonical_service', 'source_canonical_revision', 'destination_service', 'destination_service_namespace', 'destination_workload_namespace', 'destination_workload', 'destination_canonical_service', 'destination_version', 'request_protocol', 'response_code', 'grpc_response_status', 'response_flags']

const edgeKey = 'source_workload_namespace,source_workload,source_canonical_service,source_canonical_revision,destination_service,destination_version'

export interface TopologyQueries {
  /** Requests per second by edge and outcome, from the callers in the mesh. */
  traffic: string
  /** The same from the destinations, for callers outside the mesh (source_workload="unknown"). */
  unknownSources: string
  /** Per edge: whether the destination saw mutual TLS. */
  security: string
  /**
   * Per edge: the duration histogram's bucket rates, from which p50, p95 and p99 are computed here
   * (quantilesFromBuckets) — one query instead of three histogram_quantile() queries that would
   * each compute the same rates (the slowest part of a refresh of 500 services).
   */
  latencyBuckets: string
}

/** The quantiles the graph shows, in the order quantilesFromBuckets returns them. */
export const latencyQuantiles = [0.5, 0.95, 0.99] as const

/** The four queries one refresh of the graph asks, over `windowSeconds`. */
export function topologyQueries(windowSeconds: number): TopologyQueries {
  const w = promDuration(windowSeconds)
  const by = edgeGroupLabels.join(',')
  return {
    traffic: `sum(rate(${requestsMetric}{reporter="source"}[${w}])) by (${by}) > 0`,
    unknownSources: `sum(rate(${requestsMetric}{reporter="destination",source_workload="unknown"}[${w}])) by (${by}) > 0`,
    security: `sum(rate(${requestsMetric}{reporter="destination"}[${w}])) by (${edgeKey},connection_security_policy) > 0`,
    latencyBuckets: `sum(rate(${durationBucketMetric}{reporter="source"}[${w}])) by (le,${edgeKey})`,
  }
}

/**
 * Whether one (response_code, grpc_response_status) pair is a failure, as Kiali counts it: HTTP 5xx,
 * 4xx or 0 (no response), else a gRPC status other than OK.
 */
export function isErrorResponse(responseCode: string | undefined, grpcStatus: string | undefined): boolean {
  if (responseCode !== undefined && /^(0|[45]\d\d)$/.test(responseCode)) return true
  return grpcStatus !== undefined && grpcStatus !== '' && grpcStatus !== '0'
}

/** PromQL for "requests that failed" among those a selector picks (HTTP 5xx, or a gRPC status other than OK). */
export function errorsOf(metricSelector: Record<string, string>, window: string): string {
  const sel = Object.entries(metricSelector).map(([k, v]) => `${k}=${quote(v)}`)
  const http = [...sel, 'response_code=~"5.."'].join(',')
  const grpc = [...sel, 'response_code!~"5..", grpc_response_status!~"0|"'].join(',')
  // Two disjoint sets of series (a 5xx, or a non-5xx with a gRPC failure) united before the sum, so none counts twice.
  return `sum(rate(${requestsMetric}{${http}}[${window}]) or rate(${requestsMetric}{${grpc}}[${window}]))`
}

/** What a canary check names: the subset's service host and the version label its workloads carry. */
export interface CanaryTemplateVars {
  /** The service host, e.g. reviews.demo.svc.cluster.local. */
  host: string
  namespace: string
  /** The canary's `version` label (from its DestinationRule subset). */
  version: string
  /** The canary's subset name. */
  subset: string
  intervalSeconds: number
}

/**
 * Flagger's two built-in checks for Istio, on the canary subset over the step interval, as the
 * destination reports them: the request success rate in percent (errors as above, so a gRPC
 * failure counts though its HTTP status is 200) and the p99 request duration in milliseconds. The
 * request count is asked separately so that "too little traffic" and "no data" stay apart.
 */
export function canaryBuiltinQueries(vars: CanaryTemplateVars): { requests: string; successRate: string; p99: string } {
  const w = promDuration(vars.intervalSeconds)
  const sel = { reporter: 'destination', destination_service: vars.host, destination_version: vars.version }
  const all = `sum(rate(${requestsMetric}${selector(sel)}[${w}]))`
  return {
    requests: `sum(increase(${requestsMetric}${selector(sel)}[${w}]))`,
    successRate: `(1 - (${errorsOf(sel, w)} or on() vector(0)) / ${all}) * 100`,
    p99: `histogram_quantile(0.99, sum(rate(${durationBucketMetric}${selector(sel)}[${w}])) by (le))`,
  }
}

/**
 * A user's check query with Flagger's MetricTemplate variables filled in: {{ namespace }},
 * {{ target }} (the canary's version), {{ service }} (its host), {{ subset }}, {{ interval }}.
 * Unknown variables are an error, not left in the query for Prometheus to trip over.
 */
export function renderCheckQuery(template: string, vars: CanaryTemplateVars): string {
  const values: Record<string, string> = {
    namespace: vars.namespace,
    target: vars.version,
    version: vars.version,
    service: vars.host,
    host: vars.host,
    subset: vars.subset,
    interval: promDuration(vars.intervalSeconds),
  }
  return template.replace(/\{\{\s*([A-Za-z_]+)\s*\}\}/g, (_, name: string) => {
    const value = values[name]
    if (value === undefined) throw new Error(`unknown variable {{ ${name} }}; use ${Object.keys(values).map((k) => `{{ ${k} }}`).join(', ')}`)
    return value
  })
}
