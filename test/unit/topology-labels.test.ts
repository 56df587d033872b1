import { describe, expect, it } from 'vitest'
import { edgeData, nodeData, trafficLine, weightLine } from '../../src/renderer/src/components/topology/element-data'
import { buildTopology, topologyIds as ids } from '../../src/main/telemetry'
import { demoMesh, host } from './topology-fixtures'

describe('what the graph writes on nodes and edges', () => {
  const g = buildTopology(demoMesh())
  const edge = (id: string) => {
    const e = g.edges.find((x) => x.id === id)
    if (!e) throw new Error(id)
    return e
  }

  it('puts weight and observed share side by side on a split edge, with its traffic', () => {
    const e = edge(ids.routeEdge(ids.service(host('reviews')), ids.version('default', 'reviews', 'v2')))
    expect(weightLine(e)).toBe('weight 20% / observed 19%')
    expect(edgeData(e).label).toBe('weight 20% / observed 19%\n1.90 rps · 26% err · p99 80.0 ms')
  })

  it('writes rate, error share and p99 on a request edge, and leaves latency out when nothing measured it', () => {
    const e = edge(ids.requestEdge(ids.version('default', 'frontend', 'v1'), ids.service(host('details'))))
    expect(edgeData(e).label).toBe('10.0 rps · 0% err\np99 12.0 ms')
    expect(trafficLine({ rps: 250.4, errorPct: 0.25, p50Ms: null, p99Ms: null, inFlight: 0 })).toBe('250 rps · 0.3% err')
  })

  it('shows only the weight when nothing was observed, and nothing when neither is known', () => {
    const idle = buildTopology({ ...demoMesh(), stats: [] })
    const e = idle.edges.find((x) => x.id === ids.routeEdge(ids.service(host('reviews')), ids.version('default', 'reviews', 'v1')))
    expect(e && edgeData(e).label).toBe('weight 80%')
    const member = idle.edges.find((x) => x.id === ids.routeEdge(ids.service(host('details')), ids.version('default', 'details', 'v1')))
    expect(member && edgeData(member).label).toBe('')
  })

  it('shows one figure per label mode, keeps a split\'s weights, and marks failing calls for red', () => {
    const request = edge(ids.requestEdge(ids.version('default', 'frontend', 'v1'), ids.service(host('details'))))
    expect(edgeData(request, 'rate').label).toBe('10.0 rps')
    expect(edgeData(request, 'errors').label).toBe('0% err')
    expect(edgeData(request, 'latency').label).toBe('p99 12.0 ms')
    expect(edgeData(request, 'none').label).toBe('')
    expect(edgeData(request).errors).toBe('no')
    const split = edge(ids.routeEdge(ids.service(host('reviews')), ids.version('default', 'reviews', 'v2')))
    expect(edgeData(split, 'latency').label).toBe('weight 20% / observed 19%')
    expect(edgeData(split, 'none').label).toBe('')
    expect(edgeData(split).errors).toBe('yes')
  })

  it('shows a failing version\'s error share on its route edge in the errors mode, under its weights', () => {
    const split = edge(ids.routeEdge(ids.service(host('reviews')), ids.version('default', 'reviews', 'v2')))
    expect(edgeData(split, 'errors').label).toBe('weight 20% / observed 19%\n26% err')
    const idle = buildTopology({ ...demoMesh(), stats: [] }).edges.find((x) => x.id === split.id)
    expect(idle && edgeData(idle, 'errors').label).toBe('weight 20%')
  })

  it('leaves the route to a service\'s only version unlabelled: its numbers are the version node\'s', () => {
    const sole = edge(ids.routeEdge(ids.service(host('details')), ids.version('default', 'details', 'v1')))
    expect(sole.observedShare).toBe(100)
    expect(sole.stats.rps).toBeGreaterThan(0)
    expect(edgeData(sole).label).toBe('')
  })

  it('labels a node with its inbound rate, marks a missing subset, and keeps boxes neutral', () => {
    const svc = g.nodes.find((n) => n.id === ids.service(host('reviews')))
    expect(svc && nodeData(svc)).toMatchObject({ label: 'reviews\n10.0 rps', health: 'degraded', parent: 'app:default/reviews' })
    const box = g.nodes.find((n) => n.id === 'app:default/reviews')
    expect(box?.health).toBe('failing')
    expect(box && nodeData(box)).toMatchObject({ label: 'reviews', health: 'idle', parent: 'ns:default' })
    const ns = g.nodes.find((n) => n.id === 'ns:default')
    expect(ns && 'parent' in nodeData(ns)).toBe(false)
  })
})

describe('the mTLS lock on an edge', () => {
  it('marks an edge whose calls are mutual TLS, and only that', async () => {
    const { edgeData } = await import('../../src/renderer/src/components/topology/element-data')
    const base = {
      id: 'e',
      kind: 'request' as const,
      source: 'a',
      target: 'b',
      configuredWeight: null,
      sourceWeights: [],
      observedShare: null,
      stats: { rps: 10, errorPct: 0, p50Ms: 5, p99Ms: 12, inFlight: 0 },
      health: 'healthy' as const,
      refs: [],
    }
    expect(edgeData({ ...base, mtls: true }).label).toBe('mTLS ✓ · 10.0 rps · 0% err\np99 12.0 ms')
    expect(edgeData({ ...base, mtls: false }).label).toBe('10.0 rps · 0% err\np99 12.0 ms')
    expect(edgeData({ ...base, mtls: null }).label).toBe('10.0 rps · 0% err\np99 12.0 ms')
  })
})
