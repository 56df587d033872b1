import { durationBucketMetric, errorsOf, promDuration, requestsMetric, selector } from './queries'

/** The label matchers of one graph element's traffic, or null for elements Prometheus has no series of (boxes). */
export function elementMatchers(id: string): Record<string, string> | null {
  const node = (part: string, side: 'source' | 'destination'): Record<string, string> | null => {
    if (part.startsWith('ver:')) {
      const [namespace, app, version] = part.slice(4).split('/')
      if (!namespace || !app || !version) return null
      return side === 'source'
        ? { source_workload_namespace: namespace, source_canonical_service: app, source_canonical_revision: version }
        : { destination_workload_namespace: namespace, destination_canonical_service: app, destination_version: version }
    }
    if (part.startsWith('wl:')) {
      const [namespace, name] = part.slice(3).split('/')
      if (!namespace || !name) return null
      return side === 'source' ? { source_workload_namespace: namespace, source_workload: name } : { destination_workload_namespace: namespace, destination_workload: name }
    }
    if (part.startsWith('svc:') && side === 'destination') return { destination_service: part.slice(4) }
    if (part === 'ext:unknown' && side === 'source') return { source_workload: 'unknown' }
    return null
  }
  const edge = /^(req|route):(.+)->(.+)$/.exec(id)
  if (edge) {
    const [, kind, from, to] = edge as unknown as [string, string, string, string]
    if (kind === 'route') {
      const service = node(from, 'destination')
      const version = to.startsWith('ver:') ? to.split('/')[2] : undefined
      if (!service || !version) return null
      return { reporter: 'source', ...service, destination_version: version }
    }
    const source = node(from, 'source')
    const destination = node(to, 'destination')
    if (!source || !destination) return null
    // Callers outside the mesh report nothing themselves: their requests are in the destination's reports.
    return { reporter: source.source_workload === 'unknown' ? 'destination' : 'source', ...source, ...destination }
  }
  const destination = node(id, 'destination')
  return destination ? { reporter: 'source', ...destination } : null
}

/** The three range queries behind an element's charts: requests/s, error %, p99 ms. */
export function elementSeriesQueries(matchers: Record<string, string>, windowSeconds: number): { rps: string; errorPct: string; p99Ms: string } {
  const w = promDuration(windowSeconds)
  const all = `sum(rate(${requestsMetric}${selector(matchers)}[${w}]))`
  return {
    rps: all,
    errorPct: `100 * (${errorsOf(matchers, w)} or on() vector(0)) / ${all}`,
    p99Ms: `histogram_quantile(0.99, sum(rate(${durationBucketMetric}${selector(matchers)}[${w}])) by (le))`,
  }
}
