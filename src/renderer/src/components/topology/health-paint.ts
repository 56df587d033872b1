import type { HealthClass } from '@shared/contract'

/**
 * What the health overlay of a large graph paints, worked out without a canvas so it can be tested.
 * Only problems are painted: a large graph is drawn in neutral colours (see graph-style.ts), and a
 * red or amber mark over it is what a person scans a 2,000-edge graph for.
 */
export type PaintedHealth = Extract<HealthClass, 'degraded' | 'failing'>

export const paintedHealth = (health: HealthClass): health is PaintedHealth => health === 'degraded' || health === 'failing'

export interface Point {
  x: number
  y: number
}

/** cytoscape's viewport: rendered = model × zoom + pan, in CSS pixels of a width × height canvas. */
export interface Viewport {
  zoom: number
  pan: Point
  width: number
  height: number
}

/** A leaf node at its model position (its centre). */
export interface HealthNode {
  id: string
  at: Point
  health: PaintedHealth
}

/** An edge from its source's centre to its target's (large graphs draw edges centre to centre). */
export interface HealthEdge {
  id: string
  from: Point
  to: Point
  health: PaintedHealth
}

export interface Ring {
  id: string
  health: PaintedHealth
  x: number
  y: number
  r: number
  width: number
}

export interface Line {
  id: string
  health: PaintedHealth
  x1: number
  y1: number
  x2: number
  y2: number
  width: number
}

export interface HealthPaint {
  rings: Ring[]
  lines: Line[]
}

/** Model sizes from graph-style.ts: leaves are 34 px across with a 3 px border, edges 2 px wide. */
const nodeRadius = 17 + 1.5
const nodeBorder = 3
const edgeWidth = 2
/**
 * At the zoom a large graph fits at (≈0.1) cytoscape's edges are a fifth of a pixel wide and nodes
 * 3 px across: marks no thinner or smaller than these stay visible there.
 */
const minRingPx = 4
const minStrokePx = 1.5

const rendered = (p: Point, v: Viewport): Point => ({ x: p.x * v.zoom + v.pan.x, y: p.y * v.zoom + v.pan.y })

/** Liang–Barsky in one axis pair: whether a segment passes through the rectangle at all. */
function crosses(a: Point, b: Point, x1: number, y1: number, x2: number, y2: number): boolean {
  let t0 = 0
  let t1 = 1
  const dx = b.x - a.x
  const dy = b.y - a.y
  const clip = (p: number, q: number): boolean => {
    if (p === 0) return q >= 0
    const t = q / p
    if (p < 0) {
      if (t > t1) return false
      if (t > t0) t0 = t
    } else {
      if (t < t0) return false
      if (t < t1) t1 = t
    }
    return true
  }
  return clip(-dx, a.x - x1) && clip(dx, x2 - a.x) && clip(-dy, a.y - y1) && clip(dy, y2 - a.y)
}

/**
 * Rings round unhealthy nodes and strokes along unhealthy edges, in rendered pixels, leaving out
 * whatever the viewport does not show. Failing marks come after degraded ones, so red is on top.
 */
export function healthPaint(nodes: Iterable<HealthNode>, edges: Iterable<HealthEdge>, v: Viewport): HealthPaint {
  const rings: Ring[] = []
  const lines: Line[] = []
  const r = Math.max(minRingPx, nodeRadius * v.zoom)
  const ringWidth = Math.max(minStrokePx, nodeBorder * v.zoom)
  const lineWidth = Math.max(minStrokePx, edgeWidth * v.zoom)
  for (const n of nodes) {
    const c = rendered(n.at, v)
    if (c.x + r < 0 || c.y + r < 0 || c.x - r > v.width || c.y - r > v.height) continue
    rings.push({ id: n.id, health: n.health, x: c.x, y: c.y, r, width: ringWidth })
  }
  for (const e of edges) {
    const a = rendered(e.from, v)
    const b = rendered(e.to, v)
    if (!crosses(a, b, -lineWidth, -lineWidth, v.width + lineWidth, v.height + lineWidth)) continue
    lines.push({ id: e.id, health: e.health, x1: a.x, y1: a.y, x2: b.x, y2: b.y, width: lineWidth })
  }
  const order = (x: { health: PaintedHealth }): number => (x.health === 'failing' ? 1 : 0)
  rings.sort((p, q) => order(p) - order(q))
  lines.sort((p, q) => order(p) - order(q))
  return { rings, lines }
}
