import { randomBytes } from 'node:crypto'

/**
 * Traces as OTLP/JSON ExportTraceServiceRequests, for browser tests and benchmarks: what an
 * OpenTelemetry SDK would send for a mesh call, a call whose server clock runs ahead, or one
 * enormous trace. Send them to the collector's otlpUrl with Content-Type: application/json.
 */
export interface FixtureSpan {
  spanId: string
  parentSpanId?: string
  name: string
  kind: number
  service: string
  version?: string
  host?: string
  startMs: number
  durationMs: number
  error?: boolean
  attributes?: Record<string, string | number | boolean>
}

export const newTraceId = (): string => randomBytes(16).toString('hex')
export const newSpanId = (): string => randomBytes(8).toString('hex')

const nanos = (ms: number): string => (BigInt(Math.round(ms * 1000)) * 1000n).toString()

function anyValue(value: string | number | boolean): unknown {
  if (typeof value === 'string') return { stringValue: value }
  if (typeof value === 'boolean') return { boolValue: value }
  return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value }
}

/** One request body holding the spans, grouped by service/version/host as SDK resources. */
export function otlpRequest(traceId: string, spans: FixtureSpan[]): { resourceSpans: unknown[] } {
  const groups = new Map<string, FixtureSpan[]>()
  for (const span of spans) {
    const key = `${span.service}|${span.version ?? ''}|${span.host ?? ''}`
    groups.set(key, [...(groups.get(key) ?? []), span])
  }
  return {
    resourceSpans: [...groups.values()].map((group) => {
      const first = group[0]!
      const resource: Record<string, string> = { 'service.name': first.service }
      if (first.version) resource['service.version'] = first.version
      if (first.host) resource['host.name'] = first.host
      return {
        resource: { attributes: Object.entries(resource).map(([key, value]) => ({ key, value: anyValue(value) })) },
        scopeSpans: [
          {
            scope: { name: 'meshdeck-fixture' },
            spans: group.map((s) => ({
              traceId,
              spanId: s.spanId,
              ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
              name: s.name,
              kind: s.kind,
              startTimeUnixNano: nanos(s.startMs),
              endTimeUnixNano: nanos(s.startMs + s.durationMs),
              attributes: Object.entries(s.attributes ?? {}).map(([key, value]) => ({ key, value: anyValue(value) })),
              status: { code: s.error ? 2 : 0, ...(s.error ? { message: 'UNAVAILABLE: injected' } : {}) },
            })),
          },
        ],
      }
    }),
  }
}

/** frontend → reviews (a version) → ratings, as the demo mesh makes it. */
export function meshCall(startMs: number, opts: { version?: string; error?: boolean; extraMs?: number; attributes?: Record<string, string | number | boolean> } = {}): FixtureSpan[] {
  const extra = opts.extraMs ?? 0
  const root: FixtureSpan = { spanId: newSpanId(), name: 'GET /productpage', kind: 2, service: 'frontend', version: 'v1', startMs, durationMs: 40 + extra, attributes: { 'http.route': '/productpage', ...opts.attributes } }
  const details: FixtureSpan = { spanId: newSpanId(), parentSpanId: root.spanId, name: 'meshdeck.demo.v1.Details/GetDetails', kind: 3, service: 'frontend', version: 'v1', startMs: startMs + 1, durationMs: 8, attributes: { 'rpc.system': 'grpc', 'server.address': 'details' } }
  const detailsServer: FixtureSpan = { spanId: newSpanId(), parentSpanId: details.spanId, name: 'meshdeck.demo.v1.Details/GetDetails', kind: 2, service: 'details', version: 'v1', startMs: startMs + 2, durationMs: 6 }
  const client: FixtureSpan = { spanId: newSpanId(), parentSpanId: root.spanId, name: 'meshdeck.demo.v1.Reviews/GetReviews', kind: 3, service: 'frontend', version: 'v1', startMs: startMs + 2, durationMs: 35 + extra, error: opts.error, attributes: { 'rpc.system': 'grpc', 'server.address': 'reviews' } }
  const server: FixtureSpan = { spanId: newSpanId(), parentSpanId: client.spanId, name: 'meshdeck.demo.v1.Reviews/GetReviews', kind: 2, service: 'reviews', version: opts.version ?? 'v1', startMs: startMs + 3, durationMs: 32 + extra, error: opts.error, attributes: { 'rpc.grpc.status_code': opts.error ? 14 : 0 } }
  const ratings: FixtureSpan = { spanId: newSpanId(), parentSpanId: server.spanId, name: 'meshdeck.demo.v1.Ratings/GetRatings', kind: 3, service: 'reviews', version: opts.version ?? 'v1', startMs: startMs + 5, durationMs: 20 + extra }
  const ratingsServer: FixtureSpan = { spanId: newSpanId(), parentSpanId: ratings.spanId, name: 'meshdeck.demo.v1.Ratings/GetRatings', kind: 2, service: 'ratings', version: 'v1', startMs: startMs + 6, durationMs: 17 + extra }
  return [root, details, detailsServer, client, server, ratings, ratingsServer]
}

