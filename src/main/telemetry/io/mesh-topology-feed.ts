import { trackDisposable, type Disposable } from '../../lib/disposable'
import type { EdgeStatsInput, WorkloadInput } from '..'
import type { TopologyService } from './topology-service'
import type { EdgeLatency } from '../../traces'
import type { ControlPlane } from '../../xds/io'
import { routesFromSnapshot, servicesFromSnapshot, statsFromLoads, workloadsFromSnapshot, type StatsContext } from '../mesh-topology-inputs'

export interface MeshTopologyFeedOptions {
  topology: TopologyService
  controlPlane: ControlPlane
  edges: EdgeLatency
  /**
   * Workloads known better than their WorkloadEntries (the demo's processes: running, crashed,
   * restarting, and the load generator that has no entry). They replace entries of the same name.
   */
  liveWorkloads?: () => WorkloadInput[]
  /** Edges known without traffic (the demo's built-in calls); observed stats add up on top of them. */
  knownEdges?: () => EdgeStatsInput[]
  /** How often stats are re-read (LRS reports arrive every 2 s). Default 2000 ms. */
  intervalMs?: number
  /** The span window latency is computed over. Default 15 s. */
  latencyWindowSeconds?: number
  /** Whether an edge's calls are mutual TLS (from the security binding); absent means unknown. */
  mtlsOf?: StatsContext['mtlsOf']
}

const feeder = 'control-plane'
/** The span window edge latency is computed over unless told otherwise (the side panel states it). */
export const meshLatencyWindowSeconds = 15

/**
 * Feeds the topology from the embedded control plane: the served config (services, subsets, route
 * weights, WorkloadEntries) and, every interval, LRS rates merged with span latency. Config is
 * re-read on every tick too; it is cheap, and a weight moved by the canary shows within one tick.
 */
export function startMeshTopologyFeed(options: MeshTopologyFeedOptions): Disposable {
  const { topology, controlPlane, edges } = options
  const tick = (): void => {
    const snapshot = controlPlane.snapshot()
    const services = servicesFromSnapshot(snapshot)
    const live = options.liveWorkloads?.() ?? []
    const liveKeys = new Set(live.map((w) => `${w.namespace}/${w.name}`))
    const workloads = [...workloadsFromSnapshot(snapshot).filter((w) => !liveKeys.has(`${w.namespace}/${w.name}`)), ...live]
    const spanEdges = edges.window(options.latencyWindowSeconds ?? meshLatencyWindowSeconds)
    topology.update(feeder, {
      services,
      workloads,
      routes: routesFromSnapshot(snapshot),
      stats: [...(options.knownEdges?.() ?? []), ...statsFromLoads(controlPlane.loadStats(), { services, workloads, spanEdges, mtlsOf: options.mtlsOf })],
    })
  }
  tick()
  const timer = setInterval(tick, options.intervalMs ?? 2_000)
  // A workload changing state (crash, restart) or a config push should not wait a whole tick.
  const events = controlPlane.onEvent((event) => {
    if (event.kind === 'applied') tick()
  })
  return trackDisposable({
    dispose: () => {
      clearInterval(timer)
      events.dispose()
      topology.removeFeeder(feeder)
    },
  })
}
