import type { EventBus, Router } from '../../../api'
import { DisposableStack } from '../../../lib/disposable'
import { singleValue, type QueryResult } from '../../prometheus'
import type { TopologyService } from '../topology-service'
import { asMeshdeckError } from './prometheus-client'
import { PrometheusSources, type PrometheusSourcesOptions } from './prometheus-sources'
import { PrometheusTopology, type PrometheusTopologyOptions } from './prometheus-topology'

export interface PrometheusApiDeps extends PrometheusSourcesOptions {
  topology: TopologyService
  /** How often the topology asks Prometheus again while it is the source (default 5 s). */
  refreshMs?: number
  /** The mesh's own windows (load reports, spans) the graph's numbers are over when Prometheus is not the source. */
  meshWindows?: PrometheusTopologyOptions['meshWindows']
}

function rows(result: QueryResult): { labels: Record<string, string>; value: number | null }[] {
  const finite = (v: number): number | null => (Number.isFinite(v) ? v : null)
  if (result.type === 'scalar') return [{ labels: {}, value: finite(result.value) }]
  if (result.type === 'vector') return result.samples.map((s) => ({ labels: s.metric, value: finite(s.value) }))
  return result.series.map((s) => ({ labels: s.metric, value: finite(s.values.at(-1)?.[1] ?? Number.NaN) }))
}

/** prometheus.*, topology.source / useSource / rangeSeries and topology.sourceChanged. */
export function registerPrometheusApi(router: Router, bus: EventBus, deps: PrometheusApiDeps): DisposableStack & { sources: PrometheusSources; topology: PrometheusTopology } {
  const stack = new DisposableStack()
  const sources = stack.add(new PrometheusSources(deps))
  const topology = stack.add(new PrometheusTopology({ topology: deps.topology, sources, emit: (state) => bus.emit('topology.sourceChanged', state), refreshMs: deps.refreshMs, meshWindows: deps.meshWindows }))
  stack.add(
    router.registerAll({
      'prometheus.status': () => sources.status(),
      'prometheus.setUrl': ({ context, url }) => sources.setUrl(context ?? null, url),
      'prometheus.discover': ({ context }) => sources.discover(context),
      'prometheus.query': async ({ context, query }) => {
        const { client, endpoint } = await sources.resolve(context ?? null)
        try {
          const result = await client.query(query)
          let value: number | null = null
          try {
            value = singleValue(result, query)
          } catch {
            // several series, or none: shown as rows
          }
          return { value, series: rows(result), endpoint }
        } catch (err) {
          throw asMeshdeckError(err)
        }
      },
      'topology.source': () => topology.current(),
      'topology.useSource': (params) => (params.traffic === 'mesh' ? topology.useMesh() : topology.usePrometheus(params.context ?? null, params.windowSeconds)),
      'topology.rangeSeries': ({ id, rangeSeconds }) => topology.rangeSeries(id, rangeSeconds),
    }),
  )
  return Object.assign(stack, { sources, topology })
}
