import type { TopologyEdge, TopologyNode, TrafficStats } from '@shared/contract'

/** The data cytoscape styles read; labels are prepared here so the stylesheet stays declarative. */
export interface NodeData {
  id: string
  parent?: string
  kind: TopologyNode['kind']
  health: TopologyNode['health']
  missing: 'yes' | 'no'
  label: string
}

export interface EdgeData {
  id: string
  source: string
  target: string
  kind: TopologyEdge['kind']
  health: TopologyEdge['health']
  label: string
  /** 'yes' when calls on this edge fail: its label is drawn in red whatever the label mode. */
  errors: 'yes' | 'no'
}

/**
 * What edge labels show (Kiali's "edge labels" menu): everything at once needs room a dense graph
 * lacks, so one figure at a time keeps labels short enough never to overlap.
 */
export const edgeLabelModes = [
  { value: 'all', title: 'Rate, errors and p99' },
  { value: 'rate', title: 'Request rate' },
  { value: 'errors', title: 'Error rate' },
  { value: 'latency', title: 'Latency p99' },
  { value: 'none', title: 'No labels' },
] as const
export type EdgeLabelMode = (typeof edgeLabelModes)[number]['value']

export function formatRps(rps: number): string {
  if (rps >= 100) return `${Math.round(rps)} rps`
  if (rps >= 10) return `${rps.toFixed(1)} rps`
  return `${rps.toFixed(2)} rps`
}

export function formatPct(pct: number): string {
  return pct >= 10 || pct === 0 ? `${Math.round(pct)}%` : `${pct.toFixed(1)}%`
}

export function formatMs(ms: number | null): string {
  if (ms === null) return '—'
  return ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`
}

/** "12.3 rps · 0.5% err · p99 80 ms", the live numbers on an edge or under a node. */
export function trafficLine(stats: TrafficStats): string {
  const parts = [formatRps(stats.rps), `${formatPct(stats.errorPct)} err`]
  if (stats.p99Ms !== null) parts.push(`p99 ${formatMs(stats.p99Ms)}`)
  return parts.join(' · ')
}

/** "weight 20% / observed 19%": what the VirtualService asks for next to what happened. */
export function weightLine(edge: TopologyEdge): string | null {
  const weight = edge.configuredWeight === null ? null : `weight ${formatPct(edge.configuredWeight)}`
  const observed = edge.observedShare === null ? null : `observed ${formatPct(edge.observedShare)}`
  if (weight && observed) return `${weight} / ${observed}`
  return weight ?? observed
}

export function nodeData(node: TopologyNode): NodeData {
  const boxed = node.kind === 'namespace' || node.kind === 'app'
  const label = boxed ? node.label : node.missing ? `${node.label}\n(no workloads)` : node.stats && node.stats.rps > 0 ? `${node.label}\n${formatRps(node.stats.rps)}` : node.label
  // Boxes are drawn as neutral frames; keeping their (rolled-up) health out of the drawing spares a
  // restyle of a box and everything inside it whenever one member's health flips.
  const data: NodeData = { id: node.id, kind: node.kind, health: boxed ? 'idle' : node.health, missing: node.missing ? 'yes' : 'no', label }
  if (node.parent !== null) data.parent = node.parent
  return data
}

/**
 * A request edge's numbers in two short lines ("12.3 rps · 0.5% err" over "p99 80 ms"): one long
 * line needed more room between boxes than a readable zoom leaves on a graph the size of the demo.
 */
export function requestLines(stats: TrafficStats): string[] {
  const lines = [`${formatRps(stats.rps)} · ${formatPct(stats.errorPct)} err`]
  if (stats.p99Ms !== null) lines.push(`p99 ${formatMs(stats.p99Ms)}`)
  return lines
}

/** A route with no weight that takes all of its service's traffic says nothing its version node does not. */
const soleDestination = (edge: TopologyEdge): boolean => edge.configuredWeight === null && (edge.observedShare === null || edge.observedShare >= 100)

/** One figure of a request edge, for the label modes that show only one. */
function oneFigure(stats: TrafficStats, mode: 'rate' | 'errors' | 'latency'): string {
  if (mode === 'rate') return formatRps(stats.rps)
  if (mode === 'errors') return `${formatPct(stats.errorPct)} err`
  return stats.p99Ms === null ? '' : `p99 ${formatMs(stats.p99Ms)}`
}

export function edgeData(edge: TopologyEdge, mode: EdgeLabelMode = 'all'): EdgeData {
  const errors = edge.stats.rps > 0 && edge.stats.errorPct > 0 ? 'yes' : 'no'
  const base = { id: edge.id, source: edge.source, target: edge.target, kind: edge.kind, health: edge.health, errors } as const
  if (mode === 'none') return { ...base, label: '' }
  if (mode !== 'all') {
    // Route edges keep their weights (what the split is); request edges show the one chosen figure.
    if (edge.kind === 'route') {
      const weights = weightLine(edge)
      const lines = weights && !soleDestination(edge) ? [weights] : []
      // A failing version is reached by its route edge: the errors mode must show its share there too.
      if (mode === 'errors' && edge.stats.rps > 0) lines.push(oneFigure(edge.stats, 'errors'))
      return { ...base, label: lines.join('\n') }
    }
    return { ...base, label: oneFigure(edge.stats, mode) }
  }
  const lines: string[] = []
  if (edge.kind === 'route') {
    const weights = weightLine(edge)
    if (weights && !soleDestination(edge)) lines.push(weights)
    if (edge.stats.rps > 0 && lines.length > 0) lines.push(trafficLine(edge.stats))
  } else {
    lines.push(...requestLines(edge.stats))
  }
  // The lock: calls on this edge are mutual TLS, as configured and acknowledged by both sides.
  if (edge.mtls === true && lines.length > 0) lines[0] = `mTLS ✓ · ${lines[0]}`
  return { ...base, label: lines.join('\n') }
}
