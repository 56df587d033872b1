import type { TopologyEdge, TopologyNode } from '@shared/contract'
import type { RouteLocationRaw } from 'vue-router'

/**
 * From the Topology page to the traces of what is selected: a service or version node opens a
 * search for its spans (a version by its resource's service.version), a request edge the traces
 * with a call from its caller to its callee, a route edge the callee's version. Pure.
 */
export function tracesLink(selection: { node?: TopologyNode; edge?: TopologyEdge }, nodeById: (id: string) => TopologyNode | undefined): RouteLocationRaw | null {
  const node = selection.node
  if (node) {
    if (!node.app) return null
    return { path: '/traces', query: { service: node.app, ...(node.version ? { attrs: `resource.service.version=${node.version}` } : {}) } }
  }
  const edge = selection.edge
  if (!edge) return null
  const source = nodeById(edge.source)
  const target = nodeById(edge.target)
  if (!target?.app) return null
  if (edge.kind === 'route') return { path: '/traces', query: { service: target.app, ...(target.version ? { attrs: `resource.service.version=${target.version}` } : {}) } }
  if (!source?.app) return { path: '/traces', query: { service: target.app } }
  return { path: '/traces', query: { edge: `${source.app}>${target.app}` } }
}
