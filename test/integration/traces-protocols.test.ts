import { request } from 'node:http'
import { randomBytes } from 'node:crypto'
import { createGzip, gzipSync } from 'node:zlib'
import { Client, credentials, status } from '@grpc/grpc-js'
import Long from 'long'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTraceCollector, startTraces, type TraceCollector, type Traces } from '../../src/main/traces/io'
import { otlp, zipkinProto } from '../../src/main/traces/protocol/proto-runtime'

// The real collector on loopback, spoken to in each protocol's own encodings.
let traces: Traces

beforeAll(async () => {
  traces = await startTraces({ port: 0, onRejected: () => undefined })
})
afterAll(async () => {
  await traces?.dispose()
})

const hex = (bytes: number): string => randomBytes(bytes).toString('hex')
const nowUs = (): number => Date.now() * 1000
const post = (url: string, body: string | Uint8Array, headers: Record<string, string>): Promise<Response> => fetch(url, { method: 'POST', body, headers })

describe('OTLP/HTTP', () => {
  it('answers protobuf with protobuf: partial_success names the rejected spans and why', async () => {
    const traceId = randomBytes(16)
    const good = { traceId, spanId: randomBytes(8), name: 'ok', kind: 2, startTimeUnixNano: Long.fromString(`${Date.now()}000000`, true), endTimeUnixNano: Long.fromString(`${Date.now() + 3}000000`, true) }
    const body = otlp.collector.trace.v1.ExportTraceServiceRequest.encode({
      resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'pb' } }] }, scopeSpans: [{ spans: [good, { ...good, spanId: new Uint8Array(8) }, { ...good, traceId: randomBytes(8) }] }] }],
    }).finish()
    const response = await post(traces.collector.otlpUrl, body, { 'Content-Type': 'application/x-protobuf' })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/x-protobuf')
    const answer = otlp.collector.trace.v1.ExportTraceServiceResponse.decode(new Uint8Array(await response.arrayBuffer()))
    expect(Number(answer.partialSuccess?.rejectedSpans)).toBe(2)
    expect(answer.partialSuccess?.errorMessage).toBe('2 spans rejected: 1 × span_id is all zeros; 1 × trace_id is not 16 bytes.')
    expect(traces.store.trace(Buffer.from(traceId).toString('hex'))).toHaveLength(1)
  })

  it('reads OTLP JSON by its rules: hex ids in any case, enums as integers or names, int64 as strings or numbers, unknown fields ignored', async () => {
    const traceId = hex(16).toUpperCase()
    const start = BigInt(Date.now()) * 1_000_000n + 123n
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'json-rules' } }], futureField: 1 },
          scopeSpans: [
            {
              scope: { name: 's' },
              spans: [
                { traceId, spanId: hex(8), name: 'a', kind: 'SPAN_KIND_SERVER', startTimeUnixNano: String(start), endTimeUnixNano: String(start + 5_000_000n), attributes: [{ key: 'n', value: { intValue: 42 } }, { key: 'big', value: { intValue: '9007199254740993' } }], somethingNew: { x: 1 } },
                { traceId, spanId: hex(8), name: 'b', kind: 3, startTimeUnixNano: Number((start + 1_000_000n) / 1000n) * 1000, endTimeUnixNano: String(start + 2_000_000n), status: { code: 'STATUS_CODE_ERROR' } },
              ],
            },
          ],
        },
      ],
    }
    const response = await post(traces.collector.otlpUrl, JSON.stringify(body), { 'Content-Type': 'application/json' })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ partialSuccess: {} })
    const spans = traces.store.trace(traceId)!
    expect(spans.map((s) => [s.name, s.kind, s.error])).toEqual([
      ['a', 'server', false],
      ['b', 'client', true],
    ])
    expect(spans[0]!.startNs).toBe(start)
    expect(spans[0]!.attributes).toEqual({ n: 42, big: '9007199254740993' })
  })

  it('reads gzip bodies, and stops a gzip bomb at the size limit after decompression (413), then keeps serving', async () => {
    const traceId = hex(16)
    const start = `${Date.now()}000000`
    const ok = gzipSync(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId, spanId: hex(8), name: 'zipped', startTimeUnixNano: start, endTimeUnixNano: start }] }] }] }))
    expect((await post(traces.collector.otlpUrl, ok, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' })).status).toBe(200)
    expect(traces.store.trace(traceId)?.[0]?.name).toBe('zipped')

    // 256 MiB of zeros gzip to about 256 KiB: far under the 8 MiB limit on the wire, far over it inflated.
    const bomb = await gzipOfZeros(256 * 1024 * 1024)
    expect(bomb.length).toBeLessThan(1024 * 1024)
    const rssBefore = process.memoryUsage().rss
    const response = await post(traces.collector.otlpUrl, bomb, { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'gzip' })
    expect(response.status).toBe(413)
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024)
    const refusal = traces.collector.stats().recentRejections.at(-1)
    expect(refusal).toMatchObject({ format: 'otlp-protobuf', status: 413, count: 0 })
    expect(refusal!.message).toContain('once decompressed')
    expect((await post(traces.collector.otlpUrl, ok, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' })).status).toBe(200)
  })

  it('refuses an unknown Content-Encoding with 415 naming what is accepted', async () => {
    const response = await post(traces.collector.otlpUrl, '{}', { 'Content-Type': 'application/json', 'Content-Encoding': 'br' })
    expect(response.status).toBe(415)
    expect(((await response.json()) as { message: string }).message).toBe('Content-Encoding "br" is not supported: send gzip or no encoding.')
  })
})

describe('Zipkin', () => {
  it('reads v2 protobuf (ListOfSpans) and answers 202', async () => {
    const traceId = randomBytes(16)
    const body = zipkinProto.ListOfSpans.encode({
      spans: [{ traceId, id: randomBytes(8), kind: 2, name: 'get /ratings', timestamp: Long.fromNumber(nowUs(), true), duration: Long.fromNumber(1500, true), localEndpoint: { serviceName: 'ratings' }, tags: { 'http.method': 'GET' } }],
    }).finish()
    const response = await post(traces.collector.zipkinUrl, body, { 'Content-Type': 'application/x-protobuf' })
    expect(response.status).toBe(202)
    expect(traces.store.trace(Buffer.from(traceId).toString('hex'))?.[0]).toMatchObject({ service: 'ratings', kind: 'server', durationMs: 1.5, attributes: { 'http.method': 'GET' } })
  })

  it("splits Envoy's shared span ids: the server half gets its own id under the client, and its children follow it", async () => {
    const traceId = hex(8) // Envoy's default 64-bit trace id
    const shared = hex(8)
    const t = nowUs()
    const spans = [
      { traceId, id: shared, name: 'reviews', kind: 'CLIENT', timestamp: t, duration: 900, localEndpoint: { serviceName: 'productpage' } },
      { traceId, id: shared, name: 'reviews', kind: 'SERVER', shared: true, timestamp: t + 100, duration: 700, localEndpoint: { serviceName: 'reviews' } },
      { traceId, id: hex(8), parentId: shared, name: 'ratings', kind: 'CLIENT', timestamp: t + 200, duration: 300, localEndpoint: { serviceName: 'reviews' } },
    ]
    expect((await post(traces.collector.zipkinUrl, JSON.stringify(spans), { 'Content-Type': 'application/json' })).status).toBe(202)
    const stored = traces.store.trace(traceId)!
    expect(stored).toHaveLength(3)
    const client = stored.find((s) => s.kind === 'client' && s.service === 'productpage')!
    const server = stored.find((s) => s.kind === 'server')!
    const child = stored.find((s) => s.name === 'ratings')!
    expect(client.spanId).toBe(shared)
    expect(server.spanId).not.toBe(shared)
    expect(server.parentSpanId).toBe(shared)
    expect(child.parentSpanId).toBe(server.spanId)
    expect(client.traceId).toBe(`0000000000000000${traceId}`)
  })

  it('reads v1 JSON (/api/v1/spans): one span carrying both sides (cs/sr/ss/cr) becomes a client and a server span', async () => {
    const traceId = hex(8)
    const id = hex(8)
    const t = nowUs()
    const frontend = { serviceName: 'frontend', ipv4: '10.0.0.1' }
    const backend = { serviceName: 'backend', ipv4: '10.0.0.2', port: 9080 }
    const body = [
      {
        traceId,
        id,
        name: 'get',
        timestamp: t,
        duration: 1000,
        annotations: [
          { timestamp: t, value: 'cs', endpoint: frontend },
          { timestamp: t + 100, value: 'sr', endpoint: backend },
          { timestamp: t + 500, value: 'cache.hit', endpoint: backend },
          { timestamp: t + 900, value: 'ss', endpoint: backend },
          { timestamp: t + 1000, value: 'cr', endpoint: frontend },
        ],
        binaryAnnotations: [{ key: 'http.path', value: '/api', endpoint: frontend }],
      },
    ]
    const response = await post(traces.collector.zipkinV1Url, JSON.stringify(body), { 'Content-Type': 'application/json' })
    expect(response.status).toBe(202)
    const stored = traces.store.trace(traceId)!
    expect(stored.map((s) => [s.service, s.kind, s.durationMs])).toEqual([
      ['frontend', 'client', 1],
      ['backend', 'server', 0.8],
    ])
    expect(stored[1]!.parentSpanId).toBe(id)
    expect(stored[0]!.attributes['http.path']).toBe('/api')
    expect(stored[0]!.events?.map((e) => e.name)).toEqual(['cache.hit'])
  })
})

describe('OTLP/gRPC', () => {
  const exportPath = '/opentelemetry.proto.collector.trace.v1.TraceService/Export'
  const call = (body: Buffer, options: Record<string, number> = {}): Promise<{ code: number; details: string }> =>
    new Promise((resolve) => {
      const client = new Client(traces.grpc!.url.replace('http://', ''), credentials.createInsecure(), options)
      client.makeUnaryRequest(exportPath, (b: Buffer) => b, (b: Buffer) => b, body, (err) => {
        client.close()
        resolve({ code: err?.code ?? 0, details: err?.details ?? '' })
      })
    })

  it('answers bytes that are not a request with INVALID_ARGUMENT, and a line in the ingest health', async () => {
    const answer = await call(Buffer.from('definitely not protobuf'))
    expect(answer.code).toBe(status.INVALID_ARGUMENT)
    expect(answer.details).toContain('not an OTLP ExportTraceServiceRequest')
    expect(traces.collector.stats().recentRejections.at(-1)).toMatchObject({ format: 'otlp-grpc', status: 400 })
  })

  it('stops a gzip bomb at the message limit after decompression (RESOURCE_EXHAUSTED), and keeps serving', async () => {
    // 64 MiB of zeros travel as about 64 KiB of gzip; the limit is 8 MiB once inflated.
    const answer = await call(Buffer.alloc(64 * 1024 * 1024), { 'grpc.default_compression_algorithm': 2 })
    expect(answer.code).toBe(status.RESOURCE_EXHAUSTED)
    const empty = otlp.collector.trace.v1.ExportTraceServiceRequest.encode({ resourceSpans: [] }).finish()
    expect((await call(Buffer.from(empty))).code).toBe(0)
  })
})

describe('saturation', () => {
  let small: TraceCollector
  afterAll(async () => small?.dispose())

  it('answers 429 with Retry-After past its concurrent batches, 503 past its bytes in flight, and recovers', async () => {
    small = await startTraceCollector({ port: 0, onSpans: () => undefined, admission: { maxRequests: 1, maxBytes: 1024 * 1024 } })
    // A batch still being received holds the only slot.
    const slow = request({ host: '127.0.0.1', port: small.port, path: '/v1/traces', method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': 200 } })
    slow.on('error', () => undefined)
    const slowAnswer = new Promise<number>((resolve) => slow.on('response', (res) => { res.resume(); resolve(res.statusCode ?? 0) }))
    slow.write('{"resourceSpans":[')
    await new Promise((resolve) => setTimeout(resolve, 100))
    const busy = await post(small.otlpUrl, '{"resourceSpans":[]}', { 'Content-Type': 'application/json' })
    expect(busy.status).toBe(429)
    expect(busy.headers.get('retry-after')).toBe('1')
    expect(small.stats().recentRejections.at(-1)).toMatchObject({ status: 429 })
    slow.end(']}'.padEnd(200 - 18, ' '))
    expect(await slowAnswer).toBe(200)
    expect((await post(small.otlpUrl, '{"resourceSpans":[]}', { 'Content-Type': 'application/json' })).status).toBe(200)
    await small.dispose()

    small = await startTraceCollector({ port: 0, onSpans: () => undefined, admission: { maxRequests: 10, maxBytes: 1000 } })
    const big = request({ host: '127.0.0.1', port: small.port, path: '/v1/traces', method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': 900 } })
    big.on('error', () => undefined)
    const bigAnswer = new Promise<number>((resolve) => big.on('response', (res) => { res.resume(); resolve(res.statusCode ?? 0) }))
    big.write('{"resourceSpans":[')
    await new Promise((resolve) => setTimeout(resolve, 100))
    const full = await post(small.otlpUrl, JSON.stringify({ resourceSpans: [] }).padEnd(200, ' '), { 'Content-Type': 'application/json' })
    expect(full.status).toBe(503)
    expect(full.headers.get('retry-after')).toBe('1')
    big.end(']}'.padEnd(900 - 18, ' '))
    expect(await bigAnswer).toBe(200)
  })
})

async function gzipOfZeros(bytes: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 })
  const chunks: Buffer[] = []
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk))
  const done = new Promise<void>((resolve) => gzip.on('end', resolve))
  const zeros = Buffer.alloc(1024 * 1024)
  for (let written = 0; written < bytes; written += zeros.length) {
    if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once('drain', resolve))
  }
  gzip.end()
  await done
  return Buffer.concat(chunks)
}
