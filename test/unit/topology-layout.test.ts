import { describe, expect, it } from 'vitest'
import { layeredLayout } from '../../src/renderer/src/components/topology/layered-layout'
import { buildTopology } from '../../src/main/telemetry'
import { demoMesh } from './topology-fixtures'
import { syntheticMesh } from '../../bench/topology-scale/synthetic'

describe('layeredLayout (the left → right layout for large graphs)', () => {
  const demo = buildTopology(demoMesh())
  const positions = layeredLayout(demo.nodes, demo.edges)
  const at = (id: string): { x: number; y: number } => {
    const p = positions.get(id)
    if (!p) throw new Error(`no position for ${id}`)
    return p
  }

  it('places every node that is not a box, and no box', () => {
    expect([...positions.keys()].sort()).toEqual(demo.nodes.filter((n) => n.kind !== 'app' && n.kind !== 'namespace').map((n) => n.id).sort())
  })

  it('puts callers left of what they call, and versions right of their service', () => {
    expect(at('ver:default/frontend/v1').x).toBeLessThan(at('svc:reviews.default.svc.cluster.local').x)
    expect(at('svc:reviews.default.svc.cluster.local').x).toBeLessThan(at('ver:default/reviews/v2').x)
    expect(at('ver:default/reviews/v2').x).toBeLessThan(at('svc:ratings.default.svc.cluster.local').x)
  })

  it('stacks the versions of one app in a column without overlap', () => {
    const ys = ['v1', 'v2', 'v3'].map((v) => at(`ver:default/reviews/${v}`))
    expect(new Set(ys.map((p) => p.x)).size).toBe(1)
    expect(new Set(ys.map((p) => p.y)).size).toBe(3)
  })

  it('survives a call cycle', () => {
    const nodes = [
      { id: 'a', parent: null, kind: 'service' },
      { id: 'b', parent: null, kind: 'service' },
    ]
    const p = layeredLayout(nodes, [
      { source: 'a', target: 'b' },
      { source: 'b', target: 'a' },
    ])
    expect(p.size).toBe(2)
    expect(p.get('a')?.x).not.toBe(p.get('b')?.x)
  })

  it('keeps namespaces in separate bands and app boxes apart on a 500-service graph', () => {
    const big = buildTopology(syntheticMesh().input)
    const p = layeredLayout(big.nodes, big.edges)
    const bandOf = new Map<string, { min: number; max: number }>()
    for (const n of big.nodes) {
      const pos = p.get(n.id)
      if (!pos) continue
      const band = bandOf.get(n.namespace) ?? { min: Infinity, max: -Infinity }
      bandOf.set(n.namespace, { min: Math.min(band.min, pos.y), max: Math.max(band.max, pos.y) })
    }
    const bands = [...bandOf.values()].sort((a, b) => a.min - b.min)
    for (let i = 1; i < bands.length; i++) expect(bands[i]?.min).toBeGreaterThan(bands[i - 1]?.max ?? Infinity)
    const taken = new Set([...p.values()].map((q) => `${Math.round(q.x)},${Math.round(q.y)}`))
    expect(taken.size).toBe(p.size)
  })
})
