import { context, trace, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTraces, type Traces } from '../../src/main/traces/io'
import { rpcStatus } from '../../src/main/traces/protocol/proto-runtime'

let traces: Traces
const providers: BasicTracerProvider[] = []

/** A real OpenTelemetry SDK tracer for one service, exporting over OTLP/HTTP JSON to the collector. */
function tracerFor(service: string, version?: string): Tracer {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, ...(version ? { 'service.version': version } : {}) }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: traces.collector.otlpUrl }), { scheduledDelayMillis: 100 })],
  })
  providers.push(provider)
  return provider.getTracer('meshdeck-test')
}

beforeAll(async () => {
  traces = await startTraces({ port: 0, onRejected: () => undefined })
})
afterAll(async () => {
  for (const p of providers) await p.shutdown()
  await traces?.dispose()
})

describe('trace collector', () => {
  it('binds loopback only', () => {
    expect(traces.collector.otlpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/traces$/)
  })

  it('turns client→server spans from real SDK exporters into per-subset latency and errors', async () => {
    const frontend = tracerFor('frontend')
    const reviewsV3 = tracerFor('reviews', 'v3')
    const now = Date.now()
    for (let i = 0; i < 50; i++) {
      const start = now - 2000 + i * 10
      const latency = i === 49 ? 400 : 20 + (i % 5)
      const client = frontend.startSpan('reviews.Reviews/Get', { kind: SpanKind.CLIENT, startTime: start, attributes: { 'rpc.system': 'grpc', 'server.address': 'reviews.demo.svc' } })
      const server = reviewsV3.startSpan('reviews.Reviews/Get', { kind: SpanKind.SERVER, startTime: start + 1 }, trace.setSpan(context.active(), client))
      if (i % 10 === 0) server.setStatus({ code: SpanStatusCode.ERROR, message: 'injected' })
      server.end(start + latency - 1)
      client.end(start + latency)
    }
    for (const p of providers) await p.forceFlush()
    const [edge] = traces.edges.window(60, { destination: 'reviews', subset: 'v3' })
    expect(edge).toMatchObject({ source: 'frontend', destination: 'reviews', subset: 'v3', requests: 50, errors: 5 })
    expect(edge!.errorRate).toBeCloseTo(0.1)
    expect(edge!.p50Ms).toBeGreaterThanOrEqual(20)
    expect(edge!.p50Ms).toBeLessThanOrEqual(24)
    expect(edge!.p99Ms).toBe(400)
  })

  it('keeps the traces searchable, newest first, with their services', async () => {
    const [latest] = traces.store.search({ service: 'reviews', limit: 1 })
    expect(latest).toMatchObject({ rootService: 'frontend', spanCount: 2, services: ['frontend', 'reviews'] })
    expect(traces.store.search({ errorsOnly: true }).length).toBe(5)
  })

  it('accepts Zipkin v2 JSON too, answering 202 Accepted as Zipkin does', async () => {
    const response = await fetch(traces.collector.zipkinUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([{ traceId: '00000000000abc12', id: '0000000000def456', name: 'get /ratings', kind: 'SERVER', timestamp: Date.now() * 1000, duration: 12000, localEndpoint: { serviceName: 'ratings' } }]),
    })
    expect(response.status).toBe(202)
    expect(traces.store.trace('00000000000abc12')?.[0]).toMatchObject({ service: 'ratings', durationMs: 12, kind: 'server' })
  })

  it('answers undecodable protobuf with 400 and a google.rpc.Status in protobuf, junk JSON with 400 in JSON', async () => {
    // Protobuf is now read (issue 14); bytes that are not an ExportTraceServiceRequest are the client's error.
    const proto = await fetch(traces.collector.otlpUrl, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body: 'x' })
    expect(proto.status).toBe(400)
    expect(proto.headers.get('content-type')).toBe('application/x-protobuf')
    const status = rpcStatus.decode(new Uint8Array(await proto.arrayBuffer()))
    expect(status.message).toContain('not an OTLP ExportTraceServiceRequest')
    const junk = await fetch(traces.collector.otlpUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"nope":1}' })
    expect(junk.status).toBe(400)
  })
})
