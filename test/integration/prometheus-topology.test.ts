import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TopologyEdge, TopologyGraph } from '@shared/contract'
import { createMeshdeck, type Meshdeck } from '../../src/main/app/meshdeck'
import { freePort, startTestPrometheus, type TestPrometheus } from '../support/prometheus'
import { waitFor } from '../support/wait'

// The topology's numbers from a real Prometheus, all real: the demo's seven workloads serve Istio's
// metrics, Meshdeck writes the file_sd file, Debian's Prometheus scrapes it every second, and
// Meshdeck asks Kiali's graph queries. The same edges from the clients' load reports are the yardstick.
const dir = mkdtempSync(join(tmpdir(), 'meshdeck-prom-topology-'))
const kubeconfig = join(dir, 'config')
writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncontexts: []\n')
const reviewsSvc = 'svc:reviews.demo.svc.cluster.local'
const frontendToReviews = `req:ver:demo/frontend/v1->${reviewsSvc}`
const loadgenToFrontend = 'req:ver:demo/loadgen/v1->svc:frontend.demo.svc.cluster.local'
const toReviewsV1 = `route:${reviewsSvc}->ver:demo/reviews/v1`

const until = <T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> => waitFor(what, probe, timeoutMs, 250)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

let meshdeck: Meshdeck
let prometheus: TestPrometheus
let html: Server

async function graph(): Promise<TopologyGraph> {
  return meshdeck.router.invoke('topology.get', {})
}
const edge = (g: TopologyGraph, id: string): TopologyEdge | undefined => g.edges.find((e) => e.id === id)

beforeAll(async () => {
  meshdeck = await createMeshdeck({ mode: 'web', kubeconfig, dataDir: dir, demo: true, xdsPort: 0, tracesPort: 0 })
  await meshdeck.router.invoke('demo.setLoad', { rps: 20 })
  prometheus = await startTestPrometheus({ fileSd: [join(dir, 'prometheus', 'demo-targets.json')] })
  html = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Grafana</body></html>'))
  await new Promise<void>((resolve) => html.listen(0, '127.0.0.1', resolve))
}, 120_000)

afterAll(async () => {
  await meshdeck?.dispose()
  await prometheus?.dispose()
  await new Promise((resolve) => html?.close(resolve))
  rmSync(dir, { recursive: true, force: true })
})

