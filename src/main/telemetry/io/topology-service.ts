import { ErrorCode, MeshdeckError, type TopologyDiff, type TopologyGraph, type TopologySeries } from '@shared/contract'
import { trackDisposable, type Disposable } from '../../lib/disposable'
import { buildTopology, type TopologyElements } from '../build-topology'
import { diffTopology, isEmptyChange } from '../diff-topology'
import { defaultHealthThresholds, emptyTopologyInput, type HealthThresholds, type ServiceInput, type TopologyInput } from '../inputs'
import { TopologySeriesStore, type SeriesStoreOptions } from '../series-store'

/** The feeder Prometheus's numbers come in as (see prometheus-topology.ts). */
export const prometheusFeeder = 'prometheus'

/** Where the graph's numbers come from: the mesh's own telemetry (load reports, spans), or Prometheus. */
export type TrafficOrigin = 'mesh' | 'prometheus'

export interface TopologyServiceOptions {
  /** Called with each change; meshdeck.ts forwards it as the `topology.changed` event. */
  emit: (diff: TopologyDiff) => void
  /** Recomputations are at least this far apart, however often feeders update (default 1 s). */
  minIntervalMs?: number
  series?: SeriesStoreOptions
  thresholds?: HealthThresholds
  now?: () => number
}

/**
 * Holds the latest inputs of every feeder (the control plane, the demo mesh, outside scripts),
 * rebuilds the graph at most about once a second and emits only what changed, so the renderer
 * updates numbers in place instead of redrawing.
 */
export class TopologyService implements Disposable {
  private readonly feeders = new Map<string, TopologyInput>()
  private readonly store: TopologySeriesStore
  private readonly minIntervalMs: number
  private readonly thresholds: HealthThresholds
  private readonly now: () => number
  private current: TopologyElements = { nodes: [], edges: [] }
  private version = 0
  private lastBuild = Number.NEGATIVE_INFINITY
  private timer: ReturnType<typeof setTimeout> | null = null
  private disposed = false
  private traffic: TrafficOrigin = 'mesh'

  constructor(private readonly options: TopologyServiceOptions) {
    this.minIntervalMs = options.minIntervalMs ?? 1_000
    this.thresholds = options.thresholds ?? defaultHealthThresholds
    this.now = options.now ?? Date.now
    this.store = new TopologySeriesStore(options.series)
    trackDisposable(this)
  }

  /**
   * Replace this feeder's inputs of the kinds given (the others stay as they were). Each feeder owns
   * its inputs, so the control plane and the demo mesh can feed side by side without clobbering.
   */
  update(feeder: string, part: Partial<TopologyInput>): void {
    if (this.disposed) return
    const previous = this.feeders.get(feeder) ?? emptyTopologyInput()
    this.feeders.set(feeder, { ...previous, ...definedOnly(part) })
    this.schedule()
  }

  /**
   * Which numbers the graph shows. One source at a time, never a sum: the same calls counted by
   * load reports and by Prometheus would be counted twice. The other feeders' edges stay (with no
   * numbers), so switching does not reshape the graph.
   */
  setTrafficOrigin(origin: TrafficOrigin): void {
    if (this.traffic === origin) return
    this.traffic = origin
    this.schedule()
  }

  get trafficOrigin(): TrafficOrigin {
    return this.traffic
  }

  /** Forget everything a feeder said (it stopped). */
  removeFeeder(feeder: string): void {
    if (this.feeders.delete(feeder)) this.schedule()
  }

  graph(): TopologyGraph {
    return { version: this.version, nodes: this.current.nodes, edges: this.current.edges }
  }

  series(id: string): TopologySeries {
    const known = this.current.nodes.some((n) => n.id === id) || this.current.edges.some((e) => e.id === id) || this.store.has(id)
    if (!known) {
      throw new MeshdeckError(ErrorCode.notFound, `No node or edge with id ${JSON.stringify(id)} in the topology.`, 'Take the id from topology.get; elements that left the graph keep their series for 15 minutes.')
    }
    return this.store.series(id, this.now())
  }

  dispose(): void {
    this.disposed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private schedule(): void {
    if (this.timer || this.disposed) return
    const wait = Math.max(0, this.lastBuild + this.minIntervalMs - this.now())
    this.timer = setTimeout(() => {
      this.timer = null
      this.rebuild()
    }, wait)
  }

  private rebuild(): void {
    this.lastBuild = this.now()
    const next = buildTopology(mergeFeeders(feedersFor(this.traffic, this.feeders)), { thresholds: this.thresholds })
    const changes = diffTopology(this.current, next)
    this.current = next
    this.store.record(this.lastBuild, [
      ...next.nodes.flatMap((n) => (n.stats ? [[n.id, n.stats] as const] : [])),
      ...next.edges.map((e) => [e.id, e.stats] as const),
    ])
    if (isEmptyChange(changes)) return
    const fromVersion = this.version
    this.version += 1
    this.options.emit({ fromVersion, version: this.version, ...changes })
  }
}

/** The feeders' inputs with only the chosen origin's numbers: Prometheus's, or every other feeder's. */
export function feedersFor(origin: TrafficOrigin, feeders: ReadonlyMap<string, TopologyInput>): TopologyInput[] {
  return [...feeders].map(([name, input]) => {
    const mine = (name === prometheusFeeder) === (origin === 'prometheus')
    if (mine) return input
    return { ...input, stats: input.stats.map((s) => ({ ...s, rps: 0, errorRps: 0, p50Ms: null, p95Ms: null, p99Ms: null, inFlight: 0, mtls: null })) }
  })
}

/**
 * Workloads are keyed (a later feeder's wins); routes and stats add up. A service several feeders
 * know (a cluster's Service and the mesh config naming the same host) is one service with what
 * each knows: the mesh's subsets must survive the cluster's plain Service.
 */
export function mergeFeeders(inputs: TopologyInput[]): TopologyInput {
  const services = new Map<string, ServiceInput>()
  for (const s of inputs.flatMap((i) => i.services)) {
    const known = services.get(s.host)
    services.set(s.host, known ? mergeService(known, s) : s)
  }
  const workloads = new Map(inputs.flatMap((i) => i.workloads.map((w) => [`${w.namespace}/${w.name}`, w] as const)))
  return {
    services: [...services.values()],
    workloads: [...workloads.values()],
    routes: inputs.flatMap((i) => i.routes),
    stats: inputs.flatMap((i) => i.stats),
  }
}

function mergeService(a: ServiceInput, b: ServiceInput): ServiceInput {
  const subsets = new Map([...a.subsets, ...b.subsets].map((x) => [x.name, x] as const))
  const refs = new Map([...a.refs, ...b.refs].map((r) => [`${r.kind}/${r.namespace}/${r.name}`, r] as const))
  return { ...b, app: b.app ?? a.app, ports: b.ports.length > 0 ? b.ports : a.ports, subsets: [...subsets.values()], refs: [...refs.values()] }
}

function definedOnly(part: Partial<TopologyInput>): Partial<TopologyInput> {
  return Object.fromEntries(Object.entries(part).filter(([, v]) => v !== undefined)) as Partial<TopologyInput>
}
