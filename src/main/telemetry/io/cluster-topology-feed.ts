import type { Connection } from '@shared/contract'
import { Informer, type KubeClient } from '../../cluster/io'
import { trackDisposable, type Disposable } from '../../lib/disposable'
import { collectionPath, Deployment, Service, StatefulSet } from '../../model'
import type { TopologyService } from './topology-service'
import { clusterServiceItem, clusterWorkloadItem, topologyFromCluster, type ClusterServiceItem, type ClusterWorkloadItem } from '../cluster-topology-inputs'

export interface ClusterTopologyFeedOptions {
  topology: TopologyService
  client: KubeClient
  context: string
  /** A watch event burst (a rollout, a first list) becomes one update after this quiet time. Default 150 ms. */
  settleMs?: number
}

/**
 * Feeds the topology from one connected cluster: its Services, Deployments and StatefulSets,
 * watched by informers (list, then watch; relist on 410; back off on errors). The graph then shows
 * the cluster's services and workloads whether or not Meshdeck's control plane serves them;
 * traffic joins where it does, under the same service hosts.
 */
export function startClusterTopologyFeed(options: ClusterTopologyFeedOptions): Disposable {
  const feeder = `cluster:${options.context}`
  let timer: ReturnType<typeof setTimeout> | null = null
  const publish = (): void => {
    timer = null
    const workloads = [...deployments.store.values(), ...statefulsets.store.values()]
    options.topology.update(feeder, { ...topologyFromCluster([...services.store.values()], workloads), routes: [], stats: [] })
  }
  const changed = (): void => {
    timer ??= setTimeout(publish, options.settleMs ?? 150)
  }
  const informer = <T extends ClusterServiceItem | ClusterWorkloadItem>(path: string, toItem: (o: Record<string, unknown>) => T): Informer<T> =>
    new Informer<T>({ client: options.client, path, toItem, onChange: changed, onState: () => undefined })
  const services = informer(collectionPath(Service, null), clusterServiceItem)
  const deployments = informer(collectionPath(Deployment, null), clusterWorkloadItem('Deployment'))
  const statefulsets = informer(collectionPath(StatefulSet, null), clusterWorkloadItem('StatefulSet'))
  const all = [services, deployments, statefulsets]
  for (const i of all) i.start()
  return trackDisposable({
    dispose: () => {
      if (timer) clearTimeout(timer)
      for (const i of all) i.dispose()
      options.topology.removeFeeder(feeder)
    },
  })
}

/**
 * One cluster feed per connected context, started when the connection comes up and stopped when
 * it goes (disconnect, failure). The owner forwards every connection event here.
 */
export class ClusterTopologyFeeds implements Disposable {
  private readonly feeds = new Map<string, Disposable>()

  constructor(
    private readonly topology: TopologyService,
    private readonly clientOf: (context: string) => Promise<KubeClient>,
  ) {
    trackDisposable(this)
  }

  onConnection(connection: Connection): void {
    const { context } = connection
    if (connection.state === 'connected') {
      if (this.feeds.has(context)) return
      // Claimed before the client arrives, so a second 'connected' event cannot start a second feed.
      let feed: Disposable | null = null
      let stopped = false
      this.feeds.set(context, {
        dispose: () => {
          stopped = true
          void feed?.dispose()
        },
      })
      void this.clientOf(context)
        .then((client) => {
          if (!stopped) feed = startClusterTopologyFeed({ topology: this.topology, client, context })
        })
        .catch(() => this.feeds.delete(context))
      return
    }
    if (connection.state === 'connecting') return
    void this.feeds.get(context)?.dispose()
    this.feeds.delete(context)
  }

  dispose(): void {
    for (const feed of this.feeds.values()) void feed.dispose()
    this.feeds.clear()
  }
}
