import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createMeshdeck, type Meshdeck } from '../../src/main/app/meshdeck'
import { istioDurationBucketsMs } from '../../src/main/demo'
import { instantQuery, startTestPrometheus, type TestPrometheus } from '../support/prometheus'
import { waitFor } from '../support/wait'

// The demo as Prometheus sees it, all real: createMeshdeck({ demo: true }) runs seven proxyless
// gRPC workloads, each serving Istio's standard metrics on /metrics; Meshdeck writes the file-based
// service discovery file, and a real Prometheus (Debian's) scrapes what that file names every second.
const dir = mkdtempSync(join(tmpdir(), 'meshdeck-istio-metrics-'))
const kubeconfig = join(dir, 'config')
writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncontexts: []\n')
const targetsFile = join(dir, 'prometheus', 'demo-targets.json')
const reviews = 'reviews.demo.svc.cluster.local'

const until = <T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> => waitFor(what, probe, timeoutMs, 250)

describe("the demo's workloads report Istio's standard metrics", () => {
  let meshdeck: Meshdeck | undefined
  let prometheus: TestPrometheus | undefined
  afterAll(async () => {
    await meshdeck?.dispose()
    await prometheus?.dispose()
    rmSync(dir, { recursive: true, force: true })
  })

  it('lists every workload in the file_sd file, and each one serves both reporters with Istio labels and buckets', async () => {
    meshdeck = await createMeshdeck({ mode: 'web', kubeconfig, dataDir: dir, demo: true, xdsPort: 0, tracesPort: 0 })
    const groups = JSON.parse(readFileSync(targetsFile, 'utf8')) as { targets: string[]; labels: Record<string, string> }[]
    expect(groups.map((g) => g.labels.pod).sort()).toEqual(['details-v1', 'frontend-v1', 'loadgen', 'ratings-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3'])
    expect(groups.every((g) => g.targets.length === 1 && g.targets[0]!.startsWith('127.0.0.1:'))).toBe(true)
    prometheus = await startTestPrometheus({ fileSd: [targetsFile] })
    const p = prometheus

    // frontend → reviews, as frontend (source) and as reviews (destination) report it.
    const both = await until('frontend → reviews from both reporters', async () => {
      const rows = await instantQuery(p.url, `istio_requests_total{source_workload="frontend-v1",destination_service="${reviews}"}`)
      // reviews-v1's own (destination) report is scraped on its own schedule: wait for that one.
      const v1Answered = rows.some((r) => r.metric.reporter === 'destination' && r.metric.destination_workload === 'reviews-v1')
      return v1Answered && rows.some((r) => r.metric.reporter === 'source') ? rows : null
    })
    const dest = both.find((r) => r.metric.reporter === 'destination' && r.metric.destination_workload === 'reviews-v1')!
    expect(dest.metric).toMatchObject({
      source_workload: 'frontend-v1',
      source_workload_namespace: 'demo',
      source_canonical_service: 'frontend',
      source_canonical_revision: 'v1',
      destination_workload: 'reviews-v1',
      destination_workload_namespace: 'demo',
      destination_canonical_service: 'reviews',
      destination_canonical_revision: 'v1',
      destination_version: 'v1',
      destination_service: reviews,
      destination_service_name: 'reviews',
      destination_service_namespace: 'demo',
      request_protocol: 'grpc',
      response_code: '200',
      grpc_response_status: '0',
      response_flags: '-',
      // The seeded PeerAuthentication is PERMISSIVE and nothing asks for TLS: plaintext on the wire.
      connection_security_policy: 'none',
    })
    // A source report names the version that answered too, and leaves the security policy to the destination, as Istio does.
    expect(both.find((r) => r.metric.reporter === 'source')?.metric).toMatchObject({ connection_security_policy: 'unknown', source_workload: 'frontend-v1' })
    expect(both.filter((r) => r.metric.reporter === 'source').map((r) => r.metric.destination_version).sort()).toEqual(expect.arrayContaining(['v1']))

    // Istio's default duration buckets, every one of them.
    const buckets = await instantQuery(p.url, `istio_request_duration_milliseconds_bucket{reporter="destination",destination_workload="reviews-v1",source_workload="frontend-v1",grpc_response_status="0"}`)
    const les = buckets.map((b) => b.metric.le).filter((le) => le !== '+Inf').map(Number).sort((a, b) => a - b)
    expect(les).toEqual(istioDurationBucketsMs)

    // The load generator has no server: it reports only as a source.
    const loadgen = await until('loadgen → frontend', async () => {
      const rows = await instantQuery(p.url, `istio_requests_total{source_workload="loadgen"}`)
      return rows.length > 0 ? rows : null
    })
    expect(new Set(loadgen.map((r) => r.metric.destination_service))).toEqual(new Set(['frontend.demo.svc.cluster.local']))
  }, 150_000)

  it('reports an injected fault as the gRPC status it really was, on both sides', async () => {
    const md = meshdeck!
    const p = prometheus!
    await md.router.invoke('demo.setFault', { workload: 'details-v1', errorRate: 1, latencyMs: 0, errorCode: 'UNAVAILABLE' })
    const failing = await until('details failing with UNAVAILABLE', async () => {
      const rows = await instantQuery(p.url, `istio_requests_total{destination_workload="details-v1",grpc_response_status="14"}`)
      const reporters = new Set(rows.map((r) => r.metric.reporter))
      return reporters.has('source') && reporters.has('destination') ? rows : null
    })
    // The server answered (with a failure): Envoy would say 200 with grpc-status 14, and so do we.
    expect(failing.every((r) => r.metric.response_code === '200')).toBe(true)
    await md.router.invoke('demo.setFault', { workload: 'details-v1', errorRate: 0, latencyMs: 0 })
  }, 90_000)

  it('says mutual_tls once the demo namespace is STRICT, read from the calls themselves', async () => {
    const md = meshdeck!
    const p = prometheus!
    writeFileSync(
      join(dir, 'demo-mesh', 'demo-peer-authentication.yaml'),
      'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: { name: default, namespace: demo }\nspec: { mtls: { mode: STRICT } }\n',
    )
    await md.controlPlane.running().refresh()
    const mtls = await until(
      'reviews-v1 reporting mutual_tls calls from frontend',
      async () => {
        const rows = await instantQuery(
          p.url,
          `increase(istio_requests_total{reporter="destination",destination_workload="reviews-v1",source_workload="frontend-v1",connection_security_policy="mutual_tls"}[5s]) > 0`,
        )
        return rows.length > 0 ? rows : null
      },
      90_000,
    )
    // On the wire the caller presented its SPIFFE certificate: that is where the principal comes from.
    expect(mtls[0]!.metric.source_principal).toBe('spiffe://cluster.local/ns/demo/sa/frontend')
  }, 120_000)
})
