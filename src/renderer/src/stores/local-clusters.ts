import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type {
  ApiError,
  CreateLocalClusterParams,
  LocalCluster,
  LocalClusterOperation,
  LocalClusterProvider,
  LocalClusterSettings,
  Preflight,
  SpecProblem,
} from '@shared/contract'
import { call } from '../api/client'
import { useSubscriptions } from '../lib/subscriptions'

/**
 * Local clusters (kind and Docker-free) and the operations on them. Everything live comes as
 * events — localClusters.changed from the engine's events and process exits, localClusters.operation
 * at every step — so nothing here polls.
 */
export const useLocalClustersStore = defineStore('localClusters', () => {
  const clusters = ref<LocalCluster[]>([])
  const operations = ref<LocalClusterOperation[]>([])
  const kindProblem = ref<ApiError | null>(null)
  const preflights = ref<Partial<Record<LocalClusterProvider, Preflight>>>({})
  const settings = ref<LocalClusterSettings | null>(null)
  const loaded = ref(false)
  const error = ref<unknown>(null)
  /** The operation the page shows in its progress panel. */
  const watchedId = ref<string | null>(null)

  async function load(): Promise<void> {
    try {
      const [list, current] = await Promise.all([call('localClusters.list', {}), call('localClusters.settings', {})])
      clusters.value = list.clusters
      kindProblem.value = list.kindProblem
      for (const op of list.operations) upsert(op)
      settings.value = current
      error.value = null
    } catch (err) {
      error.value = err
    }
    loaded.value = true
  }

  async function preflight(provider: LocalClusterProvider): Promise<Preflight> {
    const result = await call('localClusters.preflight', { provider })
    preflights.value = { ...preflights.value, [provider]: result }
    return result
  }

  async function validate(params: CreateLocalClusterParams): Promise<{ problems: SpecProblem[]; configYaml: string | null }> {
    return call('localClusters.validate', params)
  }

  function watch(op: LocalClusterOperation): LocalClusterOperation {
    upsert(op)
    watchedId.value = op.id
    return op
  }

  const create = async (params: CreateLocalClusterParams): Promise<LocalClusterOperation> => watch((await call('localClusters.create', params)).operation)
  const sandbox = async (provider: LocalClusterProvider, name: string): Promise<LocalClusterOperation> => watch((await call('localClusters.sandbox', { provider, name })).operation)
  const remove = async (provider: LocalClusterProvider, name: string): Promise<LocalClusterOperation> => watch((await call('localClusters.delete', { provider, name })).operation)
  const start = async (provider: LocalClusterProvider, name: string): Promise<LocalClusterOperation> => watch((await call('localClusters.start', { provider, name })).operation)
  const stop = async (provider: LocalClusterProvider, name: string): Promise<LocalClusterOperation> => watch((await call('localClusters.stop', { provider, name })).operation)
  const loadImage = async (name: string, source: { image?: string; archive?: string }): Promise<LocalClusterOperation> => watch((await call('localClusters.loadImage', { name, ...source })).operation)
  const cancel = async (id: string): Promise<void> => void upsert((await call('localClusters.cancel', { operationId: id })).operation)
  const deletePlan = async (provider: LocalClusterProvider, name: string): Promise<string[]> => (await call('localClusters.deletePlan', { provider, name })).removes
  const mergeKubeconfig = (provider: LocalClusterProvider, name: string) => call('localClusters.mergeKubeconfig', { provider, name })
  const exportLogs = async (provider: LocalClusterProvider, name: string): Promise<string> => (await call('localClusters.exportLogs', { provider, name })).dir
  async function configure(patch: Partial<LocalClusterSettings>): Promise<void> {
    settings.value = await call('localClusters.configure', patch)
    preflights.value = {}
  }

  function upsert(op: LocalClusterOperation): void {
    const index = operations.value.findIndex((o) => o.id === op.id)
    if (index === -1) operations.value = [op, ...operations.value].slice(0, 20)
    else operations.value.splice(index, 1, op)
  }

  /** Called from the page's setup: events while it is shown (nothing here polls), released on unmount. */
  function follow(): void {
    const subs = useSubscriptions()
    subs.on('localClusters.changed', ({ clusters: next }) => {
      clusters.value = next
    })
    subs.on('localClusters.operation', (op) => upsert(op))
    void load()
  }

  const watched = computed(() => operations.value.find((o) => o.id === watchedId.value) ?? null)
  const busy = (provider: LocalClusterProvider, name: string): boolean => operations.value.some((o) => o.state === 'running' && o.provider === provider && o.cluster === name)

  return {
    clusters,
    operations,
    kindProblem,
    preflights,
    settings,
    loaded,
    error,
    watched,
    watchedId,
    load,
    follow,
    preflight,
    validate,
    create,
    sandbox,
    remove,
    start,
    stop,
    loadImage,
    cancel,
    deletePlan,
    mergeKubeconfig,
    exportLogs,
    configure,
    busy,
  }
})

/** One line for a failed call, where a field's problem is shown inline (see ErrorBanner for banners). */
export { errorText as describe } from '../lib/errors'
