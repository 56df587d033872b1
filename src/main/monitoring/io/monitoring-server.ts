import { createServer, type Server } from 'node:http'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import { trackDisposable, type Disposable } from '../../lib/disposable'
import { isAllowedHost } from '../../lib/io/loopback-host'
import { controlPlaneMetrics as m, ConvergenceTracker, convergenceBuckets, pushTimeBuckets, rejectedConfigLabels, xdsTypeLabel } from '../control-plane-metrics'

/** What the metrics read: the control plane's events and state, the CA's counts, the collector's. */
export interface MonitoredControlPlane {
  onEvent(listener: (event: { kind: string; streamId?: string; type?: string; objects?: string[]; startedAt?: number }) => void): Disposable
  clients(): unknown[]
  problems(): { severity: string }[]
  serviceCount(): number
}

export interface MonitoringSources {
  /** The running control plane, or null (none configured, or it failed to start). */
  controlPlane: () => MonitoredControlPlane | null
  ca?: { counts: { issued: number; failed: number }; rootNotAfter(): Promise<Date | null> }
  /** The collector's counts (all its protocols) and the store's. */
  collector?: { stats(): { acceptedSpans: number; rejectedSpans: number; refusedRequests: number }; store(): { spansEvicted: number; spansHeld: number } }
}

export interface MonitoringOptions extends MonitoringSources {
  /** Default 15014, istiod's monitoring port; taken → a free one. 0: a free one. */
  port?: number
  host?: string
  now?: () => number
}

export interface Monitoring extends Disposable {
  readonly url: string
  readonly port: number
  /** The exposition text, as /metrics serves it. */
  metrics(): Promise<string>
}

/** A counter whose total lives elsewhere: each scrape adds what grew since the last. */
function mirroredCounter(registry: Registry, name: string, help: string, read: () => number | undefined): void {
  let last = 0
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const now = read()
      if (now === undefined) return
      if (now > last) this.inc(now - last)
      last = Math.max(last, now)
    },
  })
}

function registryFor(sources: MonitoringSources, now: () => number): { registry: Registry; subscribe(): Disposable } {
  const registry = new Registry()
  new Gauge({ name: m.connectedClients.name, help: m.connectedClients.help, registers: [registry], collect() { this.set(sources.controlPlane()?.clients().length ?? 0) } })
  const pushes = new Counter({ name: m.pushes.name, help: m.pushes.help, labelNames: ['type'], registers: [registry] })
  const pushTime = new Histogram({ name: m.pushTime.name, help: m.pushTime.help, labelNames: ['type'], buckets: pushTimeBuckets, registers: [registry] })
  const convergence = new Histogram({ name: m.convergence.name, help: m.convergence.help, buckets: convergenceBuckets, registers: [registry] })
  const rejects = new Counter({ name: m.rejects.name, help: m.rejects.help, labelNames: ['type'], registers: [registry] })
  const rejectedConfigs = new Counter({ name: m.rejectedConfigs.name, help: m.rejectedConfigs.help, labelNames: ['type', 'name'], registers: [registry] })
  new Gauge({ name: m.services.name, help: m.services.help, registers: [registry], collect() { this.set(sources.controlPlane()?.serviceCount() ?? 0) } })
  new Gauge({
    name: m.configProblems.name,
    help: m.configProblems.help,
    labelNames: ['severity'],
    registers: [registry],
    collect() {
      const problems = sources.controlPlane()?.problems() ?? []
      for (const severity of ['error', 'warning']) this.set({ severity }, problems.filter((p) => p.severity === severity).length)
    },
  })
  // Counted from zero for every type, so a rate() query has a series before the first push.
  for (const type of ['lds', 'rds', 'cds', 'eds']) {
    pushes.inc({ type }, 0)
    rejects.inc({ type }, 0)
  }
  const ca = sources.ca
  if (ca) {
    mirroredCounter(registry, m.csrs.name, m.csrs.help, () => ca.counts.issued + ca.counts.failed)
    mirroredCounter(registry, m.certsIssued.name, m.certsIssued.help, () => ca.counts.issued)
    mirroredCounter(registry, m.certSignErrors.name, m.certSignErrors.help, () => ca.counts.failed)
    new Gauge({
      name: m.rootExpiry.name,
      help: m.rootExpiry.help,
      registers: [registry],
      async collect() {
        const notAfter = await ca.rootNotAfter().catch(() => null)
        if (notAfter) this.set(Math.floor(notAfter.getTime() / 1000))
      },
    })
  }
  const collector = sources.collector
  if (collector) {
    mirroredCounter(registry, m.spansReceived.name, m.spansReceived.help, () => collector.stats().acceptedSpans)
    mirroredCounter(registry, m.spansRejected.name, m.spansRejected.help, () => collector.stats().rejectedSpans)
    mirroredCounter(registry, m.requestsRefused.name, m.requestsRefused.help, () => collector.stats().refusedRequests)
    mirroredCounter(registry, m.spansEvicted.name, m.spansEvicted.help, () => collector.store().spansEvicted)
    new Gauge({ name: m.spansStored.name, help: m.spansStored.help, registers: [registry], collect() { this.set(collector.store().spansHeld) } })
  }

  const tracker = new ConvergenceTracker()
  const subscribe = (): Disposable => {
    const plane = sources.controlPlane()
    if (!plane) return { dispose: () => undefined }
    return plane.onEvent((event) => {
      const at = now()
      switch (event.kind) {
        case 'applied':
          for (const push of tracker.applied(event.startedAt ?? at)) pushTime.observe({ type: push.type }, push.seconds)
          break
        case 'rejected':
          for (const key of event.objects ?? []) rejectedConfigs.inc(rejectedConfigLabels(key))
          break
        case 'pushed': {
          const type = xdsTypeLabel(event.type ?? '')
          pushes.inc({ type })
          tracker.pushed(event.streamId ?? '', type, at)
          break
        }
        case 'acked': {
          const seconds = tracker.acked(event.streamId ?? '', xdsTypeLabel(event.type ?? ''), at)
          if (seconds !== null) convergence.observe(seconds)
          break
        }
        case 'nacked':
          rejects.inc({ type: xdsTypeLabel(event.type ?? '') })
          tracker.gone(event.streamId ?? '')
          break
        case 'disconnected':
          tracker.gone(event.streamId ?? '')
          break
      }
    })
  }
  return { registry, subscribe }
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  return typeof address === 'object' && address ? address.port : port
}

/**
 * Serves Meshdeck's own metrics on http://127.0.0.1:15014/metrics (istiod's monitoring port), or
 * on a free port when that one is taken (another Meshdeck, or istiod port-forwarded). Loopback
 * host names only, GET only.
 */
export async function startMonitoring(options: MonitoringOptions): Promise<Monitoring> {
  const host = options.host ?? '127.0.0.1'
  const { registry, subscribe } = registryFor(options, options.now ?? Date.now)
  const server = createServer((req, res) => {
    if (!isAllowedHost(host, req)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('Meshdeck answers only to loopback host names.\n')
      return
    }
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Meshdeck serves GET /metrics here.\n')
      return
    }
    registry
      .metrics()
      .then((body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body))
      .catch((err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(err)}\n`))
  })
  const wanted = options.port ?? 15014
  let port: number
  try {
    port = await listen(server, wanted, host)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || wanted === 0) throw err
    port = await listen(server, 0, host)
  }
  const events = subscribe()
  return trackDisposable<Monitoring>({
    url: `http://${host}:${port}/metrics`,
    port,
    metrics: () => registry.metrics(),
    dispose: async () => {
      events.dispose()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  })
}
