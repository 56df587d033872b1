import { CancelledError } from '@shared/contract'
import type { ControlPlane } from '../../../xds/io'
import { unackedClients, waitForClientAcks } from '../local-environment'
import { servedRouteWeights } from '../../served-weights'
import type { ClusterAckSource, WrittenObject } from './propagation'

/**
 * ACKs from Meshdeck's own control plane when it serves a cluster's config (`meshdeck serve
 * --mesh-context`, or switched to it with controlPlane.useSource; `servedContext` says which context
 * it serves now): first wait until its config source has read the written weights (its watch
 * delivers them a moment after the write), then until every client has ACKed that config.
 */
export function controlPlaneClusterAcks(servedContext: () => string | undefined, controlPlane: () => ControlPlane | null, pollMs = 100): ClusterAckSource {
  return {
    serves: (context) => context === servedContext() && controlPlane() !== null,

    async waitForAck(written: WrittenObject, signal: AbortSignal): Promise<void> {
      for (;;) {
        if (signal.aborted) throw new CancelledError('The wait for ACKs')
        const cp = controlPlane()
        if (!cp) throw new Error('the control plane serving this cluster stopped')
        if (readsWeights(cp, written)) return waitForClientAcks(cp, signal, pollMs)
        await new Promise((resolve) => setTimeout(resolve, pollMs))
      }
    },

    pendingAcks: () => {
      const cp = controlPlane()
      return cp ? unackedClients(cp) : []
    },
  }
}

function readsWeights(cp: ControlPlane, written: WrittenObject): boolean {
  const seen = servedRouteWeights(cp.snapshot(), written)
  return seen !== null && Object.entries(written.weights).every(([key, weight]) => (seen[key] ?? 0) === weight)
}
