import { createServer, type Server } from 'node:http'
import { Counter, Histogram, Registry } from 'prom-client'
import { istioDurationBucketsMs, istioLabelNames, istioRequestDuration, istioRequestsTotal, requestLabels, type RequestOutcome } from '../../istio-metrics'

/** Records Istio's request metrics for one workload and serves them on /metrics. */
export interface RequestMetrics {
  record(outcome: RequestOutcome, durationMs: number): void
  /** The exposition text, as /metrics serves it. */
  text(): Promise<string>
  close(): Promise<void>
}

/**
 * A registry of its own (not prom-client's global one), so nothing but Istio's two request metrics
 * is exposed, and /metrics served on `host:port` (the workload's own address; port 0 picks one).
 * Prometheus scrapes it; the supervisor writes the address into the file-based service discovery
 * file Meshdeck keeps for the demo.
 */
export async function startRequestMetrics(host: string, port: number, log: (line: string) => void): Promise<RequestMetrics & { port: number }> {
  const registry = new Registry()
  const requests = new Counter({ name: istioRequestsTotal, help: 'Total requests, as Istio reports them.', labelNames: istioLabelNames, registers: [registry] })
  const duration = new Histogram({
    name: istioRequestDuration,
    help: 'Request duration in milliseconds, as Istio reports it.',
    labelNames: istioLabelNames,
    buckets: istioDurationBucketsMs,
    registers: [registry],
  })
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics is served here\n')
      return
    }
    registry
      .metrics()
      .then((body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body))
      .catch((err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(err)}\n`))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const bound = server.address()
  const actual = typeof bound === 'object' && bound ? bound.port : port
  log(`metrics on http://${host}:${actual}/metrics`)
  return {
    port: actual,
    record: (outcome, durationMs) => {
      const labels = requestLabels(outcome)
      requests.inc(labels)
      duration.observe(labels, durationMs)
    },
    text: () => registry.metrics(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
