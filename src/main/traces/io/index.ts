/**
 * Traces, the I/O part: the OTLP/HTTP + Zipkin collector and the OTLP/gRPC receiver, startTraces()
 * which wires them to the span store and per-edge latency, the API, and the recording of the
 * control plane's history for a span's mesh context.
 *
 *   const traces = await startTraces({ port: 4318, grpcPort: 4317 })
 *   traces.collector.otlpUrl           // give this to workloads' OTLP/HTTP exporters
 *   traces.grpc?.url                   // … or this to OTLP/gRPC ones
 *   traces.store.search({ service: 'reviews', attributes: [{ key: 'rpc.method', value: 'Get', scope: 'span' }] })
 *   traces.edges.window(30, { destination: 'reviews', subset: 'v3' })
 */
export { startTraces, startTracesOnFreePort, type Traces, type TracesOptions } from './start-traces'
export { startTraceCollector, maxTraceBodyBytes, type TraceCollector } from './collector-server'
export { startGrpcTraceCollector, type GrpcTraceCollector } from './grpc-collector'
export { registerTracesApi, type TracesApiDeps } from './traces-api'
export { recordControlPlane } from './record-control-plane'
