import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMeshdeck, type Meshdeck } from '../../src/main/app/meshdeck'
import { startMonitoring } from '../../src/main/monitoring/io'
import { typeUrls } from '../../src/main/xds'
import { forgedOtlpCalls } from '../support/forged-spans'
import { instantQuery, startTestPrometheus, type TestPrometheus } from '../support/prometheus'
import { eventually } from '../support/xds-grpc'
import { serviceEntryYaml, toYaml, workloadEntryYaml } from '../support/xds-mesh-fixtures'
import { openRawAds, type RawAds } from '../support/xds-raw-ads'
import { waitFor, within } from '../support/wait'

// Meshdeck's own metrics as a real Prometheus scrapes them from the monitoring port: real ADS
// streams ACKing and NACKing, a config object the control plane rejects, a certificate from the
// mesh CA, spans the collector accepts and refuses.
const dir = mkdtempSync(join(tmpdir(), 'meshdeck-monitoring-'))
const meshDir = join(dir, 'mesh')
const kubeconfig = join(dir, 'config')
writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncontexts: []\n')

let meshdeck: Meshdeck
let prometheus: TestPrometheus
const streams: RawAds[] = []

const value = async (query: string): Promise<number> => {
  const rows = await instantQuery(prometheus.url, query)
  return rows.length === 1 ? Number(rows[0]!.value[1]) : Number.NaN
}

beforeAll(async () => {
  const { mkdirSync } = await import('node:fs')
  mkdirSync(meshDir)
  writeFileSync(join(meshDir, 'mesh.yaml'), toYaml([serviceEntryYaml({ name: 'reviews', host: 'reviews.demo', port: 9080 }), workloadEntryYaml({ name: 'r1', app: 'reviews', port: 50051 })]))
  meshdeck = await createMeshdeck({ mode: 'web', kubeconfig, dataDir: join(dir, 'data'), meshDir, xdsPort: 0, tracesPort: 0, monitoringPort: 0 })
  const url = meshdeck.monitoring!.url
  prometheus = await startTestPrometheus({ staticTargets: [new URL(url).host] })
}, 60_000)

afterAll(async () => {
  for (const s of streams) s.close()
  await meshdeck?.dispose()
  await prometheus?.dispose()
  rmSync(dir, { recursive: true, force: true })
})

