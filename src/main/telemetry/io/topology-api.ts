import type { Connection } from '@shared/contract'
import type { EventBus, Router } from '../../api'
import type { KubeClient } from '../../cluster/io'
import { DisposableStack } from '../../lib/disposable'
import { ClusterTopologyFeeds } from './cluster-topology-feed'
import { TopologyService } from './topology-service'
import { registerPrometheusApi, type PrometheusApiDeps } from './prometheus/prometheus-api'
import type { PrometheusSources } from './prometheus/prometheus-sources'
import type { PrometheusTopology } from './prometheus/prometheus-topology'

export interface TopologyApiDeps {
  /** A connected context's API client: a connected cluster feeds the graph its Services and workloads. */
  clusterClient: (context: string) => Promise<KubeClient>
  /** Where the Prometheus settings live (<dataDir>/telemetry/prometheus.json). */
  dataDir: string
  /** `--prometheus URL`: the local demo's Prometheus for this run. */
  prometheusUrl?: string
  /** How often the graph asks Prometheus again while it is the source (default 5 s). */
  prometheusRefreshMs?: number
  /** The mesh's own windows (load reports kept, span latency), stated beside the graph's numbers. */
  meshWindows?: PrometheusApiDeps['meshWindows']
}

/**
 * topology.* and topology.changed. Feeders: every connected cluster (forward connection events to
 * `onConnection`), the embedded control plane (startMeshTopologyFeed), and API callers (topology.feed).
 */
export function registerTopologyApi(
  router: Router,
  bus: EventBus,
  deps: TopologyApiDeps,
): DisposableStack & { service: TopologyService; prometheus: PrometheusSources; prometheusTopology: PrometheusTopology; onConnection(connection: Connection): void } {
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
  // Prometheus as a source of the graph's numbers, and the settings and discovery canary analysis uses too.
  const prometheus = stack.add(
    registerPrometheusApi(router, bus, { topology: service, dataDir: deps.dataDir, flagUrl: deps.prometheusUrl, clusterClient: deps.clusterClient, refreshMs: deps.prometheusRefreshMs, meshWindows: deps.meshWindows }),
  )
  return Object.assign(stack, { service, prometheus: prometheus.sources, prometheusTopology: prometheus.topology, onConnection: (connection: Connection) => clusterFeeds.onConnection(connection) })
}
