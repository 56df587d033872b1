import { context, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api'
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import { OTLPTraceExporter as OtlpGrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc'
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin'
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SpanDto } from '@shared/contract'
import { Router } from '../../src/main/api/router'
import { registerTracesApi, startTraces, type Traces } from '../../src/main/traces/io'

/**
 * Real OpenTelemetry SDK exporters from npm — OTLP/HTTP JSON, OTLP/HTTP protobuf (plain and
 * gzip), OTLP/gRPC (gzip) and Zipkin — each sending a small trace to the collector; every span must
 * come back from traces.get as the SDK recorded it (an in-memory exporter beside it keeps the truth).
 */
let traces: Traces
let router: Router

beforeAll(async () => {
  traces = await startTraces({ port: 0, onRejected: () => undefined })
  router = new Router()
  registerTracesApi(router, null, { traces })
})
afterAll(async () => {
  await traces?.dispose()
})

const kinds: Record<SpanKind, SpanDto['kind']> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
}
const ns = (time: [number, number]): bigint => BigInt(time[0]) * 1_000_000_000n + BigInt(time[1])

/** Records a three-span trace with every kind of field through `exporter`; returns what the SDK recorded. */
async function send(service: string, exporter: SpanExporter): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'service.version': 'v7', 'deployment.environment.name': 'test' }),
    spanProcessors: [new SimpleSpanProcessor(memory), new SimpleSpanProcessor(exporter)],
  })
  const tracer = provider.getTracer('exporter-test', '1.2.3')
  const linked = tracer.startSpan('linked')
  linked.end()
  const root = tracer.startSpan('GET /product', {
    kind: SpanKind.SERVER,
    attributes: { 'http.route': '/product', 'http.response.status_code': 200, ratio: 0.25, cached: false, tags: ['a', 'b'] },
    links: [{ context: linked.spanContext(), attributes: { why: 'follows' } }],
  })
  root.addEvent('cache miss', { key: 'product:1', size: 3 })
  const client = tracer.startSpan('reviews.Reviews/Get', { kind: SpanKind.CLIENT, attributes: { 'rpc.system': 'grpc', 'server.address': 'reviews' } }, trace.setSpan(context.active(), root))
  client.setStatus({ code: SpanStatusCode.ERROR, message: 'UNAVAILABLE: no healthy upstream' })
  client.end()
  root.setStatus({ code: SpanStatusCode.OK })
  root.end()
  await provider.forceFlush()
  // Read before shutdown: shutting the in-memory exporter down empties it.
  const recorded = [...memory.getFinishedSpans()]
  await provider.shutdown()
  expect(recorded).toHaveLength(3)
  return recorded
}

async function stored(traceId: string, count: number): Promise<SpanDto[]> {
  for (let i = 0; i < 100; i++) {
    const outcome = await router.call('traces.get', { traceId })
    if (outcome.ok && (outcome.result as { spans: SpanDto[] }).spans.length >= count) return (outcome.result as { spans: SpanDto[] }).spans
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error(`trace ${traceId} did not arrive with ${count} spans`)
}

/** OTLP carries everything: each field must match exactly (times to the nanosecond). */
async function expectOtlpRoundTrip(service: string, sent: ReadableSpan[]): Promise<void> {
  for (const traceId of new Set(sent.map((s) => s.spanContext().traceId))) {
    const expected = sent.filter((s) => s.spanContext().traceId === traceId)
    const got = await stored(traceId, expected.length)
    expect(got).toHaveLength(expected.length)
    for (const span of expected) {
      const back = got.find((g) => g.spanId === span.spanContext().spanId)!
      expect(back, span.name).toBeDefined()
      expect(back).toMatchObject({
        traceId,
        parentSpanId: span.parentSpanContext?.spanId ?? null,
        name: span.name,
        kind: kinds[span.kind],
        service,
        serviceVersion: 'v7',
        startTimeUnixNano: String(ns(span.startTime)),
        endTimeUnixNano: String(ns(span.endTime)),
        statusCode: (['unset', 'ok', 'error'] as const)[span.status.code],
        statusMessage: span.status.message ?? null,
        attributes: span.attributes,
        resource: { 'service.name': service, 'service.version': 'v7', 'deployment.environment.name': 'test' },
        scope: { name: 'exporter-test', version: '1.2.3' },
        events: span.events.map((e) => ({ name: e.name, timeUnixNano: String(ns(e.time)), attributes: e.attributes ?? {} })),
        links: span.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId, attributes: l.attributes ?? {} })),
      })
      expect(back.flags & 0xff).toBe(span.spanContext().traceFlags)
    }
  }
}

