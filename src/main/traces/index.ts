/**
 * Traces, the pure part: spans decoded from every protocol a mesh sends (OTLP protobuf and JSON,
 * Zipkin v2 JSON and protobuf, Zipkin v1 JSON), checked, kept in a byte-bounded indexed store,
 * searched, analysed (clock skew, critical path, comparison, dependencies) and matched to the mesh
 * config that routed them; and per-edge latency (the percentiles load reports do not carry). The
 * servers, startTraces() and the API are in ./io.
 *
 *   traces.edges.window(30, { destination: 'reviews', subset: 'v3' })
 */
export type { Span, SpanKind, Attributes, AttributeValue, SpanEvent, SpanLink } from './span'
export { SpanStore, defaultMaxTraceBytes, normalTraceId, type TraceQuery, type TraceSummary, type StoreHealth, type SpanConditions, type AttributeCondition } from './store/span-store'
export { EdgeLatency, type EdgeKey, type EdgeWindowStats } from './edge-latency'
export { spansFromOtlpJson } from './protocol/otlp-json'
export { spansFromOtlpProto } from './protocol/otlp-proto'
export { spansFromZipkinJson } from './protocol/zipkin-json'
export { spansFromZipkinProto } from './protocol/zipkin-proto'
export { spansFromZipkinV1Json } from './protocol/zipkin-v1-json'
export { otlpJsonOf } from './protocol/otlp-export'
export { Ingest, type CollectorRejection, type CollectorStats, type IngestFormat } from './ingest'
export { Admission, defaultAdmissionLimits, type AdmissionLimits } from './admission'
export { defaultSpanTimeWindow, type SpanTimeWindow, type ParsedSpans, type RejectedSpan } from './span-checks'
export { ConfigHistory, knownNodeOf, type ConfigPush, type AckRecord, type ConfigSnapshot, type ControlPlaneHistorySource } from './mesh-context/config-history'
export type { RolloutTimeline } from './mesh-context/rollout-at'
export { outlineTrace, type TraceOutline } from './analysis/outline'
export { adjustClockSkew } from './analysis/clock-skew'
export { criticalPath } from './analysis/critical-path'
export { diffTraces } from './analysis/trace-diff'
export { buildTree } from './analysis/trace-tree'
