import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Router } from '../../src/main/api'
import { registerTracesApi, startTraces, type Traces } from '../../src/main/traces/io'
import { forgedOtlpCalls, year2100 } from '../support/forged-spans'

// The real collector on loopback, posted to with fetch exactly as a web page or a script would.
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

const hex = (n: number, seed: string): string => seed.repeat(n).slice(0, n)
const nowNanos = (offsetMs = 0): string => String(BigInt(Date.now() + offsetMs) * 1_000_000n)
const otlp = (spans: unknown[], service = 'checkout'): string =>
  JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ spans }] }] })
const post = (url: string, body: string, contentType?: string): Promise<Response> =>
  fetch(url, { method: 'POST', body, headers: contentType === undefined ? {} : { 'Content-Type': contentType } })

describe('what the trace collector lets in', () => {
  it('refuses what a web page can send without asking (text/plain, form types, no type) with 415 and keeps nothing', async () => {
    const before = traces.store.spanCount
    const body = JSON.stringify(forgedOtlpCalls(50, Date.now()))
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const response = await post(traces.collector.otlpUrl, body, type)
      expect(response.status, type).toBe(415)
      expect(((await response.json()) as { error: string }).error).toContain('application/json')
    }
    // fetch sends a string body as text/plain unless told otherwise; a Blob with no type sends none.
    const untyped = await fetch(traces.collector.otlpUrl, { method: 'POST', body: new Blob([body]) })
    expect(untyped.status).toBe(415)
    expect(((await untyped.json()) as { error: string }).error).toContain('(none)')
    const zipkin = await post(traces.collector.zipkinUrl, '[]', 'text/plain')
    expect(zipkin.status).toBe(415)
    expect(traces.store.spanCount).toBe(before)
  })

  it('answers only to loopback host names, like the API (DNS rebinding)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: traces.collector.port, path: '/v1/traces', method: 'POST', headers: { Host: `rebound.example:${traces.collector.port}`, 'Content-Type': 'application/json' } },
        (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        },
      )
      req.on('error', reject)
      req.end(otlp([]))
    })
    expect(status).toBe(421)
    expect((await post(traces.collector.otlpUrl.replace('127.0.0.1', 'localhost'), otlp([]), 'application/json')).status).toBe(200)
  })

  it('rejects 3,000 successful spans dated in 2100 in partialSuccess; analysis never sees them', async () => {
    const before = traces.store.spanCount
    const response = await post(traces.collector.otlpUrl, JSON.stringify(forgedOtlpCalls(1500, year2100)), 'application/json')
    expect(response.status).toBe(200)
    const { partialSuccess } = (await response.json()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } }
    expect(Number(partialSuccess.rejectedSpans)).toBe(3000)
    expect(partialSuccess.errorMessage).toBe("3000 spans rejected: 3000 × it ends more than 10 min after now (is the sender's clock right?).")
    expect(traces.store.spanCount).toBe(before)
    expect(traces.edges.window(15 * 60, { destination: 'reviews', subset: 'v3' })).toEqual([])
    expect(traces.collector.stats().rejectedSpans).toBeGreaterThanOrEqual(3000)
  })

  it('rejects spans from long ago, malformed ids and times that are not numbers, keeping the good ones of the batch', async () => {
    const good = { traceId: hex(32, 'a1'), spanId: hex(16, 'b2'), name: 'ok', kind: 2, startTimeUnixNano: nowNanos(-5), endTimeUnixNano: nowNanos() }
    const response = await post(
      traces.collector.otlpUrl,
      otlp([
        good,
        { ...good, spanId: hex(16, 'c3'), startTimeUnixNano: nowNanos(-3_600_000), endTimeUnixNano: nowNanos(-3_599_000) },
        { ...good, traceId: 'abc123' },
        { ...good, traceId: hex(32, 'zz') },
        { ...good, spanId: hex(8, 'd4') },
        { ...good, spanId: hex(16, 'e5'), parentSpanId: 'not-hex' },
        { ...good, spanId: hex(16, 'f6'), startTimeUnixNano: 'yesterday' },
        { ...good, spanId: hex(16, 'a7'), startTimeUnixNano: undefined },
      ]),
      'application/json',
    )
    const { partialSuccess } = (await response.json()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } }
    expect(Number(partialSuccess.rejectedSpans)).toBe(7)
    for (const reason of [
      '1 × it started more than 10 min before now',
      '2 × traceId is not 32 hex digits',
      '2 × startTimeUnixNano is not a number of nanoseconds',
    ]) expect(partialSuccess.errorMessage).toContain(reason)
    expect(traces.store.trace(hex(32, 'a1'))?.map((s) => s.spanId)).toEqual([hex(16, 'b2')])
  })

  it('Zipkin: checks 16/32-digit trace ids and numeric timestamps, counts the rejected and answers 202 for the rest', async () => {
    const before = traces.collector.stats().rejectedSpans
    const span = { traceId: hex(16, '9a'), id: hex(16, '8b'), name: 'get', kind: 'SERVER', timestamp: Date.now() * 1000, duration: 1000, localEndpoint: { serviceName: 'ratings' } }
    const response = await post(
      traces.collector.zipkinUrl,
      JSON.stringify([span, { ...span, id: hex(16, '7c'), timestamp: 'soon' }, { ...span, id: hex(16, '6d'), duration: 'long' }, { ...span, traceId: hex(20, '5e') }, { ...span, id: 'xyz' }]),
      'application/json',
    )
    expect(response.status).toBe(202)
    expect(await response.text()).toBe('')
    expect(traces.collector.stats().rejectedSpans - before).toBe(4)
    expect(traces.collector.stats().recentRejections.at(-1)).toMatchObject({ protocol: 'zipkin', count: 4 })
    const none = await post(traces.collector.zipkinUrl, JSON.stringify([{ ...span, timestamp: 'soon' }]), 'application/json')
    expect(none.status).toBe(400)
    expect(((await none.json()) as { error: string }).error).toBe('1 span rejected: 1 × timestamp is not a number of microseconds.')
  })

  it('answers a batch over 8 MiB with a 413 the exporter can read, and keeps serving', async () => {
    const response = await post(traces.collector.otlpUrl, JSON.stringify({ resourceSpans: [], padding: 'x'.repeat(9 * 1024 * 1024) }), 'application/json')
    expect(response.status).toBe(413)
    expect(((await response.json()) as { error: string }).error).toContain("lower the exporter's batch size")
    expect((await post(traces.collector.otlpUrl, otlp([]), 'application/json')).status).toBe(200)
  })

  it('traces.search and traces.get answer within the contract whatever odd spans were accepted', async () => {
    const t = (seed: string): string => hex(32, seed)
    const now = Date.now()
    const zipkin = [
      // Tags that are not strings, a version given as a number, an error tag that is a boolean.
      { traceId: t('01'), id: hex(16, '11'), name: 'odd tags', timestamp: now * 1000, tags: { 'service.version': 3, error: true, nested: { a: 1 }, list: [1], nan: null }, localEndpoint: { serviceName: 7 } },
      // A span that is its own parent, and one with no duration at all.
      { traceId: t('02'), id: hex(16, '22'), parentId: hex(16, '22'), name: 'loop', timestamp: String(now * 1000) },
      // Upper-case ids and a huge name.
      { traceId: t('AB'), id: hex(16, 'CD'), name: 'x'.repeat(10_000), timestamp: now * 1000, duration: 0, kind: 'WEIRD' },
      // The same span id twice in one trace.
      { traceId: t('03'), id: hex(16, '33'), timestamp: now * 1000, duration: 5 },
      { traceId: t('03'), id: hex(16, '33'), timestamp: now * 1000 + 1, duration: 5 },
    ]
    expect((await post(traces.collector.zipkinUrl, JSON.stringify(zipkin), 'application/json')).status).toBe(202)
    const attrs = [
      { key: 'int', value: { intValue: 'not a number' } },
      { key: 'double', value: { doubleValue: 'NaN' } },
      { key: 'ok', value: { intValue: '42' } },
      { key: 7, value: { stringValue: 'x' } },
    ]
    const response = await post(
      traces.collector.otlpUrl,
      otlp([{ traceId: t('04'), spanId: hex(16, '44'), parentSpanId: '', name: 42, kind: 99, startTimeUnixNano: nowNanos(), endTimeUnixNano: nowNanos(-1000), status: { code: 'x', message: 5 }, attributes: attrs }]),
      'application/json',
    )
    expect(((await response.json()) as { partialSuccess: object }).partialSuccess).toEqual({})

    const search = await router.call('traces.search', { limit: 1000 })
    expect(search).toMatchObject({ ok: true })
    for (const traceId of [t('01'), t('02'), t('ab'), t('03'), t('04')]) {
      const got = await router.call('traces.get', { traceId })
      expect(got, traceId).toMatchObject({ ok: true })
    }
    const odd = await router.call('traces.get', { traceId: t('01') })
    expect(odd).toMatchObject({ ok: true, result: { spans: [{ serviceVersion: '3', statusMessage: 'true', service: '7', attributes: { 'service.version': '3', error: 'true' } }] } })
  })
})
