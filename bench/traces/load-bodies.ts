import { randomBytes } from 'node:crypto'
import Long from 'long'
import { otlp } from '../../src/main/traces/protocol/proto-runtime'

/**
 * Request bodies for bench:traces: demo-like traces (frontend → details, frontend → reviews →
 * ratings; 7 spans, RPC attributes, a request id on each root), as OTLP/JSON and OTLP/protobuf.
 */
export const spansPerRequest = 500
export const tracesPerRequest = Math.floor(spansPerRequest / 7)

interface Kv {
  key: string
  value: { stringValue?: string; intValue?: number }
}

const str = (key: string, value: string): Kv => ({ key, value: { stringValue: value } })

/** One body: `tracesPerRequest` demo-like traces, grouped by service resource as an SDK sends them. */
export function body(startNs: bigint, index: number): { json: string; proto: Uint8Array } {
  const bySvc = new Map<string, { traceId: Uint8Array; spanId: Uint8Array; parentSpanId: Uint8Array; name: string; kind: number; start: bigint; end: bigint; attributes: Kv[]; error: boolean }[]>()
  for (let t = 0; t < tracesPerRequest; t++) {
    const traceId = randomBytes(16)
    const ids = Array.from({ length: 7 }, () => randomBytes(8))
    const at = startNs + BigInt(t) * 1_000_000n
    const version = ['v1', 'v2', 'v3'][(index + t) % 3]!
    const error = (index * tracesPerRequest + t) % 50 === 0
    const slow = BigInt(((index + t) % 20) * 1_000_000)
    const rpc = (service: string, method: string): Kv[] => [str('rpc.system', 'grpc'), str('rpc.service', `meshdeck.demo.v1.${service}`), str('rpc.method', method)]
    const spans = [
      { svc: 'frontend', id: 0, parent: -1, name: 'GET /productpage', kind: 2, from: 0n, to: 40_000_000n + slow, attributes: [str('http.route', '/productpage'), str('request.id', randomBytes(6).toString('hex'))], error },
      { svc: 'frontend', id: 1, parent: 0, name: 'meshdeck.demo.v1.Details/GetDetails', kind: 3, from: 1_000_000n, to: 9_000_000n, attributes: [...rpc('Details', 'GetDetails'), str('server.address', 'details')], error: false },
      { svc: 'details', id: 2, parent: 1, name: 'meshdeck.demo.v1.Details/GetDetails', kind: 2, from: 2_000_000n, to: 8_000_000n, attributes: rpc('Details', 'GetDetails'), error: false },
      { svc: 'frontend', id: 3, parent: 0, name: 'meshdeck.demo.v1.Reviews/GetReviews', kind: 3, from: 2_000_000n, to: 37_000_000n + slow, attributes: [...rpc('Reviews', 'GetReviews'), str('server.address', 'reviews')], error },
      { svc: `reviews@${version}`, id: 4, parent: 3, name: 'meshdeck.demo.v1.Reviews/GetReviews', kind: 2, from: 3_000_000n, to: 35_000_000n + slow, attributes: [...rpc('Reviews', 'GetReviews'), { key: 'rpc.grpc.status_code', value: { intValue: error ? 14 : 0 } }], error },
      { svc: `reviews@${version}`, id: 5, parent: 4, name: 'meshdeck.demo.v1.Ratings/GetRatings', kind: 3, from: 5_000_000n, to: 25_000_000n, attributes: [...rpc('Ratings', 'GetRatings'), str('server.address', 'ratings')], error: false },
      { svc: 'ratings', id: 6, parent: 5, name: 'meshdeck.demo.v1.Ratings/GetRatings', kind: 2, from: 6_000_000n, to: 23_000_000n, attributes: rpc('Ratings', 'GetRatings'), error: false },
    ]
    for (const s of spans) {
      const list = bySvc.get(s.svc) ?? []
      list.push({ traceId, spanId: ids[s.id]!, parentSpanId: s.parent === -1 ? new Uint8Array(0) : ids[s.parent]!, name: s.name, kind: s.kind, start: at + s.from, end: at + s.to, attributes: s.attributes, error: s.error })
      bySvc.set(s.svc, list)
    }
  }
  const resourceSpans = [...bySvc].map(([svc, spans]) => {
    const [name, version] = svc.split('@')
    return {
      resource: { attributes: [str('service.name', name!), str('service.version', version ?? 'v1'), str('service.instance.id', `${name}-${version ?? 'v1'}`)] },
      scopeSpans: [{ scope: { name: 'meshdeck-bench', version: '1' }, spans }],
    }
  })
  const json = JSON.stringify({
    resourceSpans: resourceSpans.map((r) => ({
      resource: r.resource,
      scopeSpans: r.scopeSpans.map((ss) => ({
        scope: ss.scope,
        spans: ss.spans.map((s) => ({
          traceId: Buffer.from(s.traceId).toString('hex'),
          spanId: Buffer.from(s.spanId).toString('hex'),
          ...(s.parentSpanId.length ? { parentSpanId: Buffer.from(s.parentSpanId).toString('hex') } : {}),
          name: s.name,
          kind: s.kind,
          startTimeUnixNano: String(s.start),
          endTimeUnixNano: String(s.end),
          attributes: s.attributes.map((a) => ({ key: a.key, value: a.value.intValue !== undefined ? { intValue: String(a.value.intValue) } : a.value })),
          status: { code: s.error ? 2 : 0 },
        })),
      })),
    })),
  })
  const proto = otlp.collector.trace.v1.ExportTraceServiceRequest.encode({
    resourceSpans: resourceSpans.map((r) => ({
      resource: r.resource,
      scopeSpans: r.scopeSpans.map((ss) => ({
        scope: ss.scope,
        spans: ss.spans.map((s) => ({
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId,
          name: s.name,
          kind: s.kind,
          startTimeUnixNano: Long.fromString(String(s.start), true),
          endTimeUnixNano: Long.fromString(String(s.end), true),
          attributes: s.attributes,
          status: { code: s.error ? 2 : 0 },
        })),
      })),
    })),
  }).finish()
  return { json, proto }
}

