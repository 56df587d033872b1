import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AddedKubeconfig, AppInfo, AppStatus, ContextList } from '@shared/contract'
import { call, on } from '../api/client'
import { presentError, type PresentedError } from '../lib/errors'

/** App-wide state: who we are, the status bar, and the kubeconfig contexts. */
export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null)
  const status = ref<AppStatus | null>(null)
  const contexts = ref<ContextList | null>(null)
  const error = ref<PresentedError | null>(null)

  async function load(): Promise<void> {
    try {
      ;[info.value, status.value, contexts.value] = await Promise.all([
        call('app.info', {}),
        call('app.status', {}),
        call('clusters.listContexts', {}),
      ])
      error.value = null
    } catch (err) {
      error.value = presentError(err)
    }
  }

  async function selectContext(name: string): Promise<void> {
    await call('clusters.selectContext', { name })
    contexts.value = await call('clusters.listContexts', {})
  }

  /** Adds a kubeconfig file (checked in main), then reads the contexts again so they are listed. */
  async function addKubeconfig(path: string): Promise<AddedKubeconfig> {
    const added = await call('clusters.addKubeconfig', { path })
    contexts.value = await call('clusters.listContexts', {})
    return added
  }

  // App-wide for the app's lifetime: the status bar is always on screen.
  on('app.status', (next) => (status.value = next))

  return { info, status, contexts, error, load, selectContext, addKubeconfig }
})
