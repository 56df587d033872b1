/**
 * Cluster at scale, on a real kube-apiserver: 500 nodes and 10,000 Running pods. Measures, side by
 * side, `meshdeck serve` + headless Chromium from "open the Pods page" to "all pods in the
 * renderer store", against `kubectl get pods -A -o json`; peak memory of both Meshdeck processes;
 * then 100 changes/s for 60 s and a comparison of the renderer's store with the apiserver's truth.
 *
 *   npm run bench:cluster-scale     (CLUSTER_BENCH_NODES, _PODS, _CHURN_SECONDS to resize)
 */
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { CoreV1Api } from '@kubernetes/client-node'
import { chromium, type Page } from '@playwright/test'
import { chromiumArgs, chromiumPath } from '../../playwright.config'
import { adminKubeConfig, TestCluster } from '../../test/cluster'
import { startServe } from '../../test/support/serve-process'
import { podBody, pool, populate } from './populate'

const nodes = Number(process.env.CLUSTER_BENCH_NODES ?? 500)
const pods = Number(process.env.CLUSTER_BENCH_PODS ?? 10_000)
const churnSeconds = Number(process.env.CLUSTER_BENCH_CHURN_SECONDS ?? 60)
const churnRate = 100
const namespaces = 20

type StoreSummary = { count: number; churn: Record<string, string> }

/** Reads the renderer's Pinia resources store (the rows the Pods table draws from). */
function rendererPods(page: Page): Promise<StoreSummary> {
  return page.evaluate(() => {
    type Row = { uid: string; name: string; namespace: string; labels: Record<string, string> }
    type Feed = { rows: Map<string, Row> }
    const g = globalThis as unknown as { document: { querySelector(s: string): { __vue_app__?: { config: { globalProperties: { $pinia: { _s: Map<string, { feeds: Map<string, Feed> }> } } } } } | null } }
    const app = g.document.querySelector('#app')?.__vue_app__
    const feed = app?.config.globalProperties.$pinia._s.get('resources')?.feeds.get('admin\u0000pods')
    const churn: Record<string, string> = {}
    for (const row of feed?.rows.values() ?? []) churn[`${row.namespace}/${row.name}`] = row.labels.churn ?? ''
    return { count: feed?.rows.size ?? 0, churn }
  })
}

function rssMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0)
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 }
}

