import type { LiteSpan } from './lite-span'

/**
 * The service dependency graph seen in traces: an edge for every span whose parent belongs to
 * another service (the call crossed from caller to callee), with calls, errors and mean
 * duration. A client span with no child from another service still counts, against the peer it
 * named (`peer.service` or `server.address`), so a call to something that sends no spans shows.
 * Pure; accumulate trace by trace.
 */
export interface DependencyEdge {
  source: string
  destination: string
  calls: number
  errors: number
  meanMs: number
}

export interface DependencyNode {
  service: string
  spans: number
  errors: number
}

export class DependencyGraph {
  private readonly edges = new Map<string, { source: string; destination: string; calls: number; errors: number; totalMs: number }>()
  private readonly nodes = new Map<string, DependencyNode>()
  traces = 0

  /** One trace's spans; `peerOf` names the callee of a client span (from its attributes). */
  addTrace(spans: readonly LiteSpan[], peerOf: (index: number) => string | null = () => null): void {
    this.traces++
    const byId = new Map<string, number>()
    spans.forEach((span, i) => byId.set(span.spanId, i))
    const answered = new Uint8Array(spans.length)
    spans.forEach((span) => {
      const node = this.nodes.get(span.service) ?? { service: span.service, spans: 0, errors: 0 }
      node.spans++
      if (span.error) node.errors++
      this.nodes.set(span.service, node)
      const p = span.parentSpanId === null ? undefined : byId.get(span.parentSpanId)
      if (p === undefined) return
      const parent = spans[p]!
      if (parent.service === span.service) return
      answered[p] = 1
      this.count(parent.service, span.service, span.error, span.durationMs)
    })
    spans.forEach((span, i) => {
      if (span.kind !== 'client' || answered[i]) return
      const peer = peerOf(i)
      if (peer && peer !== span.service) this.count(span.service, peer, span.error, span.durationMs)
    })
  }

  result(): { nodes: DependencyNode[]; edges: DependencyEdge[] } {
    for (const edge of this.edges.values()) if (!this.nodes.has(edge.destination)) this.nodes.set(edge.destination, { service: edge.destination, spans: 0, errors: 0 })
    return {
      nodes: [...this.nodes.values()].sort((a, b) => a.service.localeCompare(b.service)),
      edges: [...this.edges.values()]
        .map((e) => ({ source: e.source, destination: e.destination, calls: e.calls, errors: e.errors, meanMs: e.totalMs / e.calls }))
        .sort((a, b) => a.source.localeCompare(b.source) || a.destination.localeCompare(b.destination)),
    }
  }

  private count(source: string, destination: string, error: boolean, durationMs: number): void {
    const key = `${source}\u0000${destination}`
    const edge = this.edges.get(key) ?? { source, destination, calls: 0, errors: 0, totalMs: 0 }
    edge.calls++
    if (error) edge.errors++
    edge.totalMs += durationMs
    this.edges.set(key, edge)
  }
}
