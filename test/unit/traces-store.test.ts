import { describe, expect, it } from 'vitest'
import { EdgeLatency, SpanStore, type Span } from '../../src/main/traces'

const span = (traceId: string, spanId: string): Span => ({
  traceId,
  spanId,
  parentSpanId: null,
  name: 'x',
  kind: 'server',
  service: 's',
  serviceVersion: null,
  startMs: 0,
  durationMs: 1,
  error: false,
  statusMessage: null,
  attributes: {},
})

describe('span store', () => {
  it('stays within its bound by dropping the oldest traces first', () => {
    const store = new SpanStore({ maxSpans: 100 })
    for (let t = 0; t < 60; t++) store.add([span(`t${t}`, 'a'), span(`t${t}`, 'b')])
    expect(store.spanCount).toBeLessThanOrEqual(100)
    expect(store.trace('t0')).toBeUndefined()
    expect(store.trace('t59')).toHaveLength(2)
  })
})

const call = (n: number, atMs: number, opts: { source?: string; server?: boolean } = {}): Span[] => {
  const traceId = n.toString(16).padStart(32, '0')
  const clientId = n.toString(16).padStart(16, '1')
  const client: Span = { ...span(traceId, clientId), kind: 'client', service: opts.source ?? 'frontend', startMs: atMs, durationMs: 5 }
  if (opts.server === false) return [client]
  return [client, { ...span(traceId, clientId.replace(/^1/, '2')), parentSpanId: clientId, service: 'reviews', serviceVersion: 'v3', startMs: atMs + 1, durationMs: 3 }]
}

describe('edge latency memory', () => {
  it('ignores spans far from now, so a batch dated in 2100 never enters any window', () => {
    let now = Date.UTC(2030, 0, 1)
    const edges = new EdgeLatency(() => now)
    for (let i = 0; i < 100; i++) edges.add(call(i, Date.UTC(2100, 0, 1)))
    expect(edges.size).toEqual({ edges: 0, buckets: 0, pending: 0 })
    edges.add(call(1000, now - 1000))
    expect(edges.window(60)).toMatchObject([{ requests: 1 }])
    now += 16 * 60_000
    edges.add([])
    expect(edges.size.edges).toBe(0) // expired and gone, not kept empty
  })

  it('counts a span from a clock running ahead only when its time has come', () => {
    let now = Date.UTC(2030, 0, 1)
    const edges = new EdgeLatency(() => now)
    edges.add(call(1, now + 5 * 60_000))
    expect(edges.window(60)).toEqual([])
    now += 5 * 60_000 + 1000
    expect(edges.window(60)).toMatchObject([{ requests: 1 }])
  })

  it('holds at most maxEdges edges and maxPending waiting spans whatever a sender invents', () => {
    const now = Date.UTC(2030, 0, 1)
    const edges = new EdgeLatency(() => now, { maxEdges: 100, maxPending: 50 })
    for (let i = 0; i < 1000; i++) edges.add(call(i, now - 100, { source: `caller-${i}` }))
    for (let i = 0; i < 1000; i++) edges.add(call(5000 + i, now + 60_000, { server: false }))
    expect(edges.size.edges).toBe(100)
    expect(edges.size.pending).toBe(50)
    // The newest edges are the ones kept.
    expect(edges.window(60, { source: 'caller-999' })).toHaveLength(1)
    expect(edges.window(60, { source: 'caller-0' })).toHaveLength(0)
  })
})

describe('span store memory', () => {
  it('stays within its byte bound when spans carry huge attributes', () => {
    const store = new SpanStore({ maxSpans: 50_000, maxBytes: 10 * 1024 * 1024 })
    const big = 'x'.repeat(1024 * 1024)
    for (let t = 0; t < 40; t++) store.add([{ ...span(`t${t}`, 'a'), attributes: { big } }])
    expect(store.spanCount).toBeLessThanOrEqual(5)
    expect(store.trace('t39')).toHaveLength(1)
    expect(store.search()).toHaveLength(store.spanCount)
  })
})