/** A call whose server (another host) stamps its spans with a clock `aheadMs` fast. */
export function skewedCall(startMs: number, aheadMs: number): FixtureSpan[] {
  const client: FixtureSpan = { spanId: newSpanId(), name: 'meshdeck.demo.v1.Reviews/GetReviews', kind: 3, service: 'frontend', host: 'node-a', startMs, durationMs: 50 }
  const server: FixtureSpan = { spanId: newSpanId(), parentSpanId: client.spanId, name: 'meshdeck.demo.v1.Reviews/GetReviews', kind: 2, service: 'reviews', version: 'v2', host: 'node-b', startMs: startMs + 5 + aheadMs, durationMs: 40 }
  const db: FixtureSpan = { spanId: newSpanId(), parentSpanId: server.spanId, name: 'SELECT reviews', kind: 3, service: 'reviews', version: 'v2', host: 'node-b', startMs: startMs + 10 + aheadMs, durationMs: 20 }
  return [client, server, db]
}

/**
 * A trace of `count` spans: a root fanning out level by level (each span up to `fanout`
 * children), over a handful of services, each child inside its parent in time.
 */
export function bigTrace(startMs: number, count: number, fanout = 8): FixtureSpan[] {
  const services = ['gateway', 'frontend', 'catalog', 'pricing', 'inventory', 'search', 'reviews', 'ratings']
  const spans: FixtureSpan[] = [{ spanId: newSpanId(), name: 'GET /bulk', kind: 2, service: 'gateway', startMs, durationMs: 10_000 }]
  for (let i = 1; i < count; i++) {
    const parent = spans[Math.floor((i - 1) / fanout)]!
    const slot = (i - 1) % fanout
    const width = parent.durationMs / fanout
    spans.push({
      spanId: newSpanId(),
      parentSpanId: parent.spanId,
      name: `op-${i % 50}`,
      kind: i % 2 === 0 ? 3 : 1,
      service: services[Math.floor(i / 97) % services.length]!,
      startMs: parent.startMs + slot * width + width * 0.05,
      durationMs: width * 0.9,
      error: i % 997 === 0,
      attributes: { index: i },
    })
  }
  return spans
}

/** Posts spans in bodies under the collector's size limit. */
export async function postSpans(otlpUrl: string, traceId: string, spans: FixtureSpan[], perRequest = 5_000): Promise<void> {
  for (let i = 0; i < spans.length; i += perRequest) {
    const response = await fetch(otlpUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(otlpRequest(traceId, spans.slice(i, i + perRequest))) })
    if (response.status !== 200) throw new Error(`collector answered ${response.status}: ${await response.text()}`)
    const body = (await response.json()) as { partialSuccess?: { rejectedSpans?: string; errorMessage?: string } }
    if (body.partialSuccess?.rejectedSpans) throw new Error(`collector rejected spans: ${body.partialSuccess.errorMessage}`)
  }
}
