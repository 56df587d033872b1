import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import type { AnalysisStateDto, ClusterAnalysisDto } from '@shared/contract'
import { call } from '../api/client'
import { presentError, type PresentedError } from '../lib/errors'
import { useSubscriptions } from '../lib/subscriptions'

/**
 * How often a cluster's findings are asked for again: no event says a cluster's mesh changed, and
 * main reuses one read of it for a few seconds, so a change shows within about this long.
 */
export const clusterFindingsPollMs = 10_000

/**
 * The mesh analysis's findings (docs/analysis.md), shown on the Control plane page and next to each
 * object elsewhere. Events only: analysis.changed arrives within one debounce of a config change
 * (a file saved in the mesh folder, a cluster object changed), so nothing is polled.
 */
export const useAnalysisStore = defineStore('analysis', () => {
  const state = ref<AnalysisStateDto | null>(null)
  const error = ref<PresentedError | null>(null)

  async function refresh(): Promise<void> {
    try {
      state.value = await call('analysis.findings', {})
      error.value = null
    } catch (err) {
      error.value = presentError(err)
    }
  }

  /** Follows the findings while the calling page (or panel) is mounted: call in its setup. */
  function follow(): void {
    const subs = useSubscriptions()
    subs.on('analysis.changed', () => void refresh())
    // A control plane started or switched later is analysed anew; its event says so too.
    subs.on('controlPlane.sourceChanged', () => void refresh())
    void refresh()
  }

  /** The findings of one cluster context's mesh (the Canary page's cluster targets): asked for, not pushed. */
  const cluster = ref<ClusterAnalysisDto | null>(null)
  const clusterError = ref<PresentedError | null>(null)

  async function refreshCluster(context: string): Promise<void> {
    try {
      const result = await call('analysis.clusterFindings', { context })
      // A reply for a context the page has since left is dropped.
      if (wantedContext === context) {
        cluster.value = result
        clusterError.value = null
      }
    } catch (err) {
      if (wantedContext === context) clusterError.value = presentError(err)
    }
  }

  let wantedContext: string | null = null
  /** Follows the findings of the context `context()` names (none when null) while the calling page is mounted. */
  function followCluster(context: () => string | null): void {
    const subs = useSubscriptions()
    let polling: ReturnType<typeof subs.child> | null = null
    watch(
      context,
      (next) => {
        polling?.dispose()
        polling = null
        wantedContext = next
        cluster.value = null
        clusterError.value = null
        if (next === null) return
        polling = subs.child()
        polling.poll(() => refreshCluster(next), clusterFindingsPollMs)
      },
      { immediate: true },
    )
  }

  return { state, error, refresh, follow, cluster, clusterError, refreshCluster, followCluster }
})