describe('real exporters → collector → traces.get', () => {
  it('OTLP/HTTP JSON', async () => {
    await expectOtlpRoundTrip('json-svc', await send('json-svc', new OtlpJsonExporter({ url: traces.collector.otlpUrl })))
    expect(traces.collector.stats().byFormat['otlp-json'].acceptedSpans).toBeGreaterThanOrEqual(3)
  })

  it('OTLP/HTTP protobuf, plain and gzip', async () => {
    await expectOtlpRoundTrip('proto-svc', await send('proto-svc', new OtlpProtoExporter({ url: traces.collector.otlpUrl })))
    await expectOtlpRoundTrip('proto-gzip-svc', await send('proto-gzip-svc', new OtlpProtoExporter({ url: traces.collector.otlpUrl, compression: CompressionAlgorithm.GZIP })))
    expect(traces.collector.stats().byFormat['otlp-protobuf'].acceptedSpans).toBeGreaterThanOrEqual(6)
  })

  it('OTLP/gRPC with gzip, on its own port', async () => {
    expect(traces.grpc?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const exporter = new OtlpGrpcExporter({ url: traces.grpc!.url, compression: CompressionAlgorithm.GZIP })
    await expectOtlpRoundTrip('grpc-svc', await send('grpc-svc', exporter))
    expect(traces.collector.stats().byFormat['otlp-grpc'].acceptedSpans).toBeGreaterThanOrEqual(3)
  })

  it('Zipkin (v2 JSON): what Zipkin can carry comes back — ids, kinds, µs times, tags, status, annotations', async () => {
    const sent = await send('zipkin-svc', new ZipkinExporter({ url: traces.collector.zipkinUrl }))
    const us = (time: [number, number]): bigint => BigInt(Math.round(time[0] * 1e6 + time[1] / 1e3))
    for (const span of sent) {
      const [back] = (await stored(span.spanContext().traceId, 1)).filter((g) => g.spanId === span.spanContext().spanId)
      expect(back, span.name).toBeDefined()
      const kind = span.kind === SpanKind.INTERNAL ? 'unspecified' : kinds[span.kind]
      expect(back).toMatchObject({ parentSpanId: span.parentSpanContext?.spanId ?? null, name: span.name, kind, service: 'zipkin-svc', serviceVersion: 'v7' })
      expect(back!.startTimeUnixNano).toBe(String(us(span.startTime) * 1000n))
      expect(BigInt(back!.endTimeUnixNano) - BigInt(back!.startTimeUnixNano)).toBe(BigInt(Math.round(span.duration[0] * 1e6 + span.duration[1] / 1e3)) * 1000n)
      for (const [key, value] of Object.entries(span.attributes)) expect(back!.attributes[key], key).toBe(String(value))
      expect(back!.statusCode).toBe((['unset', 'ok', 'error'] as const)[span.status.code])
      if (span.status.code === SpanStatusCode.ERROR) expect(back!.statusMessage).toBe(span.status.message)
      expect(back!.events.map((e) => e.name)).toEqual(span.events.map((e) => e.name))
    }
    expect(traces.collector.stats().byFormat['zipkin-v2-json'].acceptedSpans).toBeGreaterThanOrEqual(3)
  })

  it('finds the exported spans by attribute, span and resource scope', () => {
    expect(traces.store.search({ attributes: [{ key: 'http.route', value: '/product', scope: 'span' }], limit: 50 }).length).toBeGreaterThanOrEqual(5)
    expect(traces.store.search({ service: 'grpc-svc', attributes: [{ key: 'deployment.environment.name', value: 'test', scope: 'resource' }] })).toHaveLength(2)
    expect(traces.store.search({ service: 'grpc-svc', errorsOnly: true })).toHaveLength(1)
    expect(traces.store.search({ service: 'grpc-svc', attributes: [{ key: 'http.response.status_code', value: '200', scope: 'any' }] })).toHaveLength(1)
  })
})
