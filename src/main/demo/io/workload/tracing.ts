import { Metadata } from '@grpc/grpc-js'
import { context as apiContext, SpanKind, SpanStatusCode, trace, type Context, type Span, type SpanContext, type Tracer } from '@opentelemetry/api'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base'

/**
 * Spans for one demo workload: a SERVER span per RPC it serves, a CLIENT span per upstream call,
 * with W3C `traceparent` carried in gRPC metadata so Meshdeck's collector can join a caller's
 * client span to the callee's server span (that join gives per-edge latency and the callee version).
 * `grpc-trace-bin` (the binary context proxyless gRPC in Go and Java sends, OpenCensus' format) is
 * read too when there is no traceparent, and sent beside it, so those callers and callees join.
 * Context is passed by hand (no async-hooks context manager): each handler hands its server span's
 * context to the upstream calls it makes.
 */
export interface WorkloadTracing {
  /** Starts the server span for an incoming call, as a child of the caller's traceparent if any. */
  serverSpan(name: string, metadata: Metadata): { span: Span; context: Context }
  /** Starts a client span for an upstream call and returns the metadata that carries it. */
  clientSpan(name: string, peer: string, parent: Context | undefined): { span: Span; metadata: Metadata }
  /** Sends what is buffered; called on shutdown. */
  shutdown(): Promise<void>
}

const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/

/** Reads a W3C traceparent header value (version 00 only, as the spec allows us to). */
export function parseTraceparent(value: string): SpanContext | null {
  const match = traceparentPattern.exec(value.trim())
  if (!match) return null
  const [, traceId, spanId, flags] = match as unknown as [string, string, string, string]
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return null
  return { traceId, spanId, traceFlags: parseInt(flags, 16), isRemote: true }
}

/**
 * Reads a `grpc-trace-bin` value: version 0, then fields by id — 0: trace id (16 bytes), 1: span
 * id (8 bytes), 2: trace options (1 byte). Unknown trailing fields are ignored, as the format allows.
 */
export function parseGrpcTraceBin(value: Uint8Array): SpanContext | null {
  if (value.length < 1 || value[0] !== 0) return null
  let traceId: string | null = null
  let spanId: string | null = null
  let flags = 0
  let at = 1
  const hexOf = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
  while (at < value.length) {
    const field = value[at]!
    if (field === 0 && at + 17 <= value.length) traceId = hexOf(value.subarray(at + 1, at + 17))
    else if (field === 1 && at + 9 <= value.length) spanId = hexOf(value.subarray(at + 1, at + 9))
    else if (field === 2 && at + 2 <= value.length) flags = value[at + 1]!
    else break
    at += field === 0 ? 17 : field === 1 ? 9 : 2
  }
  if (!traceId || !spanId || /^0+$/.test(traceId) || /^0+$/.test(spanId)) return null
  return { traceId, spanId, traceFlags: flags & 1, isRemote: true }
}

export function formatGrpcTraceBin(spanContext: SpanContext): Buffer {
  return Buffer.concat([Buffer.from([0, 0]), Buffer.from(spanContext.traceId, 'hex'), Buffer.from([1]), Buffer.from(spanContext.spanId, 'hex'), Buffer.from([2, spanContext.traceFlags & 1])])
}

export function formatTraceparent(spanContext: SpanContext): string {
  return `00-${spanContext.traceId}-${spanContext.spanId}-${spanContext.traceFlags.toString(16).padStart(2, '0')}`
}

/** Ends a span with its outcome: an error sets status ERROR with the message a user would read. */
export function endSpan(span: Span, error: { code?: number; details?: string; message?: string } | null): void {
  if (error) {
    if (typeof error.code === 'number') span.setAttribute('rpc.grpc.status_code', error.code)
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.details ?? error.message ?? 'failed' })
  } else {
    span.setAttribute('rpc.grpc.status_code', 0)
  }
  span.end()
}

// Small buffers: seven workloads share one laptop, and the collector is on loopback, so frequent
// small batches keep memory flat and latency numbers fresh.
const batch = { maxQueueSize: 1024, maxExportBatchSize: 256, scheduledDelayMillis: 1_000 }

/** Tracing for this workload, or null when no collector URL was given (then nothing is recorded). */
export function startWorkloadTracing(options: { endpoint: string | undefined; service: string; version: string; instance: string }): WorkloadTracing | null {
  if (!options.endpoint) return null
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.service, 'service.version': options.version, 'service.instance.id': options.instance }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: options.endpoint }), batch)],
  })
  const tracer: Tracer = provider.getTracer('meshdeck-demo')
  return {
    serverSpan: (name, metadata) => {
      const remote = remoteContext(metadata)
      const parent = remote ? trace.setSpanContext(apiContext.active(), remote) : apiContext.active()
      const span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes: rpcAttributes(name) }, parent)
      return { span, context: trace.setSpan(parent, span) }
    },
    clientSpan: (name, peer, parent) => {
      const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes: { ...rpcAttributes(name), 'server.address': peer } }, parent ?? apiContext.active())
      const metadata = new Metadata()
      metadata.set('traceparent', formatTraceparent(span.spanContext()))
      metadata.set('grpc-trace-bin', formatGrpcTraceBin(span.spanContext()))
      return { span, metadata }
    },
    shutdown: () => provider.shutdown(),
  }
}

/** The caller's context: W3C traceparent, else proxyless gRPC's grpc-trace-bin. */
export function remoteContext(metadata: Metadata): SpanContext | null {
  const header = metadata.get('traceparent')[0]
  const fromHeader = typeof header === 'string' ? parseTraceparent(header) : null
  if (fromHeader) return fromHeader
  const binary = metadata.get('grpc-trace-bin')[0]
  return binary instanceof Uint8Array ? parseGrpcTraceBin(binary) : null
}

/** OpenTelemetry's RPC attributes from a full method name `package.Service/Method`. */
function rpcAttributes(name: string): Record<string, string> {
  const slash = name.lastIndexOf('/')
  return slash === -1 ? { 'rpc.system': 'grpc' } : { 'rpc.system': 'grpc', 'rpc.service': name.slice(0, slash).replace(/^\//, ''), 'rpc.method': name.slice(slash + 1) }
}
