/**
 * A synthetic exporter: Istio's standard metrics for the 500-service synthetic mesh of
 * bench:topology, as sidecars would report them (both reporters, Istio's labels and default
 * duration buckets), counters growing with each call's rate. Real Prometheus scrapes it.
 */
import { createServer, type Server } from 'node:http'
import type { EdgeStatsInput } from '../../src/main/telemetry'

/** Istio's default buckets for istio_request_duration_milliseconds. */
const buckets = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000]

interface Row {
  /** Label text without braces, shared by a call's series. */
  source: string
  destination: string
  rps: number
  errorShare: number
  /** Mean of an exponential latency whose median is the call's p50. */
  meanMs: number
}

const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')
const labels = (pairs: Record<string, string>): string =>
  Object.entries(pairs)
    .map(([k, v]) => `${k}="${esc(v)}"`)
    .join(',')

function rowsOf(stats: EdgeStatsInput[]): Row[] {
  return stats.map((s) => {
    const caller = typeof s.source === 'object' && 'workload' in s.source ? s.source.workload : { namespace: 'unknown', name: 'unknown' }
    const [service = '', namespace = ''] = s.destinationHost.split('.')
    const version = s.subset ?? 'v1'
    const common = {
      source_workload: caller.name,
      source_workload_namespace: caller.namespace,
      source_canonical_service: caller.name.replace(/-v\d+$/, ''),
      source_canonical_revision: caller.name.match(/-(v\d+)$/)?.[1] ?? 'latest',
      destination_service: s.destinationHost,
      destination_service_name: service,
      destination_service_namespace: namespace,
      destination_workload: `${service}-${version}`,
      destination_workload_namespace: namespace,
      destination_canonical_service: service,
      destination_canonical_revision: version,
      destination_version: version,
      request_protocol: 'grpc',
      response_flags: '-',
      connection_security_policy: 'mutual_tls',
    }
    return {
      source: labels({ reporter: 'source', ...common, connection_security_policy: 'unknown' }),
      destination: labels({ reporter: 'destination', ...common }),
      rps: s.rps,
      errorShare: s.rps > 0 ? s.errorRps / s.rps : 0,
      meanMs: (s.p50Ms ?? 5) / Math.LN2,
    }
  })
}

export interface SyntheticExporter {
  readonly address: string
  readonly series: number
  dispose(): Promise<void>
}

/** Serves /metrics; each scrape reports the requests since start at each call's rate. */
export async function startSyntheticExporter(stats: EdgeStatsInput[]): Promise<SyntheticExporter> {
  const rows = rowsOf(stats)
  const started = performance.now()
  const body = (): string => {
    const seconds = (performance.now() - started) / 1000 + 60
    const out: string[] = ['# TYPE istio_requests_total counter', '# TYPE istio_request_duration_milliseconds histogram']
    for (const r of rows) {
      const total = r.rps * seconds
      const failed = Math.round(total * r.errorShare)
      const ok = Math.round(total) - failed
      for (const reporter of [r.source, r.destination]) {
        out.push(`istio_requests_total{${reporter},response_code="200",grpc_response_status="0"} ${ok}`)
        out.push(`istio_requests_total{${reporter},response_code="200",grpc_response_status="14"} ${failed}`)
      }
      const count = ok + failed
      for (const le of buckets) out.push(`istio_request_duration_milliseconds_bucket{${r.source},le="${le}"} ${Math.round(count * (1 - Math.exp(-le / r.meanMs)))}`)
      out.push(`istio_request_duration_milliseconds_bucket{${r.source},le="+Inf"} ${count}`)
      out.push(`istio_request_duration_milliseconds_sum{${r.source}} ${(count * r.meanMs).toFixed(1)}`)
      out.push(`istio_request_duration_milliseconds_count{${r.source}} ${count}`)
    }
    return `${out.join('\n')}\n`
  }
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') return void res.writeHead(404).end()
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  return {
    address: `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    series: rows.length * (4 + buckets.length + 3),
    dispose: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/**
 * Run as a child process (`node --import tsx exporter.ts`): serves the synthetic mesh's metrics
 * there, so rendering 43,000 series each scrape never delays the bench's own timings.
 */
if (process.send && process.argv.includes('--child')) {
  void (async () => {
    const { defaultSynthetic, syntheticMesh } = await import('../topology-scale/synthetic')
    const exporter = await startSyntheticExporter(syntheticMesh(defaultSynthetic).stats(0, false))
    process.send?.({ address: exporter.address, series: exporter.series })
    process.on('disconnect', () => void exporter.dispose().then(() => process.exit(0)))
  })()
}
