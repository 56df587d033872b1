/**
 * bench:traces — the figures issue 14 asks of the trace collector, store and page, measured on
 * the built `meshdeck serve` (the whole process, as a user runs it):
 *
 *   1. ingest: OTLP/HTTP JSON, then protobuf, from a load generator in another process; the
 *      collector's throughput per second of its own CPU (from /proc, so the generator's CPU is not
 *      counted) and per second of wall time (two shared cores: both are printed);
 *   2. memory: spans held within the byte budget after that, and the process's RSS;
 *   3. search: p50/p95/max of service + attribute + duration + error searches over what is held,
 *      inside the process (tookMs) and through the HTTP API;
 *   4. the page: a 10,000-span and a 100,000-span trace opened in Chromium, time until the first
 *      rows show and the page answers, and the longest task while scrolling.
 *
 *   npm run build && npm run bench:traces                # 800,000 protobuf spans + 200,000 JSON = 1,000,000
 *   npm run bench:traces -- 300000 100000                # smaller
 *
 * A peer side by side: neither Jaeger all-in-one nor the OpenTelemetry Collector can be built or
 * run here (no Docker; Jaeger v1.75 needs Go ≥ 1.23 and this machine has Go 1.19), so their
 * documented figures are printed beside ours instead.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from '@playwright/test'
import { callApi, startServe, type ServeProcess } from '../../test/support/serve-process'
import { bigTrace, newTraceId, postSpans } from '../../test/support/trace-fixtures'
import { chromiumArgs, chromiumPath } from '../../playwright.config'

const protobufSpans = Number(process.argv[2] ?? 800_000)
const jsonSpans = Number(process.argv[3] ?? 200_000)
const root = join(__dirname, '..', '..')

async function result<T>(serve: ServeProcess, method: string, params: unknown = {}): Promise<T> {
  const { body } = await callApi(serve, method, params)
  const outcome = body as { ok: boolean; result: T; error?: unknown }
  if (!outcome.ok) throw new Error(`${method}: ${JSON.stringify(outcome.error)}`)
  return outcome.result
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) / 1024
}

function lines(child: ChildProcessWithoutNullStreams): AsyncGenerator<Record<string, unknown>> {
  let buffer = ''
  const queue: Record<string, unknown>[] = []
  let wake: (() => void) | null = null
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString()
    let newline
    while ((newline = buffer.indexOf('\n')) !== -1) {
      queue.push(JSON.parse(buffer.slice(0, newline)) as Record<string, unknown>)
      buffer = buffer.slice(newline + 1)
      wake?.()
    }
  })
  return (async function* () {
    for (;;) {
      while (queue.length > 0) yield queue.shift()!
      await new Promise<void>((resolve) => (wake = resolve))
    }
  })()
}

interface IngestFigures {
  spans: number
  accepted: number
  mbSent: number
  wallSeconds: number
  collectorCpuSeconds: number
  perWallSecond: number
  perCpuSecond: number
  cpuShareOfCore: number
  generatorCpuSeconds: number
  retriedAfter429or503: number
}

async function ingest(serve: ServeProcess, otlpUrl: string, format: 'json' | 'protobuf', spans: number): Promise<IngestFigures> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/traces/load.ts'), otlpUrl, format, String(spans), '4'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] })
  child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk))
  const out = lines(child)
  const ready = (await out.next()).value as { spans: number; bytes: number }
  const before = await result<{ spansReceived: number }>(serve, 'traces.health')
  const cpu0 = cpuSeconds(serve.child.pid!)
  const t0 = performance.now()
  child.stdin.write('go\n')
  const done = (await out.next()).value as { ok: number; refused: number; seconds: number; cpu: { user: number; system: number } }
  const wall = (performance.now() - t0) / 1000
  const cpu = cpuSeconds(serve.child.pid!) - cpu0
  const after = await result<{ spansReceived: number; spansRejected: number }>(serve, 'traces.health')
  child.kill()
  const accepted = after.spansReceived - before.spansReceived
  return {
    spans: ready.spans,
    accepted,
    mbSent: ready.bytes / 1024 / 1024,
    wallSeconds: wall,
    collectorCpuSeconds: cpu,
    perWallSecond: accepted / wall,
    perCpuSecond: accepted / cpu,
    cpuShareOfCore: cpu / wall,
    generatorCpuSeconds: (done.cpu.user + done.cpu.system) / 1e6,
    retriedAfter429or503: done.refused,
  }
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
}

async function searches(serve: ServeProcess): Promise<{ inProcess: number[]; api: number[]; found: number[] }> {
  const inProcess: number[] = []
  const api: number[] = []
  const found: number[] = []
  const services = ['frontend', 'reviews', 'ratings', 'details']
  const queries = [
    (i: number) => ({ service: 'reviews', attributes: [{ key: 'rpc.grpc.status_code', value: '14', scope: 'span' }], minDurationMs: 30 + (i % 10), errorsOnly: true, limit: 100 }),
    (i: number) => ({ service: services[i % 4], attributes: [{ key: 'rpc.system', value: 'grpc', scope: 'span' }], minDurationMs: i % 30, errorsOnly: true, limit: 100 }),
    (i: number) => ({ service: 'reviews', attributes: [{ key: 'service.version', value: ['v1', 'v2', 'v3'][i % 3], scope: 'resource' }], minDurationMs: 40 + (i % 15), errorsOnly: i % 2 === 0, limit: 100 }),
    (i: number) => ({ service: 'frontend', attributes: [{ key: 'http.route', value: '/productpage', scope: 'any' }], minDurationMs: 50 + (i % 5), maxDurationMs: 60, errorsOnly: true, limit: 20 }),
  ]
  for (let i = 0; i < 200; i++) {
    const params = queries[i % queries.length]!(i)
    const t0 = performance.now()
    const r = await result<{ traces: unknown[]; tookMs: number }>(serve, 'traces.search', params)
    api.push(performance.now() - t0)
    inProcess.push(r.tookMs)
    found.push(r.traces.length)
  }
  return { inProcess: inProcess.sort((a, b) => a - b), api: api.sort((a, b) => a - b), found }
}

interface PageFigures {
  spans: number
  firstRowsMs: number
  interactiveMs: number
  rowsInPage: number
  longestTaskOpeningMs: number
  longTasksWhileScrolling: number
  longestTaskWhileScrollingMs: number
}

async function openInChromium(serve: ServeProcess, traceId: string, spans: number): Promise<PageFigures> {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 860 } })
    await page.addInitScript(() => {
      const w = globalThis as unknown as { longTasks: { start: number; duration: number }[] }
      w.longTasks = []
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.longTasks.push({ start: entry.startTime, duration: entry.duration })
      }).observe({ type: 'longtask' as 'mark', buffered: true })
    })
    await page.goto(`${serve.url}#/traces?view=health`)
    await page.getByTestId('ingest-health').waitFor()
    // Opening the trace from the app, as a click on a result does: API call, layout, first rows.
    const t0 = Date.now()
    await page.evaluate((id) => ((globalThis as unknown as { location: { hash: string } }).location.hash = `#/traces?trace=${id}`), traceId)
    await page.getByTestId('waterfall').getByRole('treeitem').first().waitFor({ timeout: 60_000 })
    const shown = Date.now() - t0
    // Interactive: a click on a row is answered (the span detail opens).
    await page.getByTestId('waterfall').getByRole('treeitem').nth(1).click()
    await page.getByTestId('span-detail').waitFor()
    const interactive = Date.now() - t0
    const rowsInPage = await page.getByTestId('waterfall').getByRole('treeitem').count()
    await page.getByRole('button', { name: 'Close span' }).click()
    // Scroll through it with the wheel, and record the long tasks meanwhile.
    const before = await page.evaluate(() => performance.now())
    const viewport = (await page.getByTestId('waterfall').boundingBox())!
    await page.mouse.move(viewport.x + viewport.width / 2, viewport.y + viewport.height / 2)
    for (let i = 0; i < 60; i++) {
      await page.mouse.wheel(0, 1200)
      await page.waitForTimeout(16)
    }
    // And a jump through the minimap to the end.
    const minimap = (await page.getByTestId('trace-minimap').boundingBox())!
    await page.mouse.click(minimap.x + minimap.width / 2, minimap.y + minimap.height - 4)
    await page.waitForTimeout(300)
    const tasks = await page.evaluate((since) => (globalThis as unknown as { longTasks: { start: number; duration: number }[] }).longTasks.filter((t) => t.start >= since).map((t) => t.duration), before)
    const openTasks = await page.evaluate((since) => (globalThis as unknown as { longTasks: { start: number; duration: number }[] }).longTasks.filter((t) => t.start < since).map((t) => t.duration), before)
    return { spans, firstRowsMs: shown, interactiveMs: interactive, rowsInPage, longestTaskOpeningMs: Math.max(0, ...openTasks), longTasksWhileScrolling: tasks.length, longestTaskWhileScrollingMs: Math.max(0, ...tasks) }
  } finally {
    await browser.close()
  }
}

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

async function main(): Promise<void> {
  if (!existsSync(join(root, 'out/main/cli.js'))) throw new Error('Build first: npm run build')
  const home = mkdtempSync(join(tmpdir(), 'meshdeck-bench-traces-'))
  const kubeconfig = join(home, 'kubeconfig')
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncontexts: []\n')
  const serve = await startServe(['--kubeconfig', kubeconfig], { MESHDECK_HOME: home })
  try {
    const health = await result<{ collector: { otlpUrl: string }; maxBytes: number }>(serve, 'traces.health')
    const otlpUrl = health.collector.otlpUrl
    console.log(`bench:traces on meshdeck serve (pid ${serve.child.pid}), store budget ${fmt(health.maxBytes / 1024 / 1024)} MiB; load generator in its own process`)
    console.log(`machine: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} load average on ${readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((l) => l.startsWith('processor')).length} cores (shared)\n`)

    console.log('1. ingest (OTLP/HTTP, 500-span batches, 4 connections)')
    const json = await ingest(serve, otlpUrl, 'json', jsonSpans)
    const proto = await ingest(serve, otlpUrl, 'protobuf', protobufSpans)
    for (const [name, r, goal] of [
      ['JSON', json, 10_000],
      ['protobuf', proto, 20_000],
    ] as const) {
      console.log(
        `   ${name.padEnd(8)} ${fmt(r.accepted)} spans: ${fmt(r.perCpuSecond)} spans per CPU-second of the collector (goal ≥ ${fmt(goal)}/s on one core: ${r.perCpuSecond >= goal ? 'met' : 'NOT met'}); ` +
          `${fmt(r.perWallSecond)}/s wall using ${fmt(r.cpuShareOfCore * 100)}% of a core; generator used ${fmt(r.generatorCpuSeconds, 1)} CPU-s; ${r.retriedAfter429or503} batches retried after 429/503`,
      )
    }
    console.log('   peer: OpenTelemetry Collector, 1 CPU, documented at about 12,000 spans/s (not runnable here)\n')

    const held = await result<{ spansHeld: number; bytesHeld: number; maxBytes: number; spansEvicted: number; tracesHeld: number }>(serve, 'traces.health')
    const rssBusy = rssMb(serve.child.pid!)
    // Then idle, as after a burst: V8's memory reducer collects what the ingest left behind.
    await new Promise((r) => setTimeout(r, 15_000))
    const rss = rssMb(serve.child.pid!)
    console.log('2. memory')
    console.log(
      `   ${fmt(held.spansHeld)} spans in ${fmt(held.tracesHeld)} traces held in ${fmt(held.bytesHeld / 1024 / 1024)} MiB of the ${fmt(held.maxBytes / 1024 / 1024)} MiB budget (${fmt(held.bytesHeld / Math.max(1, held.spansHeld))} B/span; ${fmt(held.spansEvicted)} evicted); ` +
        `process RSS ${fmt(rssBusy)} MB right after the ingest, ${fmt(rss)} MB 15 s later (goal: 1,000,000 spans within ≤ 512 MB: ${held.spansHeld >= 1_000_000 && rss <= 512 ? 'met' : held.spansHeld >= 1_000_000 ? 'RSS NOT met' : 'spans held NOT met'})\n`,
    )

    console.log(`3. search over ${fmt(held.spansHeld)} spans (service + attribute + duration + error, 200 queries)`)
    const s = await searches(serve)
    console.log(`   in the process: p50 ${fmt(percentile(s.inProcess, 0.5), 1)} ms, p95 ${fmt(percentile(s.inProcess, 0.95), 1)} ms, max ${fmt(s.inProcess.at(-1)!, 1)} ms (goal p95 ≤ 100 ms: ${percentile(s.inProcess, 0.95) <= 100 ? 'met' : 'NOT met'})`)
    console.log(`   through the HTTP API: p50 ${fmt(percentile(s.api, 0.5), 1)} ms, p95 ${fmt(percentile(s.api, 0.95), 1)} ms; traces found per query: ${Math.min(...s.found)}–${Math.max(...s.found)}\n`)

    console.log('4. the page in Chromium')
    for (const [count, goal] of [
      [10_000, 1_000],
      [100_000, 3_000],
    ] as const) {
      const traceId = newTraceId()
      await postSpans(otlpUrl, traceId, bigTrace(Date.now() - 30_000, count), 10_000)
      const t0 = performance.now()
      await result(serve, 'traces.outline', { traceId })
      const outlineMs = performance.now() - t0
      const r = await openInChromium(serve, traceId, count)
      console.log(
        `   ${fmt(count)} spans: first rows ${fmt(r.firstRowsMs)} ms, interactive (a click answered) ${fmt(r.interactiveMs)} ms (goal ≤ ${fmt(goal)} ms: ${r.interactiveMs <= goal ? 'met' : 'NOT met'}); ` +
          `outline API alone ${fmt(outlineMs)} ms; ${r.rowsInPage} rows in the page; longest task while opening ${fmt(r.longestTaskOpeningMs)} ms; ` +
          `while scrolling: ${r.longTasksWhileScrolling} long tasks, longest ${fmt(r.longestTaskWhileScrollingMs)} ms (goal none over 100 ms: ${r.longestTaskWhileScrollingMs <= 100 ? 'met' : 'NOT met'})`,
      )
    }
    console.log('   peer: Jaeger UI is reported to hang for seconds at 5,000–10,000 spans; Honeycomb and Lightstep cap the spans shown (not runnable here)')
  } finally {
    await serve.stop()
    rmSync(home, { recursive: true, force: true })
  }
}

main().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
