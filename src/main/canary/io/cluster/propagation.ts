import { CancelledError } from '@shared/contract'
import type { Weights } from '@shared/canary/weights'
import type { RouteSelector } from '../../virtual-service-weights'
import type { IstioApi } from './istio-api'
import { sleepUnlessAborted } from '../../../lib/io/abortable-sleep'

/** The object a rollout step wrote, as the API server stored it, and the weights it carries. */
export interface WrittenObject {
  context: string
  namespace: string
  name: string
  resourceVersion: string
  generation: number | undefined
  route: RouteSelector
  weights: Weights
}

/**
 * Where Meshdeck's own control plane serves a cluster (its config source reads that cluster's
 * CRDs), it knows which proxies took which config and can answer "has every client ACKed this
 * write?". That source is built elsewhere; this is all the canary needs from it.
 */
export interface ClusterAckSource {
  /** True when Meshdeck's control plane serves xDS for this context. */
  serves(context: string): boolean
  /** Resolves once every proxy of the context has ACKed config that includes `written`; rejects with the NACK text. */
  waitForAck(written: WrittenObject, signal: AbortSignal): Promise<void>
  /** The proxies (node ids) of the context that have not ACKed yet. */
  pendingAcks(): string[]
}

/** The default while no control plane serves clusters: it serves none. */
export const noClusterAckSource: ClusterAckSource = {
  serves: () => false,
  waitForAck: () => Promise.reject(new Error('no Meshdeck control plane serves this cluster')),
  pendingAcks: () => [],
}

export interface SettleOptions {
  /** How long to give istiod when the object reports no status at all. */
  settleMs: number
  /** How long to wait for status.observedGeneration before pausing the rollout. */
  observeTimeoutMs: number
  pollMs: number
}

export const defaultSettle: SettleOptions = { settleMs: 3_000, observeTimeoutMs: 60_000, pollMs: 500 }

/** What the UI says about a context's wait, so nobody mistakes it for proxy ACKs. */
export function propagationText(acks: ClusterAckSource, context: string, settle: SettleOptions = defaultSettle): string {
  if (acks.serves(context)) return "Each rollout step waits until every client of Meshdeck's control plane has ACKed the new weights."
  return (
    `No Meshdeck control plane serves this cluster, so proxy ACKs are not checked: each step waits until the VirtualService's ` +
    `status.observedGeneration reaches the written generation (istiod reports it when status is enabled), or ${settle.settleMs / 1000} s when the object reports no status.`
  )
}

/**
 * The wait where nobody reports ACKs: istiod (with status enabled) sets status.observedGeneration
 * once it has processed a generation, which is the closest signal the API offers; without any
 * status, a short settle is all that can honestly be done.
 */
export async function waitForObservedGeneration(api: IstioApi, written: WrittenObject, signal: AbortSignal, settle: SettleOptions = defaultSettle): Promise<void> {
  const deadline = Date.now() + settle.observeTimeoutMs
  for (;;) {
    if (signal.aborted) throw new CancelledError('The wait for the mesh to observe the weights')
    const live = await api.getVirtualService(written.namespace, written.name)
    const observed = live.status?.observedGeneration
    if (typeof observed !== 'number') return sleepUnlessAborted(settle.settleMs, signal)
    if (written.generation === undefined || observed >= written.generation) return
    if (Date.now() > deadline) {
      throw new Error(`the mesh has not observed generation ${written.generation} of ${written.namespace}/${written.name} after ${settle.observeTimeoutMs / 1000} s (it reports ${observed}); is istiod running?`)
    }
    await sleepUnlessAborted(settle.pollMs, signal)
  }
}
