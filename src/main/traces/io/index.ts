/**
 * Traces, the I/O part: the OTLP/HTTP and Zipkin collector, and startTraces() which wires it to the
 * span store and per-edge latency.
 *
 *   const traces = await startTraces({ port: 4318 })
 *   traces.collector.otlpUrl           // give this to workloads' OTLP exporters
 *   traces.edges.window(30, { destination: 'reviews', subset: 'v3' })
 */
export { startTraces, startTracesOnFreePort, type Traces, type TracesOptions } from './start-traces'
export { startTraceCollector, maxTraceBodyBytes, type TraceCollector, type CollectorRejection, type CollectorStats } from './collector-server'
export { registerTracesApi } from './traces-api'
