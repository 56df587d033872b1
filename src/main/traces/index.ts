/**
 * Traces, the pure part: spans read from OTLP/HTTP JSON and Zipkin JSON, checked, kept in a bounded
 * store, and turned into per-edge latency (the percentiles that load reports do not carry). The
 * collector (an HTTP server) and startTraces() are in ./io.
 *
 *   traces.edges.window(30, { destination: 'reviews', subset: 'v3' })
 */
export type { Span } from './span'
export { SpanStore, type TraceQuery, type TraceSummary } from './span-store'
export { EdgeLatency, type EdgeKey, type EdgeWindowStats } from './edge-latency'
export { spansFromOtlpJson } from './otlp-json'
export { spansFromZipkinJson } from './zipkin-json'
export { defaultSpanTimeWindow, type SpanTimeWindow, type ParsedSpans, type RejectedSpan } from './span-checks'
