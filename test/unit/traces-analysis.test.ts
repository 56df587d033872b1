import { describe, expect, it } from 'vitest'
import { adjustClockSkew } from '../../src/main/traces/analysis/clock-skew'
import { criticalPath } from '../../src/main/traces/analysis/critical-path'
import { DependencyGraph } from '../../src/main/traces/analysis/dependencies'
import type { LiteSpan } from '../../src/main/traces/analysis/lite-span'
import { outlineTrace } from '../../src/main/traces/analysis/outline'
import { diffTraces } from '../../src/main/traces/analysis/trace-diff'
import { buildTree, depthFirst } from '../../src/main/traces/analysis/trace-tree'

let next = 0
const span = (name: string, parent: LiteSpan | null, startMs: number, durationMs: number, extra: Partial<LiteSpan> = {}): LiteSpan => ({
  spanId: (++next).toString(16).padStart(16, '0'),
  parentSpanId: parent?.spanId ?? null,
  service: extra.service ?? parent?.service ?? 'svc',
  serviceVersion: null,
  name,
  kind: 'internal',
  error: false,
  startMs,
  durationMs,
  clock: extra.clock ?? extra.service ?? parent?.clock ?? 'svc',
  ...extra,
})

describe('trace tree', () => {
  it('puts children under parents in start order, and spans with a missing parent at the top, marked', () => {
    const root = span('root', null, 0, 100)
    const late = span('late', root, 50, 10)
    const early = span('early', root, 10, 10)
    const orphan = { ...span('orphan', null, 5, 1), parentSpanId: 'ffffffffffffffff' }
    const tree = buildTree([late, orphan, root, early])
    const { order, depth } = depthFirst(tree)
    expect([...order].map((i) => tree.spans[i]!.name)).toEqual(['root', 'early', 'late', 'orphan'])
    expect([...order].map((i) => depth[i])).toEqual([0, 1, 1, 0])
    expect(tree.orphan[1]).toBe(1)
  })

  it('survives a cycle and a span that is its own parent, showing every span', () => {
    const a = span('a', null, 0, 1)
    const b = span('b', a, 0, 1)
    a.parentSpanId = b.spanId
    const self = span('self', null, 0, 1)
    self.parentSpanId = self.spanId
    const tree = buildTree([a, b, self])
    expect(depthFirst(tree).order).toHaveLength(3)
  })
})

describe('clock skew', () => {
  it('centres a server span from a clock running 500 ms ahead inside its client, and moves its own children with it', () => {
    const client = span('call', null, 1000, 100, { service: 'frontend', kind: 'client' })
    const server = span('serve', client, 1520, 80, { service: 'reviews', kind: 'server' })
    const inner = span('db', server, 1530, 20, { service: 'reviews' })
    const tree = buildTree([client, server, inner])
    const skew = adjustClockSkew(tree)
    expect(skew.adjusted).toEqual([1])
    expect(skew.deltaMs[1]).toBeCloseTo(-510)
    expect(skew.deltaMs[2]).toBeCloseTo(-510) // same clock as its parent: moved too
    expect(skew.reasons.get(1)).toContain('ended')
    // Adjusted, the server sits 10 ms inside each side of the client.
    expect(server.startMs + skew.deltaMs[1]!).toBeCloseTo(1010)
  })

  it('leaves spans that fit, and spans on the same clock, alone', () => {
    const client = span('call', null, 0, 100, { service: 'a' })
    const server = span('serve', client, 10, 50, { service: 'b' })
    const sameClock = span('x', client, -20, 5, { service: 'a' })
    expect([...adjustClockSkew(buildTree([client, server, sameClock])).deltaMs]).toEqual([0, 0, 0])
  })
})

