import { MeshdeckError, type TopologySeries, type TopologySourceState } from '@shared/contract'
import { trackDisposable, type Disposable } from '../../../lib/disposable'
import { edgeStatsFromAnswers, elementMatchers, elementSeriesQueries, latencyQuantiles, quantilesFromBuckets, topologyQueries, type QueryResult, type Sample, type Series } from '../../prometheus'
import { prometheusFeeder, type TopologyService } from '../topology-service'
import { asMeshdeckError } from './prometheus-client'
import type { PrometheusScope, PrometheusSources } from './prometheus-sources'

export interface PrometheusTopologyOptions {
  topology: TopologyService
  sources: PrometheusSources
  emit: (state: TopologySourceState) => void
  /** How often the graph's numbers are asked again while Prometheus is the source. Default 5 s. */
  refreshMs?: number
  /** The mesh's own windows (load reports kept, span latency window), in seconds; null while nothing feeds them. */
  meshWindows?: () => TopologySourceState['windows']
  now?: () => number
}

const defaultWindowSeconds = 60

function samples(result: QueryResult): Sample[] {
  return result.type === 'vector' ? result.samples : []
}

/**
 * Feeds the topology's numbers from Prometheus while the user has chosen it: every refresh asks
 * Kiali's graph queries over the chosen window (in parallel), turns the answers into edges and
 * hands them to the TopologyService as the `prometheus` feeder. A refresh that fails clears the
 * numbers and says why (never stale numbers shown as current); the next one tries again.
 */
export class PrometheusTopology implements Disposable {
  private state: Omit<TopologySourceState, 'windows'> = { traffic: 'mesh', context: null, windowSeconds: defaultWindowSeconds, rates: 'loadReports', latency: 'spans', endpoint: null, lastRefresh: null, error: null }
  private timer: ReturnType<typeof setTimeout> | null = null
  private generation = 0
  private refreshing: Promise<void> | null = null
  private readonly now: () => number

  constructor(private readonly options: PrometheusTopologyOptions) {
    this.now = options.now ?? Date.now
    trackDisposable(this)
  }

  /** The state, with the windows its numbers are over now: what the side panel writes above them. */
  current(): TopologySourceState {
    const windows =
      this.state.traffic === 'prometheus'
        ? { rates: this.state.windowSeconds, latency: this.state.windowSeconds }
        : (this.options.meshWindows?.() ?? { rates: null, latency: null })
    return { ...structuredClone(this.state), windows }
  }

  /** Back to the mesh's own numbers (load reports and spans). */
  useMesh(): TopologySourceState {
    this.stop()
    this.options.topology.setTrafficOrigin('mesh')
    this.options.topology.removeFeeder(prometheusFeeder)
    this.set({ traffic: 'mesh', context: null, rates: 'loadReports', latency: 'spans', endpoint: null, lastRefresh: null, error: null })
    return this.current()
  }

  /**
   * Switches to Prometheus: the first refresh must succeed (Prometheus found, the queries accepted),
   * or the switch is refused with the reason and the graph keeps its current source.
   */
  async usePrometheus(context: PrometheusScope, windowSeconds = this.state.windowSeconds): Promise<TopologySourceState> {
    const { sources } = this.options
    const resolved = await sources.resolve(context)
    const answers = await this.ask(context, windowSeconds).catch((err: unknown) => {
      sources.noteProblem(context, err)
      throw asMeshdeckError(err)
    })
    this.stop()
    const generation = this.generation
    this.set({ traffic: 'prometheus', context, windowSeconds, rates: 'prometheus', latency: 'prometheus', endpoint: resolved.endpoint, error: null })
    this.apply(answers)
    this.options.topology.setTrafficOrigin('prometheus')
    this.schedule(generation)
    return this.current()
  }