describe('Prometheus as the source of the topology', () => {
  it('refuses a URL that is not Prometheus, or where nothing listens, and saves nothing', async () => {
    const address = html.address()
    const htmlUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
    await expect(meshdeck.router.invoke('prometheus.setUrl', { url: htmlUrl })).rejects.toMatchObject({ code: 'not_prometheus', message: expect.stringContaining('HTML page') })
    const closed = `http://127.0.0.1:${await freePort()}`
    await expect(meshdeck.router.invoke('prometheus.setUrl', { url: closed })).rejects.toMatchObject({ code: 'prometheus_unreachable', message: expect.stringContaining('connection refused') })
    await expect(meshdeck.router.invoke('prometheus.setUrl', { url: 'file:///etc/passwd' })).rejects.toMatchObject({ code: 'invalid_params' })
    // Nothing set: the graph cannot switch, and says what to do.
    await expect(meshdeck.router.invoke('topology.useSource', { traffic: 'prometheus' })).rejects.toMatchObject({ code: 'prometheus_not_configured', hint: expect.stringContaining('Prometheus URL field of the Topology page') })
    expect((await meshdeck.router.invoke('topology.source', {})).traffic).toBe('mesh')
  })

  it("draws the demo's edges from Prometheus within 10 % of the load reports' rate", async () => {
    const status = await meshdeck.router.invoke('prometheus.setUrl', { url: prometheus.url })
    expect(status.configuredUrl).toBe(prometheus.url)
    // The load reports' view, sampled over the same 30 s that Prometheus's rate() covers.
    await until('load reports on frontend → reviews', async () => (edge(await graph(), frontendToReviews)?.stats.rps ?? 0) > 0)
    await until('Prometheus to have 30 s of samples', async () => {
      const r = await meshdeck.router.invoke('prometheus.query', { query: 'count_over_time(up{job="meshdeck-demo"}[40s])' })
      return r.series.length >= 7 && r.series.every((s) => (s.value ?? 0) >= 30)
    }, 90_000)
    const lrs: Record<string, number[]> = { [frontendToReviews]: [], [loadgenToFrontend]: [] }
    const started = Date.now()
    while (Date.now() - started < 30_000) {
      const g = await graph()
      for (const id of Object.keys(lrs)) lrs[id]!.push(edge(g, id)?.stats.rps ?? 0)
      await sleep(1_000)
    }
    const state = await meshdeck.router.invoke('topology.useSource', { traffic: 'prometheus', windowSeconds: 30 })
    expect(state).toMatchObject({ traffic: 'prometheus', rates: 'prometheus', latency: 'prometheus', windowSeconds: 30, error: null, endpoint: { url: prometheus.url, how: 'settings' } })
    expect(state.endpoint?.version).toMatch(/^2\./)
    const fromProm = await until('the graph rebuilt from Prometheus', async () => {
      const g = await graph()
      const e = edge(g, frontendToReviews)
      return e && e.stats.p95Ms !== undefined ? g : null
    })
    for (const id of Object.keys(lrs)) {
      const average = lrs[id]!.reduce((a, b) => a + b, 0) / lrs[id]!.length
      const prom = edge(fromProm, id)!.stats.rps
      console.log(`${id}: load reports ${average.toFixed(2)} rps, Prometheus ${prom.toFixed(2)} rps`)
      expect(Math.abs(prom - average) / average).toBeLessThan(0.1)
    }
    const e = edge(fromProm, frontendToReviews)!
    expect(e.stats.p50Ms).not.toBeNull()
    expect(e.stats.p99Ms).toBeGreaterThanOrEqual(e.stats.p95Ms ?? 0)
    // reviews' versions get their share through destination_version.
    expect(edge(fromProm, toReviewsV1)?.stats.rps).toBeGreaterThan(0)
    console.log(`Prometheus refresh: ${JSON.stringify(state.lastRefresh)}`)
  }, 180_000)

  it('follows an injected fault in the error rate, and draws charts from range queries', async () => {
    await meshdeck.router.invoke('topology.useSource', { traffic: 'prometheus', windowSeconds: 10 })
    await meshdeck.router.invoke('demo.setFault', { workload: 'reviews-v1', errorRate: 0.5, latencyMs: 0 })
    // Judged once the 10 s window holds only faulty calls, not while it slides over the change.
    await sleep(12_000)
    const failing = await until(
      'reviews v1 failing about half its calls in Prometheus',
      async () => {
        await meshdeck.prometheusTopology.refreshNow()
        const pct = edge(await graph(), toReviewsV1)?.stats.errorPct ?? 0
        return pct > 35 && pct < 65 ? pct : null
      },
      60_000,
    )
    console.log(`reviews v1 error % from Prometheus with a 50 % fault: ${failing}`)
    await meshdeck.router.invoke('demo.setFault', { workload: 'reviews-v1', errorRate: 0, latencyMs: 0 })
    await until(
      'the error rate back to 0 once the fault is off',
      async () => {
        await meshdeck.prometheusTopology.refreshNow()
        return (edge(await graph(), toReviewsV1)?.stats.errorPct ?? 100) === 0
      },
      60_000,
    )
    const series = await meshdeck.router.invoke('topology.rangeSeries', { id: toReviewsV1, rangeSeconds: 120 })
    expect(series.source).toBe('prometheus')
    expect(series.queries[0]).toContain('destination_version="v1"')
    expect(series.rps.filter((v) => v !== null && v > 0).length).toBeGreaterThan(10)
    expect(Math.max(...series.errorPct.map((v) => v ?? 0))).toBeGreaterThan(25)
  }, 150_000)

  it('names a malformed query and an empty result plainly, and shows Prometheus going away without stale numbers', async () => {
    await expect(meshdeck.router.invoke('prometheus.query', { query: 'sum(rate(istio_requests_total[1m]' })).rejects.toMatchObject({ code: 'promql_error', message: expect.stringContaining('parse error') })
    const empty = await meshdeck.router.invoke('prometheus.query', { query: 'istio_requests_total{destination_service="nothing.here"}' })
    expect(empty).toMatchObject({ value: null, series: [] })

    await prometheus.dispose()
    const state = await until(
      'the topology to say Prometheus is unreachable',
      async () => {
        await meshdeck.prometheusTopology.refreshNow()
        const s = await meshdeck.router.invoke('topology.source', {})
        return s.error ? s : null
      },
      30_000,
    )
    expect(state.error).toMatchObject({ code: 'prometheus_unreachable', message: expect.stringContaining(prometheus.url) })
    const g = await graph()
    // No stale numbers: with its source gone, the graph shows none.
    await until('no numbers on the edges', async () => (edge(await graph(), frontendToReviews)?.stats.rps ?? 1) === 0, 10_000)
    expect(g.edges.length).toBeGreaterThan(0)
    const status = await meshdeck.router.invoke('prometheus.status', {})
    expect(status.scopes.find((s) => s.context === null)?.error?.code).toBe('prometheus_unreachable')
  }, 60_000)
})
