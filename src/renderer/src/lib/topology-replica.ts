import type { TopologyDiff, TopologyEdge, TopologyGraph, TopologyNode } from '@shared/contract'

/**
 * The renderer's copy of the live graph, kept by versioned diffs (pure: no I/O, unit-tested). A
 * diff at or below the version held is already in; one that does not follow it means an event was
 * missed, and the caller reloads the whole graph rather than guess.
 */
export class TopologyReplica {
  readonly nodes = new Map<string, TopologyNode>()
  readonly edges = new Map<string, TopologyEdge>()
  version = -1

  reset(graph: Pick<TopologyGraph, 'nodes' | 'edges' | 'version'>): void {
    this.nodes.clear()
    this.edges.clear()
    for (const n of graph.nodes) this.nodes.set(n.id, n)
    for (const e of graph.edges) this.edges.set(e.id, e)
    this.version = graph.version
  }

  /** 'applied', 'stale' (already held), or 'gap' (a diff was missed: reload). */
  apply(diff: TopologyDiff): 'applied' | 'stale' | 'gap' {
    if (diff.version <= this.version) return 'stale'
    if (diff.fromVersion !== this.version) return 'gap'
    for (const id of diff.removeEdges) this.edges.delete(id)
    for (const id of diff.removeNodes) this.nodes.delete(id)
    for (const n of diff.upsertNodes) this.nodes.set(n.id, n)
    for (const e of diff.upsertEdges) this.edges.set(e.id, e)
    this.version = diff.version
    return 'applied'
  }

  /** New arrays, same element objects: unchanged elements keep their identity between versions. */
  snapshot(): { nodes: TopologyNode[]; edges: TopologyEdge[] } {
    return { nodes: [...this.nodes.values()], edges: [...this.edges.values()] }
  }
}
