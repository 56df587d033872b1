import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { TopologyDiff, TopologyEdge, TopologyNode } from '@shared/contract'
import { ApiCallError, call, on } from '../api/client'

/** The graph as the view draws it. Unchanged elements keep their object identity between versions. */
export interface TopologySnapshot {
  nodes: TopologyNode[]
  edges: TopologyEdge[]
}

/**
 * The live topology: loads the graph once, then applies `topology.changed` diffs in place. If a diff
 * does not follow the version held (a missed event), it reloads the whole graph instead of guessing.
 */
export const useTopologyStore = defineStore('topology', () => {
  const nodes = new Map<string, TopologyNode>()
  const edges = new Map<string, TopologyEdge>()
  const graph = shallowRef<TopologySnapshot>({ nodes: [], edges: [] })
  const version = ref(-1)
  const loaded = ref(false)
  const error = ref<string | null>(null)
  let loading: Promise<void> | null = null
  let pending: TopologyDiff[] = []
  let off: (() => void) | null = null

  function publish(): void {
    graph.value = { nodes: [...nodes.values()], edges: [...edges.values()] }
  }

  function apply(diff: TopologyDiff): boolean {
    if (diff.version <= version.value) return true
    if (diff.fromVersion !== version.value) return false
    for (const id of diff.removeEdges) edges.delete(id)
    for (const id of diff.removeNodes) nodes.delete(id)
    for (const n of diff.upsertNodes) nodes.set(n.id, n)
    for (const e of diff.upsertEdges) edges.set(e.id, e)
    version.value = diff.version
    return true
  }

  async function load(): Promise<void> {
    loading ??= (async () => {
      try {
        const g = await call('topology.get', {})
        nodes.clear()
        edges.clear()
        for (const n of g.nodes) nodes.set(n.id, n)
        for (const e of g.edges) edges.set(e.id, e)
        version.value = g.version
        const queued = pending
        pending = []
        for (const diff of queued) apply(diff)
        publish()
        loaded.value = true
        error.value = null
      } catch (err) {
        error.value = err instanceof ApiCallError ? `${err.error.message} ${err.error.hint ?? ''}` : String(err)
      } finally {
        loading = null
      }
    })()
    return loading
  }

  function onChanged(diff: TopologyDiff): void {
    if (loading) {
      pending.push(diff)
      return
    }
    if (apply(diff)) publish()
    else void load()
  }

  /** Start following the live graph (idempotent); returns when the first graph is in. */
  function start(): Promise<void> {
    off ??= on('topology.changed', onChanged)
    return load()
  }

  function stop(): void {
    off?.()
    off = null
  }

  function node(id: string): TopologyNode | undefined {
    return nodes.get(id)
  }

  function edge(id: string): TopologyEdge | undefined {
    return edges.get(id)
  }

  return { graph, version, loaded, error, start, stop, load, node, edge }
})
