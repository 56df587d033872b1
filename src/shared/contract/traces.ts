import { z } from 'zod'
import { event, method } from './define'

export const traceSummarySchema = z.object({
  traceId: z.string(),
  rootService: z.string(),
  rootName: z.string(),
  startMs: z.number(),
  durationMs: z.number(),
  spanCount: z.number().int(),
  services: z.array(z.string()),
  error: z.boolean(),
  errorCount: z.number().int(),
  /** Some span names a parent the trace does not hold (not sent, dropped or evicted). */
  missingParents: z.boolean(),
})
export type TraceSummaryDto = z.infer<typeof traceSummarySchema>

export const attributeValueSchema = z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number(), z.boolean(), z.null()]))])
export const attributesSchema = z.record(z.string(), attributeValueSchema)

export const spanSchema = z.object({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().nullable(),
  name: z.string(),
  kind: z.enum(['client', 'server', 'internal', 'producer', 'consumer', 'unspecified']),
  service: z.string(),
  serviceVersion: z.string().nullable(),
  startMs: z.number(),
  durationMs: z.number(),
  error: z.boolean(),
  statusMessage: z.string().nullable(),
  attributes: attributesSchema,
  /** Exact times, nanoseconds since the epoch as decimal text (startMs/durationMs are rounded). */
  startTimeUnixNano: z.string(),
  endTimeUnixNano: z.string(),
  statusCode: z.enum(['unset', 'ok', 'error']),
  traceState: z.string().nullable(),
  flags: z.number().int(),
  resource: attributesSchema,
  scope: z.object({ name: z.string(), version: z.string() }),
  events: z.array(z.object({ timeUnixNano: z.string(), name: z.string(), attributes: attributesSchema })),
  links: z.array(z.object({ traceId: z.string(), spanId: z.string(), traceState: z.string().nullable(), attributes: attributesSchema })),
  dropped: z.object({ attributes: z.number().int(), events: z.number().int(), links: z.number().int() }),
  /** A Zipkin shared server span: the client span id it was sent with (it has its own id here). */
  sharedWith: z.string().nullable(),
})
export type SpanDto = z.infer<typeof spanSchema>

export const collectorInfoSchema = z
  .object({
    /** OTLP/HTTP, protobuf or JSON. */
    otlpUrl: z.string(),
    /** OTLP/gRPC; null when its port could not be opened. */
    otlpGrpcUrl: z.string().nullable(),
    zipkinUrl: z.string(),
    zipkinV1Url: z.string(),
  })
  .nullable()

export const attributeFilterSchema = z.object({
  key: z.string().min(1).max(256),
  value: z.string().max(4096),
  /** span: the span's own attributes; resource: its process's (service.version, k8s.pod.name…); any: either. */
  scope: z.enum(['span', 'resource', 'any']).default('any'),
})

export const traceSearchSchema = z
  .object({
    service: z.string().min(1).optional(),
    operation: z.string().min(1).optional(),
    attributes: z.array(attributeFilterSchema).max(16).optional(),
    /** Bounds on the matching span's duration. */
    minDurationMs: z.number().nonnegative().optional(),
    maxDurationMs: z.number().nonnegative().optional(),
    /** Only traces with a failed span (among the matching ones). */
    errorsOnly: z.boolean().optional(),
    sinceMs: z.number().optional(),
    untilMs: z.number().optional(),
    limit: z.number().int().min(1).max(2000).optional(),
    traceId: z.string().regex(/^[0-9a-fA-F]{16,32}$/, 'a trace id is 16 or 32 hex digits').optional(),
    /** Traces with a call from source to destination (a span of destination whose parent is of source). */
    edge: z.object({ source: z.string().min(1), destination: z.string().min(1) }).strict().optional(),
  })
  .strict()
export type TraceSearchDto = z.input<typeof traceSearchSchema>

export const ingestFormatSchema = z.enum(['otlp-json', 'otlp-protobuf', 'otlp-grpc', 'zipkin-v2-json', 'zipkin-v2-protobuf', 'zipkin-v1-json'])

