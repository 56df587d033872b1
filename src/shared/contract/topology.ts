import { z } from 'zod'
import { event, method } from './define'

/**
 * The live service graph. Ids are derived from names only (never from positions or counters), so
 * the same service keeps the same id across recomputations and the renderer can diff in place.
 */

export const healthClassSchema = z.enum(['healthy', 'degraded', 'failing', 'idle'])
export type HealthClass = z.infer<typeof healthClassSchema>

/** The Istio (or Kubernetes) object behind a node or edge, so the UI can link to it. */
export const configRefSchema = z.object({
  kind: z.string(),
  namespace: z.string(),
  name: z.string(),
})
export type ConfigRef = z.infer<typeof configRefSchema>

export const topologyNodeKindSchema = z.enum(['namespace', 'app', 'service', 'version', 'workload', 'external'])
export type TopologyNodeKind = z.infer<typeof topologyNodeKindSchema>

/** Traffic figures of a node (inbound) or an edge, as of the last report. */
export const trafficStatsSchema = z.object({
  rps: z.number().nonnegative(),
  /** Share of requests that failed, 0..100. */
  errorPct: z.number().min(0).max(100),
  p50Ms: z.number().nonnegative().nullable(),
  /** Only where the source measures it (Prometheus's duration histograms). */
  p95Ms: z.number().nonnegative().nullable().optional(),
  p99Ms: z.number().nonnegative().nullable(),
  inFlight: z.number().nonnegative(),
})
export type TrafficStats = z.infer<typeof trafficStatsSchema>

export const topologyNodeSchema = z.object({
  id: z.string(),
  kind: topologyNodeKindSchema,
  label: z.string(),
  /** The compound parent (an app box or a namespace box), or null at the top level. */
  parent: z.string().nullable(),
  namespace: z.string(),
  app: z.string().nullable(),
  version: z.string().nullable(),
  health: healthClassSchema,
  /** Inbound traffic; null for boxes (namespace, app). */
  stats: trafficStatsSchema.nullable(),
  /** True when config names this node but nothing runs behind it (a subset with no workloads). */
  missing: z.boolean(),
  refs: z.array(configRefSchema),
})
export type TopologyNode = z.infer<typeof topologyNodeSchema>

export const topologyEdgeKindSchema = z.enum([
  /** caller → service: requests a workload sends to a service. */
  'request',
  /** service → version: how the service's traffic is (configured to be) split over its subsets. */
  'route',
])
export type TopologyEdgeKind = z.infer<typeof topologyEdgeKindSchema>

export const topologyEdgeSchema = z.object({
  id: z.string(),
  kind: topologyEdgeKindSchema,
  source: z.string(),
  target: z.string(),
  /** Weight a VirtualService gives this subset for callers of any source, 0..100; null when no route says. */
  configuredWeight: z.number().min(0).max(100).nullable(),
  /** Weights that apply only to one calling service, when a route matches on its source. */
  sourceWeights: z.array(z.object({ source: z.string(), weight: z.number().min(0).max(100) })),
  /** Share of the service's observed requests that went to this subset, 0..100; null without traffic. */
  observedShare: z.number().min(0).max(100).nullable(),
  stats: trafficStatsSchema,
  health: healthClassSchema,
  /** Whether the connection uses mutual TLS; null until the security layer reports it. */
  mtls: z.boolean().nullable(),
  refs: z.array(configRefSchema),
})
export type TopologyEdge = z.infer<typeof topologyEdgeSchema>

export const topologyGraphSchema = z.object({
  /** Increases by one each time the graph changes; a diff names the version it applies to. */
  version: z.number().int().nonnegative(),
  nodes: z.array(topologyNodeSchema),
  edges: z.array(topologyEdgeSchema),
})
export type TopologyGraph = z.infer<typeof topologyGraphSchema>

/** Only what changed between two versions; apply to `fromVersion` to get `version`. */
export const topologyDiffSchema = z.object({
  fromVersion: z.number().int().nonnegative(),
  version: z.number().int().nonnegative(),
  upsertNodes: z.array(topologyNodeSchema),
  removeNodes: z.array(z.string()),
  upsertEdges: z.array(topologyEdgeSchema),
  removeEdges: z.array(z.string()),
})
export type TopologyDiff = z.infer<typeof topologyDiffSchema>

/** Columnar time series of one node or edge, oldest first; gaps are null. */
export const topologySeriesSchema = z.object({
  id: z.string(),
  resolutionMs: z.number().int().positive(),
  t: z.array(z.number()),
  rps: z.array(z.number().nullable()),
  errorPct: z.array(z.number().nullable()),
  p99Ms: z.array(z.number().nullable()),
})
export type TopologySeries = z.infer<typeof topologySeriesSchema>

// ---- What feeds the graph (see src/main/telemetry/inputs.ts for the meaning of each field). ----

const name = z.string().min(1)

export const serviceInputSchema = z.object({
  host: name,
  namespace: name,
  app: z.string().nullable(),
  ports: z.array(z.object({ name: z.string(), port: z.number().int().min(1).max(65535), protocol: z.string() })),
  subsets: z.array(z.object({ name, labels: z.record(z.string(), z.string()) })),
  refs: z.array(configRefSchema),
})

export const workloadInputSchema = z.object({
  name,
  namespace: name,
  app: z.string().nullable(),
  version: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  services: z.array(name),
  ready: z.number().int().nonnegative(),
  desired: z.number().int().nonnegative(),
  refs: z.array(configRefSchema),
})

export const routeInputSchema = z.object({
  source: z.union([z.literal('any'), z.object({ host: name })]),
  host: name,
  destinationHost: name,
  subset: z.string().nullable(),
  weight: z.number().min(0).max(100),
  origin: configRefSchema,
})

const trafficSourceSchema = z.union([
  z.object({ workload: z.object({ namespace: name, name }) }),
  z.object({ service: name }),
  z.literal('unknown'),
])

export const edgeStatsInputSchema = z.object({
  source: trafficSourceSchema,
  destinationHost: name,
  subset: z.string().nullable(),
  destinationVersion: z.string().nullable().optional(),
  rps: z.number().nonnegative(),
  errorRps: z.number().nonnegative(),
  p50Ms: z.number().nonnegative().nullable(),
  p95Ms: z.number().nonnegative().nullable().optional(),
  p99Ms: z.number().nonnegative().nullable(),
  inFlight: z.number().nonnegative(),
  mtls: z.boolean().nullable(),
})

export const topologyFeedSchema = z
  .object({
    /** Who is feeding: each feeder replaces only its own inputs ("mesh", "demo", a script's name). */
    feeder: z.string().min(1).max(64),
    services: z.array(serviceInputSchema).optional(),
    workloads: z.array(workloadInputSchema).optional(),
    routes: z.array(routeInputSchema).optional(),
    stats: z.array(edgeStatsInputSchema).optional(),
  })
  .strict()

export const topologyMethods = {
  'topology.get': method(z.object({}).strict(), topologyGraphSchema, 'The live service graph and its version.', []),
  'topology.series': method(
    z.object({ id: z.string().min(1) }).strict(),
    topologySeriesSchema,
    'Request rate, error % and p99 latency of one node or edge over the last 15 minutes.',
    ['not_found'],
  ),
  'topology.feed': method(
    topologyFeedSchema,
    z.object({ accepted: z.boolean() }),
    "Feed services, workloads, routes or traffic stats from an outside collector; replaces that feeder's earlier inputs of the same kind.",
    [],
  ),
}

export const topologyEvents = {
  'topology.changed': event(topologyDiffSchema, 'Nodes and edges that changed since the previous version (at most about once a second).'),
}