  /** One element's request rate, error % and p99 over the last `rangeSeconds`, from range queries. */
  async rangeSeries(id: string, rangeSeconds = 15 * 60): Promise<TopologySeries & { source: 'prometheus'; queries: string[] }> {
    if (this.state.traffic !== 'prometheus') {
      throw new MeshdeckError('unavailable', 'The topology is not fed from Prometheus now.', 'Choose Prometheus as the source on the Topology page (or topology.useSource), or use topology.series.')
    }
    const matchers = elementMatchers(id)
    if (!matchers) throw new MeshdeckError('not_found', `Prometheus has no series for ${JSON.stringify(id)}: only services, versions, workloads and their edges have traffic.`, 'Pick a service, a version or an edge.')
    const { client } = await this.options.sources.resolve(this.state.context)
    const end = Math.floor(this.now() / 1000)
    const start = end - rangeSeconds
    // About 120 points whatever the range, so a chart's cost does not grow with it.
    const step = Math.max(1, Math.round(rangeSeconds / 120))
    const q = elementSeriesQueries(matchers, Math.min(this.state.windowSeconds, Math.max(step * 4, 10)))
    try {
      const [rps, errorPct, p99Ms] = await Promise.all([client.queryRange(q.rps, start, end, step), client.queryRange(q.errorPct, start, end, step), client.queryRange(q.p99Ms, start, end, step)])
      const t: number[] = []
      for (let s = start; s <= end; s += step) t.push(s * 1000)
      const column = (series: Series[]): (number | null)[] => {
        const byTime = new Map((series[0]?.values ?? []).map(([at, v]) => [Math.round(at), Number.isFinite(v) ? v : null]))
        return t.map((ms) => byTime.get(Math.round(ms / 1000)) ?? null)
      }
      return { id, resolutionMs: step * 1000, t, rps: column(rps), errorPct: column(errorPct), p99Ms: column(p99Ms), source: 'prometheus', queries: [q.rps, q.errorPct, q.p99Ms] }
    } catch (err) {
      throw asMeshdeckError(err)
    }
  }

  /** Runs one refresh now (tests and benchmarks; the timer does the same). */
  async refreshNow(): Promise<void> {
    await this.refresh(this.generation)
  }

  dispose(): void {
    this.stop()
  }

  private stop(): void {
    this.generation += 1
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private schedule(generation: number): void {
    if (generation !== this.generation) return
    this.timer = setTimeout(() => {
      this.timer = null
      void this.refresh(generation).finally(() => this.schedule(generation))
    }, this.options.refreshMs ?? 5_000)
  }

  private async refresh(generation: number): Promise<void> {
    if (this.state.traffic !== 'prometheus') return
    this.refreshing ??= (async () => {
      const { context, windowSeconds } = this.state
      try {
        const resolved = await this.options.sources.resolve(context)
        const answers = await this.ask(context, windowSeconds)
        if (generation !== this.generation) return
        this.options.sources.noteSuccess(context)
        this.state.endpoint = resolved.endpoint
        this.state.error = null
        this.apply(answers)
      } catch (err) {
        if (generation !== this.generation) return
        this.options.sources.noteProblem(context, err)
        const failure = asMeshdeckError(err)
        // No numbers rather than old ones: a user must not read a stale rate as the current one.
        this.options.topology.update(prometheusFeeder, { stats: [] })
        this.set({ error: failure instanceof MeshdeckError ? { code: failure.code, message: failure.message, hint: failure.hint } : { code: 'internal', message: String(failure), hint: '' } })
      }
    })().finally(() => (this.refreshing = null))
    await this.refreshing
  }

  private async ask(context: PrometheusScope, windowSeconds: number): Promise<{ stats: ReturnType<typeof edgeStatsFromAnswers>; queryMs: number }> {
    const { client } = await this.options.sources.resolve(context)
    const q = topologyQueries(windowSeconds)
    const started = performance.now()
    const [traffic, unknownSources, security, buckets] = await Promise.all([client.query(q.traffic), client.query(q.unknownSources), client.query(q.security), client.query(q.latencyBuckets)])
    const queryMs = performance.now() - started
    const [p50 = [], p95 = [], p99 = []] = quantilesFromBuckets(samples(buckets), latencyQuantiles)
    const stats = edgeStatsFromAnswers({ traffic: samples(traffic), unknownSources: samples(unknownSources), security: samples(security), latency: { p50, p95, p99 } })
    return { stats, queryMs }
  }

  private apply(answers: { stats: ReturnType<typeof edgeStatsFromAnswers>; queryMs: number }): void {
    this.options.topology.update(prometheusFeeder, { stats: answers.stats })
    this.set({ lastRefresh: { at: this.now(), queryMs: Math.round(answers.queryMs * 10) / 10, edges: answers.stats.length }, error: null })
  }

  private set(patch: Partial<Omit<TopologySourceState, 'windows'>>): void {
    this.state = { ...this.state, ...patch }
    this.options.emit(this.current())
  }
}

