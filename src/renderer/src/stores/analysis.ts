import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AnalysisStateDto } from '@shared/contract'
import { call } from '../api/client'
import { presentError, type PresentedError } from '../lib/errors'
import { useSubscriptions } from '../lib/subscriptions'

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

  return { state, error, refresh, follow }
})
