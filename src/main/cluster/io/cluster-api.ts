import { MeshdeckError, type Connection } from '@shared/contract'
import type { EventBus, Router } from '../../api'
import { DisposableStack } from '../../lib/disposable'
import { ConnectionService } from './connection-service'
import { ContextService } from './context-service'
import { addKubeconfig } from './added-kubeconfigs'
import { loadKubeconfig } from './kubeconfig-loader'
import { LogService } from './logs/log-service'

export interface ClusterApiDeps {
  /** KUBECONFIG-style list of files; default as kubectl finds them. */
  kubeconfig?: string
  /** The folder kubeconfig files added from the UI are linked from; it must be in `kubeconfig`'s list. Unset: adding is refused. */
  addedKubeconfigs?: string
  /** The context shown first (else the kubeconfig's current-context). */
  context?: string
  /** The selected context changed (the status bar shows it). */
  onContextChanged: () => void
  /** A context connected, failed or disconnected; clusters.connection has been sent. */
  onConnection?: (connection: Connection) => void
}

/**
 * clusters.*, resources.* and logs.*, with their events. The owner reads the kubeconfig once at
 * start (`contexts.init()`) so the status bar shows a context right away.
 */
export function registerClusterApi(
  router: Router,
  bus: EventBus,
  deps: ClusterApiDeps,
): DisposableStack & { contexts: ContextService; connections: ConnectionService; logs: LogService } {
  const stack = new DisposableStack()
  const contexts = new ContextService(deps.kubeconfig, deps.context, () => deps.onContextChanged())
  const connections = stack.add(
    new ConnectionService(() => loadKubeconfig(deps.kubeconfig), {
      connection: (c) => {
        bus.emit('clusters.connection', c)
        deps.onConnection?.(c)
      },
      changes: (changes) => bus.emit('resources.changes', { changes }),
      feed: (state) => bus.emit('resources.feed', state),
    }),
  )
  const logs = stack.add(
    new LogService((context) => connections.client(context), {
      lines: (streamId, lines) => bus.emit('logs.lines', { streamId, lines }),
      ended: (streamId, error) => bus.emit('logs.ended', { streamId, error }),
    }),
  )
  stack.add(
    router.registerAll({
      'clusters.listContexts': () => contexts.list(),
      'clusters.addKubeconfig': ({ path }) => {
        const dir = deps.addedKubeconfigs
        if (!dir) throw new MeshdeckError('kubeconfig_not_added', 'This Meshdeck has no folder for added kubeconfig files.', 'Start Meshdeck with --kubeconfig FILE or set KUBECONFIG.')
        return addKubeconfig(dir, path, () => loadKubeconfig(deps.kubeconfig))
      },
      'clusters.selectContext': ({ name }) => contexts.select(name),
      'clusters.connect': ({ context }) => connections.connect(context),
      'clusters.disconnect': ({ context }) => {
        connections.disconnect(context)
        return { ok: true as const }
      },
      'clusters.connections': () => connections.list(),
      'resources.subscribe': ({ context, kind }) => connections.subscribe(context, kind),
      'resources.snapshot': ({ context, kind }) => connections.snapshot(context, kind),
      'resources.versions': ({ context }) => connections.versions(context),
      'resources.unsubscribe': ({ context, kind }) => {
        connections.unsubscribe(context, kind)
        return { ok: true as const }
      },
      'resources.yaml': async ({ context, kind, namespace, name }) => ({ yaml: await connections.yaml(context, kind, namespace, name) }),
      'logs.start': (params) => logs.start(params),
      'logs.stop': ({ streamId }) => {
        logs.stop(streamId)
        return { ok: true as const }
      },
    }),
  )
  return Object.assign(stack, { contexts, connections, logs })
}
