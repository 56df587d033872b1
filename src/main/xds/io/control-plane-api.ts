import type { EventBus, Router } from '../../api'
import { MeshdeckError } from '@shared/contract'
import { DisposableStack } from '../../lib/disposable'
import { meshObjectView } from '../mesh-object-view'
import { ControlPlaneService } from './control-plane-service'
import { controlPlaneOptions, sourcesForChoice, type StartupSources } from './source-choice'

export interface ControlPlaneApiDeps extends StartupSources {
  kubeconfig?: string
  /** Port of the xDS server; 0 picks a free one. */
  port: number
  /** Address the xDS server binds; default 127.0.0.1. */
  host?: string
  /** The status bar's view (state, address, connected clients) may have changed. */
  onStatusChanged: () => void
}

/**
 * controlPlane.* and its events. The control plane runs only with a mesh folder or cluster (the
 * owner calls `service.start()`); without one its methods answer "not running" with a hint.
 */
export function registerControlPlaneApi(router: Router, bus: EventBus, deps: ControlPlaneApiDeps): DisposableStack & { service: ControlPlaneService } {
  const stack = new DisposableStack()
  const service = stack.add(
    new ControlPlaneService(controlPlaneOptions(deps), {
      changed: (payload) => bus.emit('controlPlane.changed', payload),
      clientNacked: (payload) => bus.emit('controlPlane.clientNacked', payload),
      sourceChanged: (payload) => bus.emit('controlPlane.sourceChanged', payload),
      statusChanged: deps.onStatusChanged,
    }),
  )
  stack.add(
    router.registerAll({
      'controlPlane.status': () => service.status(),
      // Switch what the running control plane serves; the renderer names a context, main holds its credentials.
      'controlPlane.useSource': (choice) => service.useSources(sourcesForChoice(choice, { meshDir: deps.meshDir, kubeconfig: deps.kubeconfig })),
      'controlPlane.clients': () => service.running().clients(),
      'controlPlane.configDump': ({ nodeId }) => service.running().configDump(nodeId),
      'controlPlane.loadStats': () => service.running().loadStats(),
      'controlPlane.meshObject': (ref) => {
        const plane = service.running()
        const view = meshObjectView(plane.snapshot(), plane.status().problems, ref)
        if (!view) throw new MeshdeckError('not_found', `${ref.kind} ${ref.namespace}/${ref.name} is not in the served config.`, 'It may have been removed or renamed; the Control plane page lists what is served.')
        return view
      },
    }),
  )
  return Object.assign(stack, { service })
}
