import type { EventBus, Router } from '../../api'
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
}

/** analysis.findings and analysis.changed: the findings of the config the control plane reads, kept current. */
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
  stack.add(router.registerAll({ 'analysis.findings': () => service.findings() }))
  return Object.assign(stack, { service, start: () => service.start() })
}
