import { describe, expect, it } from 'vitest'
import { formFromQuery, parseAttributeFilters, parseDuration, queryFromForm, toSearchParams, emptyForm } from '../../src/renderer/src/lib/traces/search-query'
import { ancestorsOf, criticalByRow, subtreeEnds, visibleRows } from '../../src/renderer/src/lib/traces/waterfall-rows'
import { splitOtlpJson } from '../../src/renderer/src/lib/traces/otlp-chunks'
import { tracesLink } from '../../src/renderer/src/lib/traces/topology-links'
import type { TopologyEdge, TopologyNode } from '@shared/contract'

describe('search form ↔ URL ↔ API', () => {
  it('reads key=value filters in span, resource or either scope, with quoted values', () => {
    expect(parseAttributeFilters('rpc.method=Get resource.service.version=v2 span.http.route="/a b" x=')).toEqual({
      filters: [
        { key: 'rpc.method', value: 'Get', scope: 'any' },
        { key: 'service.version', value: 'v2', scope: 'resource' },
        { key: 'http.route', value: '/a b', scope: 'span' },
        { key: 'x', value: '', scope: 'any' },
      ],
      error: null,
    })
    expect(parseAttributeFilters('a=b oops').error).toBe('"oops" is not key=value; write e.g. rpc.method=Get or resource.service.version=v2.')
  })

  it('turns the form into search parameters, naming a bad duration', () => {
    const form = { ...emptyForm(), service: 'reviews', minMs: '1.5s', maxMs: '900us', errorsOnly: true, since: '15m', edge: 'frontend>reviews' }
    expect(toSearchParams(form, 1_000_000)).toEqual({
      params: { limit: 200, service: 'reviews', minDurationMs: 1500, maxDurationMs: 0.9, errorsOnly: true, sinceMs: 100_000, edge: { source: 'frontend', destination: 'reviews' } },
      error: null,
    })
    expect(toSearchParams({ ...form, minMs: 'soon' }, 0).error).toBe('"soon" is not a duration; write e.g. 250, 250ms, 1.5s.')
    expect(parseDuration('2m')).toBe(120_000)
  })

  it('keeps a search in the URL and reads it back the same', () => {
    const form = { ...emptyForm(), service: 'reviews', attributes: 'resource.service.version=v2', minMs: '10', errorsOnly: true, since: '6h', limit: 50 }
    const query = queryFromForm(form)
    expect(query).toEqual({ service: 'reviews', attrs: 'resource.service.version=v2', min: '10', errors: '1', since: '6h', limit: '50' })
    expect(formFromQuery(query)).toEqual(form)
    expect(formFromQuery({ since: 'forever', limit: '99999' })).toEqual(emptyForm())
  })
})

describe('waterfall rows', () => {
  // root(0) → a(1) → a1(2), a2(3); root → b(4); another root(5)
  const depth = [0, 1, 2, 2, 1, 0]
  const parent = [-1, 0, 1, 1, 0, -1]

  it('knows where each subtree ends and hides collapsed insides', () => {
    expect([...subtreeEnds(depth)]).toEqual([5, 4, 3, 4, 5, 6])
    const ends = subtreeEnds(depth)
    expect([...visibleRows(ends, new Set([1]))]).toEqual([0, 1, 4, 5])
    expect([...visibleRows(ends, new Set([0]))]).toEqual([0, 5])
    expect(ancestorsOf(parent, 3)).toEqual([1, 0])
  })

  it('groups critical-path triples by row', () => {
    expect([...criticalByRow([0, 0, 1, 2, 1, 3, 0, 3, 4]).entries()]).toEqual([
      [0, [[0, 1], [3, 4]]],
      [2, [[1, 3]]],
    ])
  })
})

describe('import in pieces', () => {
  it('splits a large OTLP/JSON file into requests under the limit, each span with its resource and scope', () => {
    const spans = Array.from({ length: 300 }, (_, i) => ({ traceId: 'a'.repeat(32), spanId: i.toString(16).padStart(16, '0'), name: 'x'.repeat(100) }))
    const doc = { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 's' } }] }, scopeSpans: [{ scope: { name: 'sc' }, spans }] }] }
    const pieces = splitOtlpJson(JSON.stringify(doc), 10_000)
    expect(pieces.length).toBeGreaterThan(3)
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(10_000)
    const back = pieces.flatMap((p) => (JSON.parse(p) as typeof doc).resourceSpans.flatMap((r) => (expect(r.resource).toEqual(doc.resourceSpans[0]!.resource), r.scopeSpans.flatMap((s) => s.spans))))
    expect(back).toEqual(spans)
    expect(() => splitOtlpJson('{"nope":1}', 100)).toThrow('it has no "resourceSpans"')
  })
})

describe('Topology → Traces', () => {
  const node = (id: string, app: string | null, version: string | null): TopologyNode => ({ id, kind: 'version', label: id, parent: null, namespace: 'demo', app, version, health: 'healthy', stats: null, missing: false, refs: [] })
  const nodes = [node('ver:frontend', 'frontend', 'v1'), node('svc:reviews', 'reviews', null), node('ver:reviews/v2', 'reviews', 'v2')]
  const byId = (id: string): TopologyNode | undefined => nodes.find((n) => n.id === id)
  const edge = (kind: TopologyEdge['kind'], source: string, target: string): TopologyEdge =>
    ({ id: `${source}>${target}`, kind, source, target, configuredWeight: null, sourceWeights: [], observedShare: null, stats: { rps: 0, errorPct: 0, p50Ms: null, p99Ms: null, inFlight: 0 }, health: 'healthy', mtls: null, refs: [] }) as unknown as TopologyEdge

  it('opens a service, a version, a call and a route split as searches', () => {
    expect(tracesLink({ node: nodes[1] }, byId)).toEqual({ path: '/traces', query: { service: 'reviews' } })
    expect(tracesLink({ node: nodes[2] }, byId)).toEqual({ path: '/traces', query: { service: 'reviews', attrs: 'resource.service.version=v2' } })
    expect(tracesLink({ edge: edge('request', 'ver:frontend', 'svc:reviews') }, byId)).toEqual({ path: '/traces', query: { edge: 'frontend>reviews' } })
    expect(tracesLink({ edge: edge('route', 'svc:reviews', 'ver:reviews/v2') }, byId)).toEqual({ path: '/traces', query: { service: 'reviews', attrs: 'resource.service.version=v2' } })
  })
})
