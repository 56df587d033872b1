import type { Connection } from '@shared/contract'
import type { EventBus, Router } from '../../api'
import type { KubeClient } from '../../cluster/io'
import { DisposableStack } from '../../lib/disposable'
import { ClusterTopologyFeeds } from './cluster-topology-feed'
import { TopologyService } from './topology-service'

export interface TopologyApiDeps {
  /** A connected context's API client: a connected cluster feeds the graph its Services and workloads. */
  clusterClient: (context: string) => Promise<KubeClient>
}

/**
 * topology.* and topology.changed. Feeders: every connected cluster (forward connection events to
 * `onConnection`), the embedded control plane (startMeshTopologyFeed), and API callers (topology.feed).
 */
export function registerTopologyApi(
  router: Router,
  bus: EventBus,
  deps: TopologyApiDeps,
): DisposableStack & { service: TopologyService; onConnection(connection: Connection): void } {
  const stack = new DisposableStack()
  const service = stack.add(new TopologyService({ emit: (diff) => bus.emit('topology.changed', diff) }))
  const clusterFeeds = stack.add(new ClusterTopologyFeeds(service, deps.clusterClient))
  stack.add(
    router.registerAll({
      'topology.get': () => service.graph(),
      'topology.series': ({ id }) => service.series(id),
      'topology.feed': ({ feeder, ...inputs }) => {
        service.update(`api:${feeder}`, inputs)
        return { accepted: true }
      },
    }),
  )
  return Object.assign(stack, { service, onConnection: (connection: Connection) => clusterFeeds.onConnection(connection) })
}
