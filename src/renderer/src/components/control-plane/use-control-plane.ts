import { onBeforeUnmount, onMounted, ref } from 'vue'
import type { ClusterLoadDto, ConfigDump, ControlPlaneStatus, XdsClient } from '@shared/contract'
import { ApiCallError, call, on } from '../../api/client'

/**
 * The Control plane page's data: status, clients and the selected node's config dump, refreshed
 * when main says the control plane changed (main already limits that to a few times a second).
 */
export function useControlPlane() {
  const status = ref<ControlPlaneStatus | null>(null)
  const clients = ref<XdsClient[]>([])
  const selectedNode = ref<string | null>(null)
  const dump = ref<ConfigDump | null>(null)
  const error = ref<string | null>(null)
  const lastNack = ref<string | null>(null)
  const loads = ref<ClusterLoadDto[]>([])

  async function refresh(): Promise<void> {
    try {
      status.value = await call('controlPlane.status', {})
      const running = status.value.state === 'running'
      clients.value = running ? await call('controlPlane.clients', {}) : []
      loads.value = running ? await call('controlPlane.loadStats', {}) : []
      if (selectedNode.value) dump.value = await call('controlPlane.configDump', { nodeId: selectedNode.value })
      error.value = null
    } catch (err) {
      error.value = err instanceof ApiCallError ? `${err.error.message} ${err.error.hint ?? ''}` : String(err)
    }
  }

  async function select(nodeId: string): Promise<void> {
    selectedNode.value = nodeId
    await refresh()
  }

  const unsubscribe: (() => void)[] = []
  onMounted(() => {
    // Load reports arrive every couple of seconds without a control-plane change; poll while shown.
    const timer = setInterval(() => void refresh(), 2000)
    unsubscribe.push(() => clearInterval(timer))
    unsubscribe.push(on('controlPlane.changed', () => void refresh()))
    // A switch of source (from this page or a script) changes what the page says is served.
    unsubscribe.push(on('controlPlane.sourceChanged', () => void refresh()))
    unsubscribe.push(
      on('controlPlane.clientNacked', (nack) => {
        lastNack.value = `${nack.nodeId} rejected ${nack.type} version ${nack.version}: ${nack.message}`
        void refresh()
      }),
    )
    void refresh()
  })
  onBeforeUnmount(() => unsubscribe.splice(0).forEach((off) => off()))

  return { status, clients, selectedNode, dump, error, lastNack, loads, refresh, select }
}
