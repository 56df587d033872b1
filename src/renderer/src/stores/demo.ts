import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { DemoFaultCode, DemoLogLine, DemoStatus, DemoWorkload, TopologyNode } from '@shared/contract'
import { call } from '../api/client'
import { useSubscriptions } from '../lib/subscriptions'

/**
 * The local demo mesh's workloads and their knobs (fault, load, restart, logs). Follows
 * demo.workloadState; the load generator's counts change without an event and are not shown live.
 */
export const useDemoStore = defineStore('demo', () => {
  const status = ref<DemoStatus | null>(null)

  async function load(): Promise<void> {
    status.value = await call('demo.status', {}).catch(() => null)
  }

  function upsert(workload: DemoWorkload): void {
    if (!status.value) return
    const workloads = status.value.workloads.map((w) => (w.name === workload.name ? workload : w))
    status.value = { ...status.value, workloads }
  }

  /** Follows the demo's workloads while the calling component is mounted. */
  function follow(): void {
    useSubscriptions().on('demo.workloadState', upsert)
    void load()
  }

  /** The demo workload a topology node stands for (a version of an app, or a workload by name). */
  function workloadOf(node: Pick<TopologyNode, 'kind' | 'app' | 'version' | 'label'>): DemoWorkload | undefined {
    if (!status.value?.running) return undefined
    if (node.kind === 'version') return status.value.workloads.find((w) => w.service === node.app && w.version === node.version)
    if (node.kind === 'workload') return status.value.workloads.find((w) => w.name === node.label)
    return undefined
  }

  async function setFault(workload: string, fault: { errorRate: number; errorCode: DemoFaultCode; latencyMs: number }): Promise<DemoWorkload> {
    const updated = await call('demo.setFault', { workload, ...fault })
    upsert(updated)
    return updated
  }

  async function restart(workload: string): Promise<DemoWorkload> {
    const updated = await call('demo.restart', { workload })
    upsert(updated)
    return updated
  }

  async function setLoad(rps: number): Promise<void> {
    const result = await call('demo.setLoad', { rps })
    if (status.value) status.value = { ...status.value, load: result }
  }

  async function logs(workload: string, tail = 200): Promise<DemoLogLine[]> {
    return (await call('demo.logs', { workload, tail })).lines
  }

  return { status, load, follow, workloadOf, setFault, restart, setLoad, logs }
})
