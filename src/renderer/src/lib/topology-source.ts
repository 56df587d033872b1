import type { PrometheusEndpoint, TelemetrySource, TopologySourceState } from '@shared/contract'

/** A source's name as the pages write it next to a number. */
export const telemetrySourceNames: Record<TelemetrySource, string> = { loadReports: 'load reports', spans: 'spans', prometheus: 'Prometheus' }

/** The rate windows offered (Kiali's choices); any other the API was given is shown as well. */
export const windowChoices = [60, 300, 900, 3600]

export function windowLabel(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`
  if (seconds % 60 === 0) return `${seconds / 60} min`
  return `${seconds} s`
}

/** Where a Prometheus is: its URL, or the Service the API server's proxy reaches (and whose context). */
export function endpointWhere(endpoint: PrometheusEndpoint): string {
  if (endpoint.url) return endpoint.url
  const service = endpoint.service ? `${endpoint.service.namespace}/${endpoint.service.name}:${endpoint.service.port}` : 'a Service'
  return `${service} through ${endpoint.context ?? 'the'} API server's proxy`
}

/**
 * What feeds the topology's numbers, in a sentence for its page: which source gives the rates and
 * errors and which the latency; for Prometheus, which one, why it was chosen, the window and the
 * last refresh. `figures` labels each number in the side panel.
 */
export function describeTopologySource(state: TopologySourceState): { summary: string; detail: string | null; figures: { rates: string; latency: string } } {
  const figures = { rates: telemetrySourceNames[state.rates], latency: telemetrySourceNames[state.latency] }
  if (state.traffic === 'mesh') {
    return {
      summary: `Rates and errors from ${figures.rates}, latency from ${figures.latency}`,
      detail: "Load reports: what proxyless clients report to Meshdeck's control plane. Spans: what the trace collector receives.",
      figures,
    }
  }
  const endpoint = state.endpoint
  const which = endpoint ? `${endpoint.why} — ${endpointWhere(endpoint)}${endpoint.version ? `, Prometheus ${endpoint.version}` : ''}` : 'no Prometheus answers'
  const last = state.lastRefresh ? `; last refresh ${new Date(state.lastRefresh.at).toLocaleTimeString()}: ${state.lastRefresh.edges} edges, queries took ${Math.round(state.lastRefresh.queryMs)} ms` : ''
  return {
    summary: `Rates, errors and latency from Prometheus over the last ${windowLabel(state.windowSeconds)}`,
    detail: `${which}${last}.`,
    figures,
  }
}

/**
 * The heading over the side panel's figures: the windows its numbers (and the edge labels, which
 * come from the same graph) are computed over, as the server states them.
 */
export function figuresWindowLine(state: TopologySourceState | null): string {
  if (!state) return 'Now, as on the graph'
  const { rates, latency } = state.windows
  if (state.traffic === 'prometheus') return `Now — the last ${windowLabel(state.windowSeconds)} from Prometheus, as on the graph`
  if (rates === null) return 'Now — no load reports (the control plane is not running)'
  const ratesPart = `rates and errors over the last ${windowLabel(rates)} of ${telemetrySourceNames[state.rates]}`
  const latencyPart = latency === null ? '' : `, latency over the last ${windowLabel(latency)} of ${telemetrySourceNames[state.latency]}`
  return `Now — ${ratesPart}${latencyPart}, as on the graph`
}