export const traceHealthSchema = z.object({
  collector: collectorInfoSchema,
  spansReceived: z.number().int(),
  spansRejected: z.number().int(),
  requestsRefused: z.number().int(),
  spansHeld: z.number().int(),
  spansEvicted: z.number().int(),
  tracesHeld: z.number().int(),
  tracesEvicted: z.number().int(),
  tracesWithMissingParents: z.number().int(),
  tracesSettling: z.number().int(),
  bytesHeld: z.number(),
  maxBytes: z.number(),
  oldestStartMs: z.number().nullable(),
  byFormat: z.record(ingestFormatSchema, z.object({ requests: z.number().int(), acceptedSpans: z.number().int(), rejectedSpans: z.number().int(), refusedRequests: z.number().int() })),
  recentRejections: z.array(
    z.object({ at: z.number(), protocol: z.enum(['otlp', 'zipkin']), format: ingestFormatSchema, count: z.number().int(), status: z.number().int(), message: z.string() }),
  ),
})
export type TraceHealthDto = z.infer<typeof traceHealthSchema>

/** A config push or rollout step: a marker on trace timelines and the scatter plot. */
export const meshMarkerSchema = z.object({
  atMs: z.number(),
  kind: z.enum(['config', 'rollout']),
  label: z.string(),
})
export type MeshMarkerDto = z.infer<typeof meshMarkerSchema>

export const traceOutlineSchema = z.object({
  traceId: z.string(),
  startMs: z.number(),
  durationMs: z.number(),
  services: z.array(z.string()),
  versions: z.array(z.string()),
  names: z.array(z.string()),
  /** Spans in display order (depth first), as parallel arrays; offsets in ms from startMs. */
  rows: z.object({
    spanId: z.array(z.string()),
    parent: z.array(z.number().int()),
    depth: z.array(z.number().int()),
    service: z.array(z.number().int()),
    version: z.array(z.number().int()),
    name: z.array(z.number().int()),
    kind: z.array(z.number().int()),
    /** Bit 0 error, bit 1 parent missing, bit 2 own clock judged skewed, bit 3 shifted by skew adjustment. */
    flags: z.array(z.number().int()),
    start: z.array(z.number()),
    duration: z.array(z.number()),
    shift: z.array(z.number()),
  }),
  /** Critical path as [row, start, end] triples; `adjusted` is empty when no clock was adjusted. */
  critical: z.object({ raw: z.array(z.number()), adjusted: z.array(z.number()) }),
  skew: z.object({ adjusted: z.number().int(), shifted: z.number().int(), reasons: z.array(z.object({ row: z.number().int(), text: z.string() })) }),
  /** Config pushes and rollout steps from 15 minutes before the trace to its end. */
  markers: z.array(meshMarkerSchema),
})
export type TraceOutlineDto = z.infer<typeof traceOutlineSchema>

export const spanMeshContextSchema = z.object({
  call: z.object({ caller: z.string().nullable(), callee: z.string(), path: z.string().nullable(), atMs: z.number() }).nullable(),
  client: z.object({ nodeId: z.string(), workload: z.string().nullable(), matchedBy: z.string() }).nullable(),
  xds: z.object({ versions: z.array(z.object({ atMs: z.number(), type: z.string(), version: z.string() })), routeVersion: z.string().nullable() }).nullable(),
  route: z
    .object({
      virtualService: z.object({ namespace: z.string(), name: z.string(), file: z.string().nullable(), line: z.number().nullable() }),
      host: z.string(),
      routeIndex: z.number().int(),
      routeName: z.string().nullable(),
      matchedBy: z.string(),
      skippedConditional: z.array(z.string()),
      destinations: z.array(z.object({ host: z.string(), subset: z.string().nullable(), weight: z.number() })),
      subset: z.string().nullable(),
      destinationRule: z.object({ namespace: z.string(), name: z.string(), file: z.string().nullable(), line: z.number().nullable() }).nullable(),
      subsetLabels: z.record(z.string(), z.string()).nullable(),
      configVersion: z.number(),
      configAppliedAtMs: z.number(),
      exact: z.boolean(),
    })
    .nullable(),
  rollout: z
    .object({
      id: z.string(),
      host: z.string(),
      stable: z.string(),
      canary: z.string(),
      step: z.number().int(),
      steps: z.number().int(),
      canaryPercent: z.number(),
      weights: z.record(z.string(), z.number()),
      phase: z.string(),
      sinceMs: z.number(),
    })
    .nullable(),
  notes: z.array(z.string()),
})
export type SpanMeshContextDto = z.infer<typeof spanMeshContextSchema>

