import { describe, expect, it } from 'vitest'
import { canaryMetrics } from '../../src/main/canary/canary-metrics'
import { EdgeLatency, type Span } from '../../src/main/traces'

const now = Date.UTC(2030, 0, 1)
const host = 'reviews.demo.svc.cluster.local'

function calls(edges: EdgeLatency, count: number, failing: number): void {
  const spans: Span[] = []
  for (let i = 0; i < count; i++) {
    const traceId = (i + 1).toString(16).padStart(32, '0')
    const clientId = (i + 1).toString(16).padStart(16, '1')
    const base = { traceId, name: 'Get', statusMessage: null, attributes: {}, startMs: now - 2000 + i, error: false }
    spans.push({ ...base, spanId: clientId, parentSpanId: null, kind: 'client', service: 'frontend', serviceVersion: null, durationMs: 30 })
    spans.push({ ...base, spanId: clientId.replace(/^1/, '2'), parentSpanId: clientId, kind: 'server', service: 'reviews', serviceVersion: 'v3', durationMs: 20, error: i < failing })
  }
  edges.add(spans)
}

describe('canary metrics', () => {
  it('judge counts and errors from load reports, latency from spans, and say so', () => {
    const edges = new EdgeLatency(() => now)
    calls(edges, 40, 4)
    const metrics = canaryMetrics(edges, () => [{ host, subset: 'v3', requestRate: 10, errorRate: 0.1 }], host, 'v3', 5)
    expect(metrics).toEqual({
      requests: 50,
      errorRate: 0.1,
      p99Ms: 30,
      sources: { requests: 'loadReports', errorRate: 'loadReports', p99Ms: 'spans' },
      readings: { spans: { requests: 40, errorRate: 0.1, p99Ms: 30 }, loadReports: { requests: 50, errorRate: 0.1, p99Ms: null } },
    })
  })

  it('fall back to spans alone where no control plane receives load reports', () => {
    const edges = new EdgeLatency(() => now)
    calls(edges, 20, 0)
    expect(canaryMetrics(edges, () => [], host, 'v3', 5)).toMatchObject({ requests: 20, sources: { requests: 'spans', errorRate: 'spans', p99Ms: 'spans' }, readings: { spans: { requests: 20 } } })
    expect(canaryMetrics(new EdgeLatency(() => now), () => [], host, 'v3', 5)).toMatchObject({ requests: 0, sources: { requests: null, errorRate: null, p99Ms: null }, readings: {} })
  })
})
