import { defineStore } from 'pinia'
import { ref, shallowRef, watch, type Ref, type ShallowRef } from 'vue'
import type { TopologyDiff, TopologyEdge, TopologyNode, TopologySeries } from '@shared/contract'
import { call } from '../api/client'
import { presentError, type PresentedError } from '../lib/errors'
import { useSubscriptions } from '../lib/subscriptions'
import { TopologyReplica } from '../lib/topology-replica'

/** The graph as the view draws it. Unchanged elements keep their object identity between versions. */
export interface TopologySnapshot {
  nodes: TopologyNode[]
  edges: TopologyEdge[]
}

/** Charts refresh at the series resolution; faster would only redraw the same buckets. */
const seriesRefreshMs = 5_000

/**
 * The live topology. The graph follows `topology.changed` diffs (an event exists, so no polling);
 * a diff that does not follow the version held (a missed event) reloads the whole graph. The
 * series of one node or edge has no event, so it is polled while a panel shows it.
 */
export const useTopologyStore = defineStore('topology', () => {
  const replica = new TopologyReplica()
  const graph = shallowRef<TopologySnapshot>({ nodes: [], edges: [] })
  const version = ref(-1)
  const loaded = ref(false)
  const error = ref<PresentedError | null>(null)
  let loading: Promise<void> | null = null
  let pending: TopologyDiff[] = []

  function publish(): void {
    graph.value = replica.snapshot()
    version.value = replica.version
  }

  async function load(): Promise<void> {
    loading ??= (async () => {
      try {
        replica.reset(await call('topology.get', {}))
        const queued = pending
        pending = []
        for (const diff of queued) replica.apply(diff)
        publish()
        loaded.value = true
        error.value = null
      } catch (err) {
        error.value = presentError(err)
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
    const outcome = replica.apply(diff)
    if (outcome === 'applied') publish()
    else if (outcome === 'gap') void load()
  }

  /** Follows the live graph while the calling page is mounted (call in its setup). */
  function follow(): void {
    useSubscriptions().on('topology.changed', onChanged)
    void load()
  }

  /**
   * The series of the node or edge `id` names, polled while the calling component is mounted and
   * the page visible (topology.series has no event); a new id starts over.
   */
  function followSeries(id: Ref<string | null>, enabled: () => boolean): { series: ShallowRef<TopologySeries | null>; error: Ref<PresentedError | null> } {
    const series = shallowRef<TopologySeries | null>(null)
    const seriesError = ref<PresentedError | null>(null)
    const subs = useSubscriptions()
    let stop: (() => void) | null = null
    const loadSeries = async (current: string): Promise<void> => {
      if (!enabled()) return
      try {
        const result = await call('topology.series', { id: current })
        if (id.value === current) series.value = result
        seriesError.value = null
      } catch (err) {
        seriesError.value = presentError(err)
      }
    }
    watch(
      id,
      (current) => {
        series.value = null
        stop?.()
        stop = null
        if (!current) return
        // Each id gets its own poll, released when the id changes or the component unmounts.
        const polling = subs.child()
        polling.poll(() => loadSeries(current), seriesRefreshMs)
        stop = () => polling.dispose()
      },
      { immediate: true },
    )
    return { series, error: seriesError }
  }

  const node = (id: string): TopologyNode | undefined => replica.nodes.get(id)
  const edge = (id: string): TopologyEdge | undefined => replica.edges.get(id)

  return { graph, version, loaded, error, follow, followSeries, load, node, edge }
})