describe("Meshdeck's own metrics on the monitoring port", () => {
  it("says where they are, and serves them under istiod's names", async () => {
    const status = await meshdeck.router.invoke('monitoring.status', {})
    expect(status.url).toBe(meshdeck.monitoring!.url)
    expect(status.metrics).toEqual(expect.arrayContaining(['pilot_xds', 'pilot_xds_pushes', 'pilot_xds_push_time', 'pilot_proxy_convergence_time', 'pilot_total_xds_rejects', 'citadel_server_success_cert_issuance_count']))
    const text = await (await fetch(status.url!)).text()
    expect(text).toContain('# TYPE pilot_xds_pushes counter')
    expect(text).toContain('# TYPE pilot_proxy_convergence_time histogram')
  })

  it('counts clients, pushes by type, NACKs, convergence, rejected configs, certificates and spans, as Prometheus scrapes them', async () => {
    const plane = meshdeck.controlPlane.running()
    for (let i = 0; i < 3; i++) streams.push(openRawAds(plane.address, `client-${i}`))
    for (const ads of streams) ads.send({ type_url: typeUrls.LDS, resource_names: ['reviews.demo:9080'] })
    const responses = await Promise.all(streams.map((ads) => ads.next()))
    // Two ACK, one NACKs.
    streams.forEach((ads, i) =>
      ads.send({ type_url: typeUrls.LDS, resource_names: ['reviews.demo:9080'], response_nonce: responses[i]?.nonce, version_info: responses[i]?.version_info, ...(i === 2 ? { error_detail: { code: 3, message: 'no thanks' } } : {}) }),
    )
    await eventually(() => (plane.clients().filter((c) => c.types.some((t) => t.status === 'NACKED')).length === 1 ? true : undefined), 5000, 'one stream NACKED')
    // Two clients follow reviews' routes (RDS); a route change is pushed to both and both ACK: that is convergence.
    const rds = (ads: RawAds, pushed?: { nonce: string; version_info: string }) =>
      ads.send({ type_url: typeUrls.RDS, resource_names: ['reviews.demo:9080'], ...(pushed ? { response_nonce: pushed.nonce, version_info: pushed.version_info } : {}) })
    for (const ads of streams.slice(0, 2)) {
      rds(ads)
      rds(ads, await within('the first RDS response', ads.next(), 5_000))
    }
    writeFileSync(
      join(meshDir, 'routes.yaml'),
      'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: reviews, namespace: default }\nspec: { hosts: [reviews.demo], http: [{ timeout: 5s, route: [{ destination: { host: reviews.demo } }] }] }\n',
    )
    await plane.refresh()
    for (const ads of streams.slice(0, 2)) rds(ads, await within('the pushed route change', ads.next(), 5_000))
    // An object the control plane must reject (keeps serving the rest).
    writeFileSync(join(meshDir, 'bad.yaml'), 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: broken, namespace: demo }\nspec: { hosts: [], http: [{ route: [{ destination: { host: "" }, weight: 150 }] }] }\n')
    await plane.refresh()
    await meshdeck.security.workloadSecurity({ namespace: 'demo', serviceAccount: 'reviews', name: 'r1' })
    const otlp = meshdeck.traces.collector.otlpUrl
    await (await fetch(otlp, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(forgedOtlpCalls(2, Date.now())) })).text()
    await (await fetch(otlp, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(forgedOtlpCalls(1, Date.UTC(2100, 0, 1))) })).text()

    await waitFor(
      'Prometheus to scrape the numbers',
      async () => (await value('sum(pilot_total_rejected_configs)')) >= 1 && (await value('meshdeck_collector_spans_rejected_total')) >= 2 && (await value('pilot_proxy_convergence_time_count')) >= 2,
      30_000,
      250,
    )
    expect(await value('pilot_xds')).toBe(3)
    // One listener push per client; the route change is pushed only as routes, to the two that follow them.
    expect(await value('pilot_xds_pushes{type="lds"}')).toBe(3)
    expect(await value('pilot_xds_pushes{type="rds"}')).toBe(4)
    expect(await value('pilot_total_xds_rejects{type="lds"}')).toBe(1)
    expect(await value('pilot_total_xds_rejects{type="cds"}')).toBe(0)
    // Only a config change's pushes are timed (a client subscribing is not a change).
    expect(await value('pilot_xds_push_time_count{type="rds"}')).toBe(2)
    expect(await value('pilot_proxy_convergence_time_count')).toBe(2)
    expect(await value('meshdeck_config_problems{severity="error"}')).toBeGreaterThanOrEqual(1)
    // Labelled as istiod labels a rejected gateway: the kind, and namespace/name.
    expect(await value('pilot_total_rejected_configs{type="virtualservice",name="demo/broken"}')).toBeGreaterThanOrEqual(1)
    expect(await value('citadel_server_success_cert_issuance_count')).toBeGreaterThanOrEqual(1)
    expect(await value('citadel_server_csr_count')).toBe(await value('citadel_server_success_cert_issuance_count'))
    expect(await value('citadel_server_csr_sign_err_count')).toBe(0)
    expect(await value('citadel_server_root_cert_expiry_timestamp')).toBeGreaterThan(Date.now() / 1000)
    expect(await value('meshdeck_collector_spans_received_total')).toBe(4)
    expect(await value('meshdeck_collector_spans_rejected_total')).toBe(2)
    expect(await value('meshdeck_collector_spans_evicted_total')).toBe(0)
    expect(await value('meshdeck_collector_spans_stored')).toBe(4)
  }, 60_000)

  it("takes istiod's port 15014 when it is free, and a free one when it is taken", async () => {
    const holder: Server = createServer()
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
    const taken = (holder.address() as { port: number }).port
    const monitoring = await startMonitoring({ port: taken, controlPlane: () => null })
    try {
      expect(monitoring.port).not.toBe(taken)
      expect(await (await fetch(monitoring.url)).text()).toContain('pilot_xds 0')
    } finally {
      await monitoring.dispose()
      await new Promise((resolve) => holder.close(resolve))
    }
  })
})
