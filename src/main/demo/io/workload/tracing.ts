import { Metadata } from '@grpc/grpc-js'
import { context as apiContext, SpanKind, SpanStatusCode, trace, type Context, type Span, type SpanContext, type Tracer } from '@opentelemetry/api'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base'

/**
 * Spans for one demo workload: a SERVER span per RPC it serves, a CLIENT span per upstream call,
 * with W3C `traceparent` carried in gRPC metadata so Meshdeck's collector can join a caller's
 * client span to the callee's server span (that join gives per-edge latency and the callee version).
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
      const header = metadata.get('traceparent')[0]
      const remote = typeof header === 'string' ? parseTraceparent(header) : null
      const parent = remote ? trace.setSpanContext(apiContext.active(), remote) : apiContext.active()
      const span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes: { 'rpc.system': 'grpc' } }, parent)
      return { span, context: trace.setSpan(parent, span) }
    },
    clientSpan: (name, peer, parent) => {
      const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes: { 'rpc.system': 'grpc', 'server.address': peer } }, parent ?? apiContext.active())
      const metadata = new Metadata()
      metadata.set('traceparent', formatTraceparent(span.spanContext()))
      return { span, metadata }
    },
    shutdown: () => provider.shutdown(),
  }
}