export const traceDiffRowSchema = z.object({
  key: z.string(),
  depth: z.number().int(),
  service: z.string(),
  operation: z.string(),
  countA: z.number().int(),
  countB: z.number().int(),
  meanMsA: z.number().nullable(),
  meanMsB: z.number().nullable(),
  errorsA: z.number().int(),
  errorsB: z.number().int(),
  change: z.enum(['same', 'onlyA', 'onlyB', 'count', 'slower', 'faster']),
})
export type TraceDiffRowDto = z.infer<typeof traceDiffRowSchema>

const subsetStatsSchema = z.object({
  subset: z.string(),
  count: z.number().int(),
  errors: z.number().int(),
  errorRate: z.number(),
  p50Ms: z.number().nullable(),
  p90Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
})

export const subsetComparisonSchema = z.object({
  service: z.string(),
  sinceMs: z.number(),
  untilMs: z.number(),
  bucketsMs: z.array(z.number()),
  subsets: z.array(subsetStatsSchema.extend({ histogram: z.array(z.number().int()), slowest: z.array(z.string()), failed: z.array(z.string()) })),
  steps: z.array(z.object({ label: z.string(), sinceMs: z.number(), untilMs: z.number(), subsets: z.array(subsetStatsSchema) })),
  scanned: z.number().int(),
  partial: z.boolean(),
})
export type SubsetComparisonDto = z.infer<typeof subsetComparisonSchema>

export const dependencyGraphSchema = z.object({
  nodes: z.array(z.object({ service: z.string(), spans: z.number().int(), errors: z.number().int() })),
  edges: z.array(z.object({ source: z.string(), destination: z.string(), calls: z.number().int(), errors: z.number().int(), meanMs: z.number() })),
  traces: z.number().int(),
  partial: z.boolean(),
})
export type DependencyGraphDto = z.infer<typeof dependencyGraphSchema>

export const demoLogLineSchemaForTraces = z.object({ at: z.string(), stream: z.string(), text: z.string() })

export const spanLogsSchema = z.discriminatedUnion('source', [
  /** The demo supervisor's log of the workload that made the span, around its time. */
  z.object({ source: z.literal('demo'), workload: z.string(), fromMs: z.number(), toMs: z.number(), lines: z.array(demoLogLineSchemaForTraces) }),
  /** The pod that made the span: read it with logs.start (timestamps on), around fromMs..toMs. */
  z.object({ source: z.literal('pod'), context: z.string().nullable(), namespace: z.string(), pod: z.string(), container: z.string().nullable(), fromMs: z.number(), toMs: z.number() }),
  z.object({ source: z.literal('none'), reason: z.string() }),
])
export type SpanLogsDto = z.infer<typeof spanLogsSchema>

const traceIdSchema = z.string().regex(/^[0-9a-fA-F]{16,32}$/, 'a trace id is 16 or 32 hex digits')
const spanIdSchema = z.string().regex(/^[0-9a-fA-F]{16}$/, 'a span id is 16 hex digits')

