import { MeshdeckError } from '@shared/contract'
import type { EventBus, Router } from '../../api'
import type { KubeClient } from '../../cluster/io'
import { DisposableStack } from '../../lib/disposable'
import type { ControlPlaneService } from '../../xds/io'
import { AnalysisService } from './analysis-service'

export interface AnalysisApiDeps {
  /** The embedded control plane: its config, as written, is what is analysed. */
  controlPlane: ControlPlaneService
  /** SPIFFE IDs of the certificates the mesh CA issued: principals naming them are known identities. */
  identities?: () => readonly string[]
  trustDomain?: () => Promise<string>
  debounceMs?: number
  /** A connected kubeconfig context's API client (connecting first if needed): analysis.clusterFindings reads its mesh. */
  clusterClient?: (context: string) => Promise<KubeClient>
}

/**
 * analysis.findings and analysis.changed: the findings of the config the control plane reads, kept
 * current; analysis.clusterFindings: those of a cluster's mesh, read on request.
 */
export function registerAnalysisApi(router: Router, bus: EventBus, deps: AnalysisApiDeps): DisposableStack & { service: AnalysisService; start(): Promise<void> } {
  const stack = new DisposableStack()
  const service = stack.add(
    new AnalysisService({
      controlPlane: () => deps.controlPlane.controlPlane,
      identities: deps.identities,
      trustDomain: deps.trustDomain,
      debounceMs: deps.debounceMs,
      onChanged: (payload) => bus.emit('analysis.changed', payload),
    }),
  )
  stack.add(
    router.registerAll({
      'analysis.findings': () => service.findings(),
      'analysis.clusterFindings': async ({ context }) => {
        if (!deps.clusterClient) throw new MeshdeckError('unavailable', 'This Meshdeck reads no clusters.', 'Start it with a kubeconfig.')
        return service.clusterFindings(context, await deps.clusterClient(context))
      },
    }),
  )
  return Object.assign(stack, { service, start: () => service.start() })
}
