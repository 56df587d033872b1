import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ClusterLoadDto, ConfigDump, Connection, ControlPlaneSourceChoice, ControlPlaneStatus, KubeContext, XdsClient } from '@shared/contract'
import { call } from '../api/client'
import { presentError, type PresentedError } from '../lib/errors'
import { useSubscriptions } from '../lib/subscriptions'

/** Load reports arrive every couple of seconds without any control-plane change. */
const loadStatsPollMs = 2_000

/**
 * The embedded control plane as the Control plane page shows it. Events first: status, clients
 * and the selected node's config dump are re-read on controlPlane.changed (every push, ACK, NACK,
 * connect and disconnect; main limits it to a few a second), sourceChanged and clientNacked. Only
 * the load stats have no event, so they alone are polled, while the page is visible.
 */
export const useControlPlaneStore = defineStore('controlPlane', () => {
  const status = ref<ControlPlaneStatus | null>(null)
  const clients = ref<XdsClient[]>([])
  const selectedNode = ref<string | null>(null)
  const dump = ref<ConfigDump | null>(null)
  const loads = ref<ClusterLoadDto[]>([])
  const error = ref<PresentedError | null>(null)
  const lastNack = ref<string | null>(null)
  /** What the source selector offers: the kubeconfig's contexts, and which are connected. */
  const contexts = ref<KubeContext[]>([])
  const connections = ref<Connection[]>([])
  const connected = computed(() => new Set(connections.value.filter((c) => c.state === 'connected').map((c) => c.context)))

  const running = (): boolean => status.value?.state === 'running'

  async function refresh(): Promise<void> {
    try {
      status.value = await call('controlPlane.status', {})
      clients.value = running() ? await call('controlPlane.clients', {}) : []
      loads.value = running() ? await call('controlPlane.loadStats', {}) : []
      if (selectedNode.value) dump.value = await call('controlPlane.configDump', { nodeId: selectedNode.value })
      error.value = null
    } catch (err) {
      error.value = presentError(err)
    }
  }

  async function loadStats(): Promise<void> {
    if (!running()) return
    try {
      loads.value = await call('controlPlane.loadStats', {})
    } catch (err) {
      error.value = presentError(err)
    }
  }

  async function select(nodeId: string): Promise<void> {
    selectedNode.value = nodeId
    await refresh()
  }

  /** Closes the config dump: no client selected, nothing more to re-read. */
  function deselect(): void {
    selectedNode.value = null
    dump.value = null
  }

  async function loadSourceChoices(): Promise<void> {
    try {
      const [list, conns] = await Promise.all([call('clusters.listContexts', {}), call('clusters.connections', {})])
      contexts.value = list.contexts
      connections.value = conns
    } catch {
      // The folder stays selectable; the Clusters page shows what is wrong with the kubeconfig.
      contexts.value = []
    }
  }

  /** Switches what the running control plane serves; throws (an ApiCallError) when the old source keeps serving. */
  async function useSource(choice: ControlPlaneSourceChoice): Promise<ControlPlaneStatus> {
    try {
      return await call('controlPlane.useSource', choice)
    } finally {
      await refresh()
    }
  }

  /** Follows the control plane while the calling page is mounted (call in its setup). */
  function follow(): void {
    // A page opened afresh starts without the last visit's selection and NACK.
    lastNack.value = null
    selectedNode.value = null
    dump.value = null
    const subs = useSubscriptions()
    subs.on('controlPlane.changed', () => void refresh())
    // A switch of source (from this page or a script) changes what the page says is served.
    subs.on('controlPlane.sourceChanged', () => void refresh())
    subs.on('controlPlane.clientNacked', (nack) => {
      lastNack.value = `${nack.nodeId} rejected ${nack.type} version ${nack.version}: ${nack.message}`
      void refresh()
    })
    subs.on('clusters.connection', () => void loadSourceChoices())
    // The first run waits for the first status, so it knows whether the control plane runs.
    void refresh().then(() => subs.poll(loadStats, loadStatsPollMs))
    void loadSourceChoices()
  }

  return { status, clients, selectedNode, dump, loads, error, lastNack, contexts, connected, refresh, select, deselect, useSource, follow }
})
