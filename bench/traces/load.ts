/**
 * The load generator for bench:traces, in its own process so its CPU is not counted as the
 * collector's. It builds every request body first (demo-like traces: frontend → details,
 * frontend → reviews → ratings, 7 spans, RPC attributes, a request id on each root), then sends
 * them over keep-alive connections as fast as the collector answers, and prints one JSON line.
 *
 *   tsx bench/traces/load.ts <otlpUrl> <json|protobuf> <spans> [concurrency]
 */
import { randomBytes } from 'node:crypto'
import { Agent, request } from 'node:http'
import Long from 'long'
import { otlp } from '../../src/main/traces/protocol/proto-runtime'

const [url, format, spansArg, concurrencyArg] = process.argv.slice(2)
const totalSpans = Number(spansArg ?? 100_000)
const concurrency = Number(concurrencyArg ?? 4)
const spansPerRequest = 500
const tracesPerRequest = Math.floor(spansPerRequest / 7)

interface Kv {
  key: string
  value: { stringValue?: string; intValue?: number }
}

const str = (key: string, value: string): Kv => ({ key, value: { stringValue: value } })

/** One body: `tracesPerRequest` demo-like traces, grouped by service resource as an SDK sends them. */
function body(startNs: bigint, index: number): { json: string; proto: Uint8Array } {
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

async function main(): Promise<void> {
  const requests = Math.ceil(totalSpans / (tracesPerRequest * 7))
  const now = BigInt(Date.now()) * 1_000_000n
  const bodies: (string | Uint8Array)[] = []
  for (let i = 0; i < requests; i++) {
    const b = body(now + BigInt(i) * 10_000_000n, i)
    bodies.push(format === 'json' ? b.json : b.proto)
  }
  const bytes = bodies.reduce((sum, b) => sum + (typeof b === 'string' ? Buffer.byteLength(b) : b.byteLength), 0)
  process.stdout.write(`${JSON.stringify({ ready: true, requests, spans: requests * tracesPerRequest * 7, bytes })}\n`)
  // Wait for the go from the parent, so building the bodies is not inside the measured window.
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()))
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
  const target = new URL(url!)
  const contentType = format === 'json' ? 'application/json' : 'application/x-protobuf'
  let next = 0
  let ok = 0
  let refused = 0
  const started = performance.now()
  const send = (payload: string | Uint8Array): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'Content-Type': contentType, 'Content-Length': typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength } }, (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      })
      req.on('error', reject)
      req.end(payload)
    })
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const i = next++
        let status = await send(bodies[i]!)
        while (status === 429 || status === 503) {
          refused++
          await new Promise((r) => setTimeout(r, 50))
          status = await send(bodies[i]!)
        }
        if (status === 200) ok++
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  agent.destroy()
  process.stdout.write(`${JSON.stringify({ done: true, ok, refused, seconds, cpu: process.cpuUsage() })}\n`)
}

void main()
