import { defineStore } from 'pinia'
import { ref, shallowRef, watch, type Ref, type ShallowRef } from 'vue'
import type { PrometheusScopeStatus, TopologyDiff, TopologyEdge, TopologyNode, TopologySeries, TopologySourceState } from '@shared/contract'
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
  /** Which source feeds the numbers (load reports and spans, or Prometheus), and why; null until read. */
  const source = shallowRef<TopologySourceState | null>(null)
  /** The last refused change of source or Prometheus URL (the source in use stays as it was). */
  const sourceError = ref<PresentedError | null>(null)
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

  async function loadSource(): Promise<void> {
    try {
      source.value = await call('topology.source', {})
    } catch (err) {
      sourceError.value = presentError(err)
    }
  }

  /** Feeds the numbers from the mesh or from Prometheus over a window; a refusal is shown and changes nothing. */
  async function useSource(params: { traffic: 'mesh' } | { traffic: 'prometheus'; context?: string; windowSeconds?: number }): Promise<void> {
    try {
      source.value = await call('topology.useSource', params)
      sourceError.value = null
    } catch (err) {
      sourceError.value = presentError(err)
    }
  }

  /** Sets the Prometheus of the local demo (no context) or of a context, then reads from it; a URL that is not Prometheus is refused. */
  async function usePrometheusUrl(url: string, windowSeconds: number, context?: string): Promise<PrometheusScopeStatus | null> {
    try {
      const scope = await call('prometheus.setUrl', { url, ...(context ? { context } : {}) })
      sourceError.value = null
      await useSource({ traffic: 'prometheus', windowSeconds, ...(context ? { context } : {}) })
      return scope
    } catch (err) {
      sourceError.value = presentError(err)
      return null
    }
  }

  /** Each scope Prometheus can be read for (the local demo, connected contexts) and its URL or why there is none. */
  async function prometheusScopes(): Promise<PrometheusScopeStatus[]> {
    try {
      return (await call('prometheus.status', {})).scopes
    } catch (err) {
      sourceError.value = presentError(err)
      return []
    }
  }

  /** Follows the live graph while the calling page is mounted (call in its setup). */
  function follow(): void {
    const subs = useSubscriptions()
    subs.on('topology.changed', onChanged)
    subs.on('topology.sourceChanged', (state) => (source.value = state))
    void load()
    void loadSource()
  }

  /**
   * The series of the node or edge `id` names, polled while the calling component is mounted and
   * the page visible (topology.series has no event); a new id starts over.
   */
  function followSeries(id: Ref<string | null>, enabled: () => boolean): { series: ShallowRef<TopologySeries | null>; from: Ref<'mesh' | 'prometheus'>; error: Ref<PresentedError | null> } {
    const series = shallowRef<TopologySeries | null>(null)
    // From Prometheus's range queries while it is the source, else the mesh's own series.
    const from = ref<'mesh' | 'prometheus'>('mesh')
    const seriesError = ref<PresentedError | null>(null)
    const subs = useSubscriptions()
    let stop: (() => void) | null = null
    const loadSeries = async (current: string): Promise<void> => {
      if (!enabled()) return
      try {
        const prometheus = source.value?.traffic === 'prometheus'
        const result = prometheus ? await call('topology.rangeSeries', { id: current, rangeSeconds: 15 * 60 }) : await call('topology.series', { id: current })
        if (id.value === current) {
          series.value = result
          from.value = prometheus ? 'prometheus' : 'mesh'
        }
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
    return { series, from, error: seriesError }
  }

  const node = (id: string): TopologyNode | undefined => replica.nodes.get(id)
  const edge = (id: string): TopologyEdge | undefined => replica.edges.get(id)

  return { graph, version, loaded, error, source, sourceError, useSource, usePrometheusUrl, prometheusScopes, follow, followSeries, load, node, edge }
})
