/**
 * The topology of 500 services from a real Prometheus: synthetic Istio metrics for bench:topology's
 * mesh (500 services, ~1,400 calls, both reporters, duration histograms) scraped by Debian's
 * Prometheus through a file_sd file, then Meshdeck's own refresh (Kiali-style queries, four, over a 1 min
 * window, the answers turned into edge stats and fed to the topology) timed again and again.
 *
 *   npm run bench:prometheus-topology   (PROM_BENCH_FILL_SECONDS=65, PROM_BENCH_REFRESHES=10)
 *
 * The renderer's side (the first load of the 500-service graph, long tasks) is bench:topology.
 */
import { fork } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMeshdeck } from '../../src/main/app/meshdeck'
import { prometheus as promql } from '../../src/main/telemetry'
import { defaultSynthetic, syntheticMesh } from '../topology-scale/synthetic'
import { instantQuery, startTestPrometheus } from '../../test/support/prometheus'

const fillSeconds = Number(process.env.PROM_BENCH_FILL_SECONDS ?? 65)
const refreshes = Number(process.env.PROM_BENCH_REFRESHES ?? 10)
const goalMs = 1_000

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
}
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

async function main(): Promise<void> {
  const mesh = syntheticMesh(defaultSynthetic)
  const stats = mesh.stats(0, false)
  // The exporter in its own process, so its work never shows in these timings.
  const child = fork(join(__dirname, 'exporter.ts'), ['--child'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const exporter = await new Promise<{ address: string; series: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { address: string; series: number }))
    child.once('exit', (code) => reject(new Error(`the exporter exited (${code})`)))
  })
  const dir = mkdtempSync(join(tmpdir(), 'meshdeck-prom-bench-'))
  writeFileSync(join(dir, 'targets.json'), JSON.stringify([{ targets: [exporter.address], labels: { job: 'synthetic-mesh' } }]))
  const prometheus = await startTestPrometheus({ fileSd: [join(dir, 'targets.json')], scrapeInterval: '5s' })
  const kubeconfig = join(dir, 'config')
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncontexts: []\n')
  const meshdeck = await createMeshdeck({ mode: 'web', kubeconfig, dataDir: join(dir, 'data'), tracesPort: 0, tracesGrpcPort: 0, monitoringPort: null, prometheusUrl: prometheus.url })
  try {
    console.log(`synthetic mesh: ${mesh.input.services.length} services, ${stats.length} caller → service version pairs, ${exporter.series} series; Prometheus scrapes every 5 s`)
    console.log(`filling a 1 min window: ${fillSeconds} s …`)
    await sleep(fillSeconds * 1000)
    const [stored] = await instantQuery(prometheus.url, 'count({__name__=~"istio_.*"})')
    console.log(`Prometheus holds ${stored?.value[1] ?? '?'} series`)

    await meshdeck.router.invoke('topology.useSource', { traffic: 'prometheus', windowSeconds: 60 })
    const queryMs: number[] = []
    const wallMs: number[] = []
    let edges = 0
    for (let i = 0; i < refreshes; i++) {
      const t = performance.now()
      await meshdeck.prometheusTopology.refreshNow()
      wallMs.push(performance.now() - t)
      const source = await meshdeck.router.invoke('topology.source', {})
      if (source.error) throw new Error(`refresh failed: ${source.error.message}`)
      queryMs.push(source.lastRefresh?.queryMs ?? Number.NaN)
      edges = source.lastRefresh?.edges ?? 0
    }
    const p50 = quantile(queryMs, 0.5)
    const max = Math.max(...queryMs)
    console.log(`refresh of ${edges} edges from Prometheus (4 queries in parallel, 1 min window), ${refreshes} times:`)
    console.log(`  query time  p50 ${p50.toFixed(0)} ms, max ${max.toFixed(0)} ms (goal ≤ ${goalMs} ms: ${max <= goalMs ? 'met' : 'NOT met'})`)
    console.log(`  whole refresh (queries, edge stats, topology update)  p50 ${quantile(wallMs, 0.5).toFixed(0)} ms, max ${Math.max(...wallMs).toFixed(0)} ms`)
    // Each query alone, one after another: which one the time goes to.
    const q = promql.topologyQueries(60)
    const answers: Record<string, { metric: Record<string, string>; value: [number, string] }[]> = {}
    for (const [name, query] of Object.entries({ traffic: q.traffic, unknownSources: q.unknownSources, security: q.security, latencyBuckets: q.latencyBuckets })) {
      const t = performance.now()
      answers[name] = await instantQuery(prometheus.url, query)
      console.log(`  ${name.padEnd(16)} ${(performance.now() - t).toFixed(0).padStart(5)} ms, ${answers[name]!.length} series`)
    }
    // The quantiles computed here against Prometheus's own histogram_quantile() of the same buckets.
    const buckets = (answers.latencyBuckets ?? []).map((r) => ({ metric: r.metric, value: Number(r.value[1]) }))
    const mine = promql.quantilesFromBuckets(buckets, [0.99])[0] ?? []
    const t = performance.now()
    const theirs = await instantQuery(prometheus.url, `histogram_quantile(0.99, ${q.latencyBuckets})`)
    console.log(`  one histogram_quantile() query instead (what each of p50/p95/p99 cost before): ${(performance.now() - t).toFixed(0)} ms`)
    const key = (m: Record<string, string>): string => JSON.stringify(Object.entries(m).sort())
    const byKey = new Map(theirs.map((r) => [key(r.metric), Number(r.value[1])]))
    let worst = 0
    for (const s of mine) {
      const other = byKey.get(key(s.metric))
      if (other === undefined || !Number.isFinite(other)) continue
      worst = Math.max(worst, Math.abs(s.value - other) / Math.max(1e-9, Math.abs(other)))
    }
    console.log(`  p99 computed here vs Prometheus's histogram_quantile(): ${mine.length} edges, largest difference ${(worst * 100).toFixed(4)} %`)
    console.log(`machine: ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`)
    if (max > goalMs) process.exitCode = 1
  } finally {
    await meshdeck.dispose()
    await prometheus.dispose()
    const gone = new Promise((resolve) => child.once('exit', resolve))
    child.disconnect()
    await gone
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
