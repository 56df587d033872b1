import { describe, expect, it } from 'vitest'
import { healthPaint, paintedHealth, type HealthEdge, type HealthNode, type Viewport } from '../../src/renderer/src/components/topology/health-paint'

const view = (over: Partial<Viewport> = {}): Viewport => ({ zoom: 0.1, pan: { x: 0, y: 0 }, width: 1360, height: 860, ...over })

describe('what the health overlay of a large graph paints', () => {
  it('marks only degraded and failing elements', () => {
    expect(['healthy', 'degraded', 'failing', 'idle'].filter((h) => paintedHealth(h as never))).toEqual(['degraded', 'failing'])
  })

  it('puts a ring on a node and a stroke on an edge at their rendered places: model × zoom + pan', () => {
    const nodes: HealthNode[] = [{ id: 'n', at: { x: 1000, y: 2000 }, health: 'failing' }]
    const edges: HealthEdge[] = [{ id: 'e', from: { x: 0, y: 0 }, to: { x: 4000, y: 3000 }, health: 'degraded' }]
    const paint = healthPaint(nodes, edges, view({ zoom: 0.1, pan: { x: 50, y: 20 } }))
    expect(paint.rings).toEqual([{ id: 'n', health: 'failing', x: 150, y: 220, r: 4, width: 1.5 }])
    expect(paint.lines).toEqual([{ id: 'e', health: 'degraded', x1: 50, y1: 20, x2: 450, y2: 320, width: 1.5 }])
  })

  it('moves every mark by exactly a pan, and scales with the zoom', () => {
    const nodes: HealthNode[] = [{ id: 'n', at: { x: 100, y: 100 }, health: 'failing' }]
    const edges: HealthEdge[] = [{ id: 'e', from: { x: 100, y: 100 }, to: { x: 300, y: 100 }, health: 'failing' }]
    const before = healthPaint(nodes, edges, view({ zoom: 1, pan: { x: 0, y: 0 } }))
    const panned = healthPaint(nodes, edges, view({ zoom: 1, pan: { x: 200, y: -40 } }))
    expect(panned.rings[0]).toMatchObject({ x: (before.rings[0]?.x ?? 0) + 200, y: (before.rings[0]?.y ?? 0) - 40 })
    expect(panned.lines[0]).toMatchObject({ x1: 300, y1: 60, x2: 500, y2: 60 })
    const zoomed = healthPaint(nodes, edges, view({ zoom: 2 }))
    expect(zoomed.rings[0]).toMatchObject({ x: 200, y: 200, r: 37, width: 6 })
    expect(zoomed.lines[0]).toMatchObject({ x1: 200, x2: 600, width: 4 })
  })

  it('leaves out what the viewport does not show, but keeps an edge that only passes through it', () => {
    const nodes: HealthNode[] = [
      { id: 'left', at: { x: -500, y: 100 }, health: 'failing' },
      { id: 'edge-of-view', at: { x: -2, y: 100 }, health: 'failing' },
    ]
    const edges: HealthEdge[] = [
      { id: 'across', from: { x: -1000, y: 400 }, to: { x: 3000, y: 400 }, health: 'failing' },
      { id: 'above', from: { x: -1000, y: -50 }, to: { x: 3000, y: -60 }, health: 'failing' },
      { id: 'corner-miss', from: { x: 1300, y: -200 }, to: { x: 1600, y: 100 }, health: 'failing' },
    ]
    const paint = healthPaint(nodes, edges, view({ zoom: 1 }))
    expect(paint.rings.map((r) => r.id)).toEqual(['edge-of-view'])
    expect(paint.lines.map((l) => l.id)).toEqual(['across'])
  })

  it('paints failing over degraded where they cross', () => {
    const edges: HealthEdge[] = [
      { id: 'red', from: { x: 0, y: 0 }, to: { x: 100, y: 100 }, health: 'failing' },
      { id: 'amber', from: { x: 0, y: 100 }, to: { x: 100, y: 0 }, health: 'degraded' },
    ]
    expect(healthPaint([], edges, view({ zoom: 1 })).lines.map((l) => l.id)).toEqual(['amber', 'red'])
  })
})