export const traceMethods = {
  'traces.search': method(
    traceSearchSchema,
    z.object({ traces: z.array(traceSummarySchema), spanCount: z.number().int(), collector: collectorInfoSchema, tookMs: z.number() }),
    'Traces with a span matching every condition (service, operation, span/resource attributes, duration, errors, time, a caller→callee edge), newest first; or one trace by id; and where the collector listens.',
    ['invalid_trace_query'],
  ),
  'traces.get': method(z.object({ traceId: traceIdSchema }).strict(), z.object({ spans: z.array(spanSchema) }), 'Every span of one trace, in start order, with attributes, events, links, resource and scope.', ['not_found']),
  'traces.outline': method(
    z.object({ traceId: traceIdSchema }).strict(),
    traceOutlineSchema,
    'One trace laid out for the waterfall: spans in display order as columns, clock-skew shifts with reasons, the critical path on raw and adjusted times, and config-push and rollout markers from 15 minutes before it to its end.',
    ['not_found'],
  ),
  'traces.span': method(
    z.object({ traceId: traceIdSchema, spanId: spanIdSchema }).strict(),
    z.object({ span: spanSchema, mesh: spanMeshContextSchema }),
    'One span in full, with the mesh config that routed its call: the xDS version its client had ACKed then, the VirtualService route and DestinationRule subset, and the rollout step and weights.',
    ['not_found'],
  ),
  'traces.spanLogs': method(
    z.object({ traceId: traceIdSchema, spanId: spanIdSchema, marginMs: z.number().int().min(0).max(600_000).optional() }).strict(),
    spanLogsSchema,
    "Where the logs of the workload that made a span are, around the span's time: the demo workload's lines, or the pod to read with logs.start.",
    ['not_found'],
  ),
  'traces.compare': method(
    z.object({ a: traceIdSchema, b: traceIdSchema }).strict(),
    z.object({ rows: z.array(traceDiffRowSchema), a: traceSummarySchema, b: traceSummarySchema }),
    'Structural and duration diff of two traces: spans grouped by their path of service and operation, with counts, mean durations and errors on each side.',
    ['not_found'],
  ),
  'traces.dependencies': method(
    z.object({ sinceMs: z.number().optional(), limit: z.number().int().min(1).max(50_000).optional() }).strict(),
    dependencyGraphSchema,
    'The service dependency graph built from the spans of recent traces: calls, errors and mean duration per caller → callee.',
    [],
  ),
  'traces.subsets': method(
    z.object({ service: z.string().min(1), subsets: z.array(z.string().min(1)).max(8).optional(), sinceMs: z.number().optional(), untilMs: z.number().optional() }).strict(),
    subsetComparisonSchema,
    "Canary against stable from traces: one service's server spans by version (subset) over a window — latency percentiles, a histogram, error rate, example traces — and the same per rollout step.",
    [],
  ),
  'traces.markers': method(
    z.object({ sinceMs: z.number(), untilMs: z.number() }).strict(),
    z.object({ markers: z.array(meshMarkerSchema) }),
    'Config pushes and rollout steps within a time range.',
    [],
  ),
  'traces.health': method(z.object({}).strict(), traceHealthSchema, 'Ingest health: spans received, rejected and evicted, requests refused, bytes held against the budget, traces with missing parents, the latest problems.', []),
  'traces.export': method(
    z.object({ traceId: traceIdSchema }).strict(),
    z.object({ fileName: z.string(), otlpJson: z.string() }),
    'One trace as an OTLP/JSON file (ExportTraceServiceRequest), as any OTLP receiver or Meshdeck reads it back.',
    ['not_found'],
  ),
  'traces.import': method(
    z.object({ otlpJson: z.string().min(2).max(900_000) }).strict(),
    z.object({ traceIds: z.array(z.string()), accepted: z.number().int(), rejected: z.number().int(), message: z.string().nullable() }),
    'Imports OTLP/JSON spans (a file dropped on the Traces page, sent in pieces under 900 kB) into the store for viewing; they do not feed canary analysis or the topology.',
    ['invalid_trace_file'],
  ),
}

export const traceEvents = {
  'traces.tail': event(
    z.object({ traces: z.array(traceSummarySchema), more: z.number().int(), health: traceHealthSchema }),
    'New traces and ingest health, at most once a second while spans arrive (the live tail). `more` counts new traces beyond those listed.',
  ),
}