describe('critical path', () => {
  it('follows the child that finished last, then what finished before it, and the parent’s own time between', () => {
    const root = span('root', null, 0, 100)
    const a = span('a', root, 10, 30) // 10–40: still running when b starts, so alongside the path
    const b = span('b', root, 20, 60) // 20–80: finishes last, so the path runs through b
    const c = span('c', root, 2, 5) // 2–7: finished before b started: waited for
    const b1 = span('b1', b, 30, 40) // 30–70
    const tree = buildTree([root, a, b, b1, c])
    const path = criticalPath(
      tree,
      tree.spans.map((s) => s.startMs),
    ).map((s) => [tree.spans[s.span]!.name, s.startMs, s.endMs])
    expect(path).toEqual([
      ['root', 0, 2],
      ['c', 2, 7],
      ['root', 7, 20],
      ['b', 20, 30],
      ['b1', 30, 70],
      ['b', 70, 80],
      ['root', 80, 100],
    ])
  })

  it('walks a 100,000-span chain without overflowing the stack', () => {
    const spans: LiteSpan[] = []
    let parent: LiteSpan | null = null
    for (let i = 0; i < 100_000; i++) {
      parent = span(`s${i}`, parent, i, 200_000 - 2 * i)
      spans.push(parent)
    }
    const tree = buildTree(spans)
    const path = criticalPath(tree, spans.map((s) => s.startMs))
    expect(path.length).toBeGreaterThan(100_000)
  })
})

describe('trace comparison', () => {
  it('lines spans up by their path of service and operation and says what changed', () => {
    const a1 = span('GET /', null, 0, 100, { service: 'frontend' })
    const a2 = span('Get', a1, 10, 20, { service: 'reviews' })
    const a3 = span('Get', a2, 12, 5, { service: 'ratings' })
    const b1 = span('GET /', null, 0, 300, { service: 'frontend' })
    const b2 = span('Get', b1, 10, 200, { service: 'reviews' })
    const b3 = span('Get', b1, 220, 20, { service: 'details' })
    const b4 = span('Get', b1, 250, 20, { service: 'details' })
    const rows = diffTraces([a1, a2, a3], [b1, b2, b3, b4])
    expect(rows.map((r) => [r.depth, r.service, r.countA, r.countB, r.change])).toEqual([
      [0, 'frontend', 1, 1, 'slower'],
      [1, 'reviews', 1, 1, 'slower'],
      [2, 'ratings', 1, 0, 'onlyA'],
      [1, 'details', 0, 2, 'onlyB'],
    ])
  })
})

describe('dependency graph', () => {
  it('counts calls that cross services, and client calls to peers that sent no spans', () => {
    const graph = new DependencyGraph()
    const f = span('GET /', null, 0, 100, { service: 'frontend' })
    const c = span('Get', f, 1, 50, { service: 'frontend', kind: 'client' })
    const s = span('Get', c, 2, 40, { service: 'reviews', kind: 'server', error: true })
    const db = span('query', f, 60, 10, { service: 'frontend', kind: 'client' })
    graph.addTrace([f, c, s, db], (i) => (i === 3 ? 'postgres' : null))
    expect(graph.result().edges).toEqual([
      { source: 'frontend', destination: 'postgres', calls: 1, errors: 0, meanMs: 10 },
      { source: 'frontend', destination: 'reviews', calls: 1, errors: 1, meanMs: 40 },
    ])
  })
})

describe('outline', () => {
  it('marks the skewed span and the spans shifted with it, and gives a critical path for adjusted times too', () => {
    const client = span('call', null, 1000, 100, { service: 'frontend', kind: 'client' })
    const server = span('serve', client, 1520, 80, { service: 'reviews', kind: 'server' })
    const outline = outlineTrace('t', [server, client])
    expect(outline.rows.spanId).toEqual([client.spanId, server.spanId])
    expect(outline.rows.flags).toEqual([0, 4 | 8])
    expect(outline.rows.shift[1]).toBeCloseTo(-510)
    expect(outline.skew.reasons[0]!.row).toBe(1)
    expect(outline.critical.adjusted.length).toBeGreaterThan(0)
    expect(outline.durationMs).toBe(600)
  })
})
