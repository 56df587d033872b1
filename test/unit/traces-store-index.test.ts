import { describe, expect, it } from 'vitest'
import { SpanStore, type Span } from '../../src/main/traces'

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0')

const clock = Date.UTC(2030, 0, 1)
/** A demo-like trace: frontend → reviews (a version) → ratings, with a few attributes. */
function demoTrace(n: number, opts: { version?: string; error?: boolean; slowMs?: number; startMs?: number; method?: string } = {}): Span[] {
  const traceId = hex(n + 1, 32)
  const start = opts.startMs ?? clock + n
  const base = { traceId, kind: 'server' as const, serviceVersion: null, error: false, statusMessage: null }
  const root: Span = { ...base, spanId: hex(n * 4 + 1, 16), parentSpanId: null, name: 'GET /product', service: 'frontend', startMs: start, durationMs: 20 + (opts.slowMs ?? 0), attributes: { 'http.route': '/product', 'request.id': `r-${n}` } }
  const client: Span = { ...base, kind: 'client', spanId: hex(n * 4 + 2, 16), parentSpanId: root.spanId, name: 'reviews.Reviews/Get', service: 'frontend', startMs: start + 1, durationMs: 15 + (opts.slowMs ?? 0), attributes: { 'rpc.system': 'grpc', 'rpc.method': opts.method ?? 'Get' } }
  const server: Span = {
    ...base,
    spanId: hex(n * 4 + 3, 16),
    parentSpanId: client.spanId,
    name: 'reviews.Reviews/Get',
    service: 'reviews',
    serviceVersion: opts.version ?? 'v1',
    resource: { 'service.name': 'reviews', 'service.version': opts.version ?? 'v1', 'k8s.pod.name': `reviews-${opts.version ?? 'v1'}-0` },
    startMs: start + 2,
    durationMs: 12 + (opts.slowMs ?? 0),
    error: opts.error ?? false,
    statusCode: opts.error ? 'error' : 'unset',
    attributes: { 'rpc.grpc.status_code': opts.error ? 14 : 0 },
  }
  const ratings: Span = { ...base, spanId: hex(n * 4 + 4, 16), parentSpanId: server.spanId, name: 'ratings.Ratings/Get', service: 'ratings', startMs: start + 3, durationMs: 5, attributes: {} }
  return [root, client, server, ratings]
}

describe('span store search', () => {
  // 20,000 traces: many sealed segments (indexed) plus the open one (scanned).
  const store = new SpanStore({}, () => clock)
  for (let n = 0; n < 20_000; n++) store.add(demoTrace(n, { version: n % 3 === 0 ? 'v2' : 'v1', error: n % 97 === 0, slowMs: n % 1000 === 0 ? 500 : 0 }))

  it('finds traces by service + span attribute + duration + error, all on one span', () => {
    const found = store.search({ service: 'reviews', attributes: [{ key: 'rpc.grpc.status_code', value: '14', scope: 'span' }], minDurationMs: 10, errorsOnly: true, limit: 1000 })
    const expected = Array.from({ length: 20_000 }, (_, n) => n).filter((n) => n % 97 === 0)
    expect(found.map((t) => t.traceId).sort()).toEqual(expected.map((n) => hex(n + 1, 32)).sort())
    expect(found.every((t) => t.error && t.rootService === 'frontend' && t.spanCount === 4)).toBe(true)
  })

  it('matches resource attributes in resource scope, and either scope with "any"', () => {
    const v2 = store.search({ attributes: [{ key: 'service.version', value: 'v2', scope: 'resource' }], limit: 10_000 })
    expect(v2).toHaveLength(Math.ceil(20_000 / 3))
    expect(store.search({ attributes: [{ key: 'service.version', value: 'v2', scope: 'span' }] })).toHaveLength(0)
    expect(store.search({ attributes: [{ key: 'k8s.pod.name', value: 'reviews-v2-0', scope: 'any' }], limit: 5 })).toHaveLength(5)
  })

  it('finds by duration range alone (the duration index), newest first', () => {
    const slow = store.search({ minDurationMs: 400, limit: 100 })
    expect(slow.map((t) => t.traceId)).toEqual([19000, 18000, 17000, 16000, 15000, 14000, 13000, 12000, 11000, 10000, 9000, 8000, 7000, 6000, 5000, 4000, 3000, 2000, 1000, 0].map((n) => hex(n + 1, 32)))
    expect(store.search({ minDurationMs: 30, maxDurationMs: 40 })).toEqual([])
  })

  it('finds by operation, by time window, by trace id (16 hex widened) and by caller → callee edge', () => {
    expect(store.search({ operation: 'ratings.Ratings/Get', limit: 3 })).toHaveLength(3)
    // A trace matches when any of its spans starts in the window: the three before reach into it.
    expect(store.search({ sinceMs: clock + 19_990, limit: 1000 })).toHaveLength(13)
    expect(store.search({ traceId: hex(5, 16) })[0]?.traceId).toBe(hex(5, 32))
    expect(store.search({ edge: { source: 'reviews', destination: 'ratings' }, limit: 7 })).toHaveLength(7)
    expect(store.search({ edge: { source: 'ratings', destination: 'reviews' } })).toEqual([])
  })

  it('a number typed as text finds the number (200 and "200"), and unknown values find nothing', () => {
    expect(store.search({ attributes: [{ key: 'rpc.grpc.status_code', value: '0', scope: 'span' }], limit: 2 })).toHaveLength(2)
    expect(store.search({ attributes: [{ key: 'request.id', value: 'r-12345', scope: 'span' }] }).map((t) => t.traceId)).toEqual([hex(12346, 32)])
    expect(store.search({ attributes: [{ key: 'request.id', value: 'nope', scope: 'span' }] })).toEqual([])
  })

  it('gives a trace back exactly, in start order', () => {
    const spans = store.trace(hex(44, 32))!
    expect(spans.map((s) => s.service)).toEqual(['frontend', 'frontend', 'reviews', 'ratings'])
    expect(spans[2]).toMatchObject({ serviceVersion: 'v1', attributes: { 'rpc.grpc.status_code': 0 }, resource: { 'k8s.pod.name': 'reviews-v1-0' } })
  })
})

