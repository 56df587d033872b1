import { CancelledError, MeshdeckError } from '@shared/contract'
import type { ControlPlane } from '../../xds/io'
import type { CanaryMetrics } from '../analysis'
import type { RolloutSpec } from '../rollout-machine'
import type { LocalCanaryEditor } from './canary-service'
import type { CanaryEnvironment } from './rollout-runner'
import { requireServedWeights, servedRouteWeights } from '../served-weights'

export interface LocalEnvironmentDeps {
  editor: Pick<LocalCanaryEditor, 'apply'>
  controlPlane: Pick<ControlPlane, 'refresh' | 'status' | 'clients' | 'snapshot' | 'problems'>
  metrics: (host: string, subset: string, windowSeconds: number, spec?: RolloutSpec) => Promise<CanaryMetrics> | CanaryMetrics
  pollMs?: number
}

/**
 * Rollouts on the embedded control plane: weights go to the mesh folder, the control plane re-reads
 * it at once, and "ACKed" means no client is left STALE on the new version. A NACK ends the wait
 * with the client's own words, since a rejected config will never be ACKed.
 */
export function localCanaryEnvironment(deps: LocalEnvironmentDeps): CanaryEnvironment {
  const pollMs = deps.pollMs ?? 50
  return {
    async applyWeights(spec, weights) {
      const result = await deps.editor.apply(spec.target, weights)
      if (result.outcome !== 'applied') throw new MeshdeckError('conflict', result.message, 'The rollout paused; check the VirtualService file.')
      await deps.controlPlane.refresh()
      // A step whose weights are not served would wait for ACKs of the old config and judge it.
      requireServedWeights(deps.controlPlane.snapshot(), deps.controlPlane.problems(), spec.target, weights, `The ${spec.target.name} VirtualService file`)
    },

    async waitForAck(_spec, signal) {
      return waitForClientAcks(deps.controlPlane, signal, pollMs)
    },

    pendingAcks: () => unackedClients(deps.controlPlane),

    async canaryMetrics(host, subset, windowSeconds, spec) {
      return deps.metrics(host, subset, windowSeconds, spec)
    },

    // Re-read first: an edit the folder watcher has not picked up yet still counts.
    async routeWeights(spec) {
      await deps.controlPlane.refresh()
      return servedRouteWeights(deps.controlPlane.snapshot(), spec.target)
    },
  }
}

/**
 * Resolves once the control plane serves the config it has now and no client is left STALE on it;
 * a NACK or a rejected config ends the wait with its own words (it would never be ACKed).
 */
export async function waitForClientAcks(controlPlane: Pick<ControlPlane, 'status' | 'clients'>, signal: AbortSignal, pollMs = 50): Promise<void> {
  const wanted = controlPlane.status().sourceVersion
  for (;;) {
    if (signal.aborted) throw new CancelledError('The wait for ACKs')
    const status = controlPlane.status()
    if (status.sourceVersion > status.servedVersion && status.problems.some((p) => p.severity === 'error')) {
      throw new Error(`the new config was rejected: ${status.problems.find((p) => p.severity === 'error')?.message ?? ''}`)
    }
    // The counts come cheap; the client list (thousands of streams, polled while they ACK) is built
    // only to quote a NACK.
    if (status.byStatus.NACKED > 0) {
      const nacked = controlPlane.clients().flatMap((c) => c.types.filter((t) => t.status === 'NACKED').map((t) => ({ c, t })))[0]
      if (nacked) throw new Error(`${nacked.c.nodeId} rejected ${nacked.t.type}: ${nacked.t.nack?.message ?? 'no reason given'}`)
    }
    if (status.servedVersion >= wanted && status.byStatus.STALE === 0) return
    await new Promise((resolve) => setTimeout(resolve, pollMs))
  }
}

/** Node ids with a type still STALE (sent, not yet ACKed) on the control plane, each once. */
export function unackedClients(controlPlane: Pick<ControlPlane, 'clients'>): string[] {
  const nodes = new Set<string>()
  for (const client of controlPlane.clients()) if (client.types.some((t) => t.status === 'STALE')) nodes.add(client.nodeId)
  return [...nodes].sort()
}
