import { describe, expect, it } from 'vitest'
import type { TopologyEdge, TopologyNode } from '@shared/contract'
import { buildTopology, diffTopology, topologyIds as ids, type TopologyElements } from '../../src/main/telemetry'
import { demoMesh, host, route, service, stat, workload } from './topology-fixtures'

const node = (g: TopologyElements, id: string): TopologyNode => {
  const found = g.nodes.find((n) => n.id === id)
  if (!found) throw new Error(`no node ${id}; have ${g.nodes.map((n) => n.id).join(', ')}`)
  return found
}
const edge = (g: TopologyElements, id: string): TopologyEdge => {
  const found = g.edges.find((e) => e.id === id)
  if (!found) throw new Error(`no edge ${id}; have ${g.edges.map((e) => e.id).join(', ')}`)
  return found
}
const svc = (name: string): string => ids.service(host(name))
const ver = (app: string, v: string): string => ids.version('default', app, v)

describe('buildTopology', () => {
  it('is empty for empty inputs', () => {
    expect(buildTopology({ services: [], workloads: [], routes: [], stats: [] })).toEqual({ nodes: [], edges: [] })
  })

  it('groups versions in an app box inside a namespace box, and services beside them', () => {
    const g = buildTopology(demoMesh())
    expect(node(g, 'ns:default')).toMatchObject({ kind: 'namespace', parent: null })
    expect(node(g, 'app:default/reviews')).toMatchObject({ kind: 'app', parent: 'ns:default' })
    expect(node(g, ver('reviews', 'v2'))).toMatchObject({ kind: 'version', label: 'reviews v2', parent: 'app:default/reviews' })
    expect(node(g, svc('reviews'))).toMatchObject({ kind: 'service', label: 'reviews', parent: 'app:default/reviews' })
  })

  it('an edge from a route only: configured weight, no observed share, idle', () => {
    const g = buildTopology({ ...demoMesh(), stats: [] })
    const e = edge(g, ids.routeEdge(svc('reviews'), ver('reviews', 'v2')))
    expect(e).toMatchObject({ kind: 'route', configuredWeight: 20, observedShare: null, health: 'idle' })
    expect(e.stats.rps).toBe(0)
    expect(e.refs).toContainEqual({ kind: 'VirtualService', namespace: 'default', name: 'reviews' })
    expect(e.refs).toContainEqual({ kind: 'DestinationRule', namespace: 'default', name: 'reviews' })
  })

  it('an edge from traffic only: a request edge with live numbers and no weight', () => {
    const g = buildTopology({ ...demoMesh(), routes: [] })
    const e = edge(g, ids.requestEdge(ver('frontend', 'v1'), svc('details')))
    expect(e).toMatchObject({ kind: 'request', configuredWeight: null, health: 'healthy' })
    expect(e.stats).toMatchObject({ rps: 10, errorPct: 0, p99Ms: 12 })
    const split = edge(g, ids.routeEdge(svc('reviews'), ver('reviews', 'v1')))
    expect(split).toMatchObject({ configuredWeight: null, observedShare: 81 })
  })

  it('an edge from both: configured weight and observed share side by side', () => {
    const g = buildTopology(demoMesh())
    expect(edge(g, ids.routeEdge(svc('reviews'), ver('reviews', 'v1')))).toMatchObject({ configuredWeight: 80, observedShare: 81 })
    expect(edge(g, ids.routeEdge(svc('reviews'), ver('reviews', 'v2')))).toMatchObject({ configuredWeight: 20, observedShare: 19 })
    expect(edge(g, ids.routeEdge(svc('reviews'), ver('reviews', 'v3')))).toMatchObject({ configuredWeight: 0, observedShare: 0, health: 'idle' })
  })

  it('keeps an edge mTLS when a declared edge without calls (the demo\'s known edges) is merged in', () => {
    const mesh = demoMesh()
    const locked = { ...stat('frontend-v1', 'details', null, 4), mtls: true }
    const declared = { ...stat('frontend-v1', 'details', null, 0), mtls: null }
    const g = buildTopology({ ...mesh, stats: [declared, locked] })
    expect(edge(g, ids.requestEdge(ver('frontend', 'v1'), svc('details'))).mtls).toBe(true)
    // A part with calls whose TLS is unknown still makes the edge unknown; one in plaintext makes it plaintext.
    const unknown = buildTopology({ ...mesh, stats: [locked, { ...stat('frontend-v1', 'details', null, 2), mtls: null }] })
    expect(edge(unknown, ids.requestEdge(ver('frontend', 'v1'), svc('details'))).mtls).toBeNull()
    const plain = buildTopology({ ...mesh, stats: [declared, locked, { ...stat('frontend-v1', 'details', null, 2), mtls: false }] })
    expect(edge(plain, ids.requestEdge(ver('frontend', 'v1'), svc('details'))).mtls).toBe(false)
  })

  it('sums traffic of every subset on the caller → service edge and takes the worst p99', () => {
    const g = buildTopology(demoMesh())
    const e = edge(g, ids.requestEdge(ver('frontend', 'v1'), svc('reviews')))
    expect(e.stats).toMatchObject({ rps: 10, errorPct: 5, p99Ms: 80, inFlight: 2 })
    expect(node(g, svc('reviews')).stats).toMatchObject({ rps: 10, errorPct: 5 })
    expect(node(g, ver('reviews', 'v2')).stats).toMatchObject({ rps: 1.9 })
  })

  it('colours by error share: healthy below 1 %, degraded from 1 %, failing from 10 %, idle without traffic', () => {
    const at = (errorRps: number): string =>
      edge(buildTopology({ ...demoMesh(), stats: [stat('frontend-v1', 'details', null, 100, errorRps)] }), ids.requestEdge(ver('frontend', 'v1'), svc('details'))).health
    expect(at(0.99)).toBe('healthy')
    expect(at(1)).toBe('degraded')
    expect(at(9.99)).toBe('degraded')
    expect(at(10)).toBe('failing')
    const custom = buildTopology({ ...demoMesh(), stats: [stat('frontend-v1', 'details', null, 100, 2)] }, { thresholds: { degradedErrorPct: 0.5, failingErrorPct: 2 } })
    expect(edge(custom, ids.requestEdge(ver('frontend', 'v1'), svc('details'))).health).toBe('failing')
    expect(edge(buildTopology({ ...demoMesh(), stats: [] }), ids.routeEdge(svc('details'), ver('details', 'v1'))).health).toBe('idle')
  })

  it('marks a version failing when none of its replicas is ready, and rolls the worst health up to its boxes', () => {
    const input = demoMesh()
    input.workloads = input.workloads.map((w) => (w.name === 'reviews-v3' ? { ...w, ready: 0 } : w))
    const g = buildTopology(input)
    expect(node(g, ver('reviews', 'v3')).health).toBe('failing')
    expect(node(g, 'app:default/reviews').health).toBe('failing')
    expect(node(g, 'ns:default').health).toBe('failing')
    expect(node(g, ver('reviews', 'v1')).health).toBe('healthy')
  })

  it('shows a subset that no workload serves as a missing node, failing when it gets weight', () => {
    const input = demoMesh()
    input.workloads = input.workloads.filter((w) => w.name !== 'reviews-v3')
    input.routes = [route('reviews', 'v1', 50), route('reviews', 'v3', 50)]
    const g = buildTopology(input)
    const missing = node(g, ids.missingSubset(host('reviews'), 'v3'))
    expect(missing).toMatchObject({ missing: true, health: 'failing', label: 'reviews v3' })
    expect(edge(g, ids.routeEdge(svc('reviews'), missing.id))).toMatchObject({ configuredWeight: 50, health: 'failing' })
  })

  it('keeps weights that apply to one calling service apart from the weights for everyone', () => {
    const input = demoMesh()
    input.routes.push(route('reviews', 'v3', 100, { host: host('frontend') }))
    const e = edge(buildTopology(input), ids.routeEdge(svc('reviews'), ver('reviews', 'v3')))
    expect(e).toMatchObject({ configuredWeight: 0, sourceWeights: [{ source: host('frontend'), weight: 100 }] })
  })

  it('shows callers it does not know: unknown sources, unlisted workloads and non-cluster hosts', () => {
    const input = demoMesh()
    input.stats = [
      { ...stat('x', 'details', null, 3), source: 'unknown' },
      stat('batch-job', 'details', null, 1),
      { ...stat('frontend-v1', 'details', null, 2), destinationHost: 'api.example.com' },
    ]
    const g = buildTopology(input)
    expect(edge(g, ids.requestEdge('ext:unknown', svc('details'))).stats.rps).toBe(3)
    expect(node(g, ids.workload('default', 'batch-job'))).toMatchObject({ kind: 'workload', parent: 'ns:default' })
    expect(node(g, ids.service('api.example.com'))).toMatchObject({ kind: 'external', label: 'api.example.com' })
  })

  it('reports mTLS only when every merged report agrees', () => {
    const input = demoMesh()
    input.stats = [{ ...stat('frontend-v1', 'reviews', 'v1', 1), mtls: true }, { ...stat('frontend-v1', 'reviews', 'v2', 1), mtls: true }]
    expect(edge(buildTopology(input), ids.requestEdge(ver('frontend', 'v1'), svc('reviews'))).mtls).toBe(true)
    input.stats[1] = { ...stat('frontend-v1', 'reviews', 'v2', 1), mtls: false }
    expect(edge(buildTopology(input), ids.requestEdge(ver('frontend', 'v1'), svc('reviews'))).mtls).toBe(false)
    input.stats[1] = stat('frontend-v1', 'reviews', 'v2', 1)
    expect(edge(buildTopology(input), ids.requestEdge(ver('frontend', 'v1'), svc('reviews'))).mtls).toBe(null)
  })

  it('gives the same ids whatever the input order, so the renderer can diff in place', () => {
    const a = buildTopology(demoMesh())
    const shuffled = demoMesh()
    shuffled.services.reverse()
    shuffled.workloads.reverse()
    shuffled.routes.reverse()
    shuffled.stats.reverse()
    expect(buildTopology(shuffled)).toEqual(a)
  })

  it('changing a number changes only the elements that carry it', () => {
    const before = buildTopology(demoMesh())
    const input = demoMesh()
    input.stats[0] = stat('frontend-v1', 'details', null, 11)
    const changes = diffTopology(before, buildTopology(input))
    expect(changes.removeNodes).toEqual([])
    expect(changes.removeEdges).toEqual([])
    expect(changes.upsertEdges.map((e) => e.id).sort()).toEqual(
      [ids.requestEdge(ver('frontend', 'v1'), svc('details')), ids.routeEdge(svc('details'), ver('details', 'v1'))].sort(),
    )
    expect(changes.upsertNodes.map((n) => n.id).sort()).toEqual([svc('details'), ver('details', 'v1')].sort())
  })

  it('a workload that leaves removes its node and edges in the diff', () => {
    const before = buildTopology(demoMesh())
    const input = demoMesh()
    input.workloads = input.workloads.filter((w) => w.name !== 'ratings-v1')
    input.stats = input.stats.filter((s) => s.destinationHost !== host('ratings'))
    const changes = diffTopology(before, buildTopology(input))
    expect(changes.removeNodes).toEqual([ver('ratings', 'v1'), 'app:default/ratings'].sort())
    expect(changes.removeEdges).toContain(ids.routeEdge(svc('ratings'), ver('ratings', 'v1')))
    expect(changes.removeEdges).toContain(ids.requestEdge(ver('reviews', 'v2'), svc('ratings')))
  })

  it('handles a workload without version labels as a workload node', () => {
    const g = buildTopology({ services: [service('legacy')], workloads: [workload('legacy', 'v1', { name: 'legacy', app: null, version: null, labels: {} })], routes: [], stats: [] })
    expect(node(g, ids.workload('default', 'legacy'))).toMatchObject({ kind: 'workload', parent: 'ns:default' })
    expect(g.edges.map((e) => e.id)).toEqual([ids.routeEdge(svc('legacy'), ids.workload('default', 'legacy'))])
  })
})