async function main(): Promise<void> {
  console.log(`cluster-scale: ${nodes} nodes, ${pods} pods, churn ${churnRate}/s for ${churnSeconds} s`)
  const cluster = await TestCluster.start()
  const serveStops: (() => Promise<void>)[] = []
  try {
    const kc = adminKubeConfig(cluster)
    let t = Date.now()
    await populate(kc, nodes, pods, namespaces)
    console.log(`populated in ${((Date.now() - t) / 1000).toFixed(1)} s`)

    // kubectl, the baseline a person compares with: the same list, printed as JSON.
    const kubectlRuns: number[] = []
    for (let i = 0; i < 3; i++) {
      t = performance.now()
      const out = await promisify(execFile)('/usr/bin/kubectl', ['--kubeconfig', cluster.kubeconfigPath, 'get', 'pods', '-A', '-o', 'json'], { maxBuffer: 1 << 30 })
      kubectlRuns.push(performance.now() - t)
      if (i === 0) console.log(`kubectl JSON: ${(out.stdout.length / 1e6).toFixed(1)} MB`)
    }

    const serve = await startServe(['--kubeconfig', cluster.kubeconfigPath])
    serveStops.push(() => serve.stop())
    const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })
    serveStops.push(() => browser.close())
    const page = await browser.newPage({ viewport: { width: 1360, height: 860 } })
    await page.goto(`${serve.url}#/clusters`)
    await page.getByRole('heading', { level: 1 }).waitFor()
    t = performance.now()
    await page.locator('nav a[data-page="pods"]').click()
    await page.waitForFunction((n) => (globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText.includes(`${n} rows`), pods, { timeout: 300_000, polling: 50 })
    const meshdeckMs = performance.now() - t
    const rendered = await page.locator('[role="row"][aria-rowindex]').count()
    const cdp = await page.context().newCDPSession(page)
    const heap = async (): Promise<number> => {
      const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }
      return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 2 ** 20
    }
    await cdp.send('Performance.enable')
    let heapPeak = await heap()

    const kubectlMedian = [...kubectlRuns].sort((a, b) => a - b)[1] ?? 0
    console.log(`\nfull list, ${pods} pods:`)
    console.log(`  meshdeck (connect → all rows in the renderer store): ${(meshdeckMs / 1000).toFixed(2)} s`)
    console.log(`  kubectl get pods -A -o json (median of 3):          ${(kubectlMedian / 1000).toFixed(2)} s`)
    console.log(`  ratio meshdeck / kubectl: ${(meshdeckMs / kubectlMedian).toFixed(2)}`)
    console.log(`  table rows in the DOM (virtual scrolling): ${rendered}`)

    // A person scrolling the 10,000 rows and typing a filter: the longest main-thread task while
    // doing it is what decides whether the page feels frozen (goal: none over 200 ms).
    await page.evaluate(() => {
      const w = globalThis as unknown as { __longTasks: number[]; PerformanceObserver: typeof PerformanceObserver }
      w.__longTasks = []
      new w.PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.__longTasks.push(entry.duration)
      }).observe({ entryTypes: ['longtask' as never] })
    })
    const viewport = page.getByTestId('table-viewport')
    await viewport.hover()
    for (let i = 0; i < 40; i++) {
      await page.mouse.wheel(0, 1200)
      await page.waitForTimeout(25)
    }
    await viewport.evaluate((el) => (el.scrollTop = el.scrollHeight))
    await page.waitForTimeout(100)
    await viewport.evaluate((el) => (el.scrollTop = 0))
    const filter = page.getByRole('searchbox', { name: 'Filter by name' })
    await filter.click()
    await filter.pressSequentially('app-12', { delay: 60 })
    await page.waitForTimeout(300)
    await filter.fill('')
    await page.waitForTimeout(300)
    const longTasks = await page.evaluate(() => (globalThis as unknown as { __longTasks: number[] }).__longTasks)
    const longest = longTasks.length > 0 ? Math.max(...longTasks) : 0
    console.log(`  scripted scroll + filter: ${longTasks.length} long tasks, longest ${longest.toFixed(0)} ms (goal: none over 200 ms)`)

    // Churn: 80 label changes, 10 deletes and 10 creates per second through the API.
    const core = kc.makeApiClient(CoreV1Api)
    const live = new Set(Array.from({ length: pods }, (_, i) => i))
    let nextId = pods
    let changes = 0
    let failures = 0
    const churnStart = Date.now()
    for (let s = 0; s < churnSeconds; s++) {
      const tick = Date.now()
      const ids = [...live]
      const pick = (): number => ids[Math.floor(Math.random() * ids.length)] as number
      const ops: (() => Promise<unknown>)[] = []
      for (let k = 0; k < 80; k++) {
        const id = pick()
        ops.push(() => core.patchNamespacedPod({ name: `app-${id}`, namespace: `team-${id % namespaces}`, body: [{ op: 'replace', path: '/metadata/labels/churn', value: `${s}-${k}` }] }))
      }
      for (let k = 0; k < 10; k++) {
        const id = pick()
        live.delete(id)
        ops.push(() => core.deleteNamespacedPod({ name: `app-${id}`, namespace: `team-${id % namespaces}`, gracePeriodSeconds: 0 }))
        const fresh = nextId++
        live.add(fresh)
        ops.push(() => core.createNamespacedPod({ namespace: `team-${fresh % namespaces}`, body: podBody(`app-${fresh}`, `team-${fresh % namespaces}`, `node-${String(fresh % nodes).padStart(4, '0')}`, 'churn') }))
      }
      await pool(ops, 20, async (op) => {
        try {
          await op()
          changes++
        } catch {
          failures++ // a patch racing the same pod's delete; the comparison below is what counts
        }
      })
      heapPeak = Math.max(heapPeak, await heap())
      const wait = 1000 - (Date.now() - tick)
      if (wait > 0) await new Promise((r) => setTimeout(r, wait))
    }
    const churnElapsed = (Date.now() - churnStart) / 1000
    console.log(`\nchurn: ${changes} changes in ${churnElapsed.toFixed(1)} s (${(changes / churnElapsed).toFixed(0)}/s; ${failures} raced)`)

    // Converged? The apiserver's list (taken once churn has stopped) against the renderer's store,
    // polled every 100 ms; listing 10,000 pods takes seconds, so the truth is fetched only again
    // if the store has not matched it within 10 s.
    const lastChange = Date.now()
    let mismatches = -1
    let convergedMs = -1
    for (let round = 0; round < 3 && convergedMs < 0; round++) {
      const truth = await core.listPodForAllNamespaces()
      const want = new Map(truth.items.map((p) => [`${p.metadata?.namespace}/${p.metadata?.name}`, p.metadata?.labels?.churn ?? '']))
      const until = Date.now() + 10_000
      while (Date.now() < until) {
        const have = await rendererPods(page)
        mismatches = Math.abs(want.size - have.count)
        for (const [k, v] of want) if (have.churn[k] !== v) mismatches++
        if (mismatches === 0) {
          convergedMs = Date.now() - lastChange
          break
        }
        await new Promise((r) => setTimeout(r, 100))
      }
    }
    console.log(`after churn: renderer store vs apiserver: ${mismatches === 0 ? `identical, every pod and label (${convergedMs} ms after the last change, including one full list of the truth)` : `${mismatches} differences`}`)

    const serveMem = rssMiB(serve.child.pid ?? 0)
    console.log(`\nmemory:`)
    console.log(`  meshdeck serve (main services) RSS now ${serveMem.rss.toFixed(0)} MiB, peak ${serveMem.peak.toFixed(0)} MiB`)
    console.log(`  renderer JS heap peak ${heapPeak.toFixed(0)} MiB`)
    if (mismatches !== 0) process.exitCode = 1
  } finally {
    for (const stop of serveStops.reverse()) await stop().catch(() => undefined)
    await cluster.stop()
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
