import type { TopologyDiff } from '@shared/contract'
import type { TopologyElements } from './build-topology'

export type TopologyChanges = Omit<TopologyDiff, 'fromVersion' | 'version'>

/**
 * What changed between two builds, element by element. Elements are compared by their serialised
 * form: buildTopology creates every object with the same key order, so equal data means equal text.
 */
export function diffTopology(previous: TopologyElements, next: TopologyElements): TopologyChanges {
  const nodes = diffById(previous.nodes, next.nodes)
  const edges = diffById(previous.edges, next.edges)
  return { upsertNodes: nodes.upserts, removeNodes: nodes.removes, upsertEdges: edges.upserts, removeEdges: edges.removes }
}

export function isEmptyChange(changes: TopologyChanges): boolean {
  return changes.upsertNodes.length + changes.removeNodes.length + changes.upsertEdges.length + changes.removeEdges.length === 0
}

function diffById<T extends { id: string }>(previous: T[], next: T[]): { upserts: T[]; removes: string[] } {
  const before = new Map(previous.map((item) => [item.id, JSON.stringify(item)]))
  const upserts = next.filter((item) => before.get(item.id) !== JSON.stringify(item))
  const nextIds = new Set(next.map((item) => item.id))
  const removes = previous.filter((item) => !nextIds.has(item.id)).map((item) => item.id)
  return { upserts, removes }
}