describe('span store budget', () => {
  it('never holds more than its byte budget, evicting whole traces oldest first, and counts what it evicted', () => {
    const store = new SpanStore({ maxBytes: 8 * 1024 * 1024 }, () => clock)
    let sent = 0
    let most = 0
    for (let n = 0; n < 40_000; n++) {
      const spans = demoTrace(n)
      // A late span of an old trace: its trace goes as a whole when evicted.
      if (n % 1000 === 999) spans.push({ ...demoTrace(n - 900)[3]!, spanId: hex(9_000_000 + n, 16) })
      store.add(spans)
      sent += spans.length
      most = Math.max(most, store.bytes)
    }
    expect(most).toBeLessThanOrEqual(8 * 1024 * 1024)
    const health = store.health()
    expect(health.spansHeld + health.spansEvicted).toBe(sent)
    expect(health.spansHeld).toBeGreaterThan(10_000)
    expect(store.trace(hex(1, 32))).toBeUndefined()
    expect(store.trace(hex(40_000, 32))).toHaveLength(4)
    // No half traces: every held trace has its four spans (or five with its late one).
    for (const t of store.search({ limit: 2000 })) expect([4, 5]).toContain(t.spanCount)
    for (const t of store.search({ limit: 2000 })) expect(store.trace(t.traceId)).toHaveLength(t.spanCount)
  }, 60_000)

  it('refuses a budget under 1 MiB with a message naming it', () => {
    expect(() => new SpanStore({ maxBytes: 1000 })).toThrow('at least 1 MiB; 1000 was given')
  })

  it('a trace still receiving spans does not hold up the check of the others', () => {
    let now = clock
    const store = new SpanStore({ settleMs: 1000 }, () => now)
    const busy = demoTrace(10)
    store.add([busy[0]!])
    const [, orphanClient] = demoTrace(11)
    store.add([orphanClient!]) // its root never comes
    for (let i = 1; i < 4; i++) {
      now += 600
      store.add([busy[i]!])
    }
    expect(store.health()).toMatchObject({ tracesWithMissingParents: 1, tracesSettling: 1 })
  })

  it('counts settled traces whose spans name a parent it never got', () => {
    let now = clock
    const store = new SpanStore({ settleMs: 1000 }, () => now)
    const [root, client, server, ratings] = demoTrace(1)
    store.add([root!, client!, ratings!]) // the reviews server span never arrives
    store.add(demoTrace(2))
    expect(store.health().tracesWithMissingParents).toBe(0)
    now += 2000
    store.add([])
    expect(store.health()).toMatchObject({ tracesWithMissingParents: 1, tracesSettling: 0 })
    expect(store.summary(root!.traceId)?.missingParents).toBe(true)
    // It arrives late: the trace is whole again.
    store.add([server!])
    now += 2000
    store.add([])
    expect(store.health().tracesWithMissingParents).toBe(0)
  })
})
