import { z } from 'zod'
import { clusterAccessErrors } from './clusters'
import { event, method } from './define'
import type { MeshdeckErrorCode } from './error-codes'
import { apiErrorSchema } from './errors'
import { topologySeriesSchema } from './topology'

/**
 * Prometheus as a telemetry source: where Meshdeck finds it (a URL the user gives, or a cluster's
 * Service through the API server's proxy), which source feeds the topology's numbers, and charts
 * from range queries. The queries are Istio's standard metrics, read the way Kiali and Flagger read them.
 */

/** Where a number came from: clients' load reports to the control plane, the trace collector's spans, or Prometheus. */
export const telemetrySourceSchema = z.enum(['loadReports', 'spans', 'prometheus'])
export type TelemetrySource = z.infer<typeof telemetrySourceSchema>

/** Reaching it and reading its answers; a method that queries may answer with any of these. */
export const prometheusQueryErrors: MeshdeckErrorCode[] = ['prometheus_unreachable', 'not_prometheus', 'promql_error', 'prometheus_error', 'prometheus_not_configured', 'prometheus_not_found', ...clusterAccessErrors]

/** A usable Prometheus and how it was chosen. */
export const prometheusEndpointSchema = z.object({
  /** Whose it is: null for the local demo, else a kubeconfig context's name. */
  context: z.string().nullable(),
  /** A URL Meshdeck calls directly, or null when it goes through the API server. */
  url: z.string().nullable(),
  /** The Service reached through the API server's service proxy, when that is the way. */
  service: z.object({ namespace: z.string(), name: z.string(), port: z.number().int() }).nullable(),
  /** How it was chosen: the --prometheus flag, the user's setting, or found in the cluster. */
  how: z.enum(['flag', 'settings', 'discovered']),
  /** Why, in words: "Istio's Prometheus add-on (istio-system/prometheus)". */
  why: z.string(),
  /** Prometheus's version, from its build info: the proof it is Prometheus. */
  version: z.string().nullable(),
})
export type PrometheusEndpoint = z.infer<typeof prometheusEndpointSchema>

/** One Service discovery tried, and what came of it. */
export const discoveryAttemptSchema = z.object({
  service: z.string(),
  why: z.string(),
  outcome: z.string(),
})

export const prometheusScopeStatusSchema = z.object({
  context: z.string().nullable(),
  /** The setting the user gave for this scope (a URL), if any. */
  configuredUrl: z.string().nullable(),
  endpoint: prometheusEndpointSchema.nullable(),
  /** Why there is none, or why the last query failed. */
  error: apiErrorSchema.nullable(),
})
export type PrometheusScopeStatus = z.infer<typeof prometheusScopeStatusSchema>

export const prometheusStatusSchema = z.object({ scopes: z.array(prometheusScopeStatusSchema) })

/** Which source feeds the topology's numbers now, over what window, and how the last refresh went. */
export const topologySourceStateSchema = z.object({
  traffic: z.enum(['mesh', 'prometheus']),
  /** Prometheus only: whose (null: the local demo's; else a context). */
  context: z.string().nullable(),
  /** Prometheus only: the rate window in seconds (Kiali's "last 1m"). */
  windowSeconds: z.number().int().positive(),
  /** Where request rates and errors come from, and where latency does. */
  rates: telemetrySourceSchema,
  latency: telemetrySourceSchema,
  /**
   * The windows the graph's numbers are computed over now, in seconds: Prometheus's window for both,
   * or the load reports the control plane keeps (rates, errors) and the spans latency is read from.
   * Null when nothing feeds that figure (no control plane running).
   */
  windows: z.object({ rates: z.number().positive().nullable(), latency: z.number().positive().nullable() }),
  endpoint: prometheusEndpointSchema.nullable(),
  /** The last refresh from Prometheus: when, how long its queries took, how many edges it gave. */
  lastRefresh: z.object({ at: z.number(), queryMs: z.number(), edges: z.number().int() }).nullable(),
  /** Why the numbers are missing (Prometheus unreachable, a query refused); the graph then shows none, never stale ones. */
  error: apiErrorSchema.nullable(),
})
export type TopologySourceState = z.infer<typeof topologySourceStateSchema>

export const windowSecondsSchema = z.number().int().min(10).max(24 * 3600)

export const prometheusMethods = {
  'prometheus.status': method(z.object({}).strict(), prometheusStatusSchema, 'Each scope (the local demo, connected contexts) and the Prometheus it uses, or why there is none.', []),
  'prometheus.setUrl': method(
    z.object({ context: z.string().min(1).optional(), url: z.string().max(2048).nullable() }).strict(),
    prometheusScopeStatusSchema,
    "Sets the Prometheus URL of the local demo (no context) or of a context, after checking that it answers as Prometheus; null forgets it (a context then discovers its own). A URL that is not Prometheus is refused and nothing is saved.",
    ['prometheus_unreachable', 'not_prometheus', 'prometheus_error'],
  ),
  'prometheus.discover': method(
    z.object({ context: z.string().min(1) }).strict(),
    z.object({ endpoint: prometheusEndpointSchema, attempts: z.array(discoveryAttemptSchema) }),
    "Finds a context's Prometheus through the API server's service proxy: Istio's add-on, kube-prometheus-stack, the Prometheus Operator's Service, and other common names; says which one and why.",
    ['prometheus_not_found', ...clusterAccessErrors],
  ),
  'prometheus.query': method(
    z.object({ context: z.string().min(1).optional(), query: z.string().min(1).max(10_000) }).strict(),
    z.object({ value: z.number().nullable(), series: z.array(z.object({ labels: z.record(z.string(), z.string()), value: z.number().nullable() })), endpoint: prometheusEndpointSchema }),
    'Runs one instant query (to try a check before a rollout uses it); `value` is set when the answer is one number.',
    prometheusQueryErrors,
  ),
  'topology.source': method(z.object({}).strict(), topologySourceStateSchema, "Which source feeds the topology's numbers, its window and its last refresh.", []),
  'topology.useSource': method(
    z.discriminatedUnion('traffic', [
      z.object({ traffic: z.literal('mesh') }).strict(),
      z.object({ traffic: z.literal('prometheus'), context: z.string().min(1).optional(), windowSeconds: windowSecondsSchema.optional() }).strict(),
    ]),
    topologySourceStateSchema,
    "Feeds the topology's rates, errors and latency from the mesh (load reports and spans) or from Prometheus over a window (Kiali's queries). Prometheus is checked first; one that does not answer is refused with the reason.",
    prometheusQueryErrors,
  ),
  'topology.rangeSeries': method(
    z.object({ id: z.string().min(1), rangeSeconds: z.number().int().min(60).max(7 * 24 * 3600).optional() }).strict(),
    topologySeriesSchema.extend({ source: telemetrySourceSchema, queries: z.array(z.string()) }),
    "One node's or edge's request rate, error % and p99 from Prometheus range queries (the topology's source must be Prometheus).",
    ['not_found', 'unavailable', ...prometheusQueryErrors],
  ),
}

export const prometheusEvents = {
  'topology.sourceChanged': event(topologySourceStateSchema, "The topology's source, window, last refresh or error changed."),
}
