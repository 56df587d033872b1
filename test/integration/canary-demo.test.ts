import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RolloutStateDto } from '@shared/contract/canary'
import { CanaryRuntime } from '../../src/main/canary/io'
import { startDemoMesh, type DemoMesh } from '../../src/main/demo/io'
import { startTraces, type Traces } from '../../src/main/traces/io'
import { startControlPlane, type ControlPlane } from '../../src/main/xds/io'
import { forgedOtlpCalls, year2100 } from '../support/forged-spans'

// Real parts throughout: the embedded control plane on a mesh folder, the demo's proxyless gRPC
// workloads as child processes with their load generator, and the trace collector.
let meshDir: string
let dataDir: string
let cp: ControlPlane
let demo: DemoMesh
let traces: Traces
let canary: CanaryRuntime
const updates: RolloutStateDto[] = []
const target = { namespace: 'demo', name: 'reviews', route: { name: 'reviews-canary' } }
const host = 'reviews.demo.svc.cluster.local'
const thresholds = { maxErrorRate: 0.05, maxP99Ms: 2000, minRequests: 5 }

function newRuntime(): CanaryRuntime {
  return new CanaryRuntime({ controlPlane: () => cp, edges: traces.edges, dataDir, onRollout: (s) => updates.push(s) })
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

const weights = (): Record<string, number> => {
  const t = canary.targets().find((x) => x.label === 'reviews › reviews-canary')!
  return Object.fromEntries(t.destinations.map((d) => [d.key, d.weight]))
}
const latest = (id: string): RolloutStateDto | undefined => [...updates].reverse().find((u) => u.spec.id === id)

beforeAll(async () => {
  meshDir = mkdtempSync(join(tmpdir(), 'meshdeck-canary-mesh-'))
  dataDir = mkdtempSync(join(tmpdir(), 'meshdeck-canary-data-'))
  traces = await startTraces({ port: 0 })
  cp = await startControlPlane({ meshDir, port: 0, loadReportIntervalMs: 1000 })
  // The workloads send their spans to the collector, so analysis has both sources, as in the app.
  demo = await startDemoMesh({ controlPlaneAddress: cp.address, meshDir, rps: 30, tracesEndpoint: traces.collector.otlpUrl })
  await until('every demo workload running', () => demo.status().workloads.every((w) => w.state === 'running'), 150_000)
  await cp.refresh()
  canary = newRuntime()
  await until('load reaching reviews', () => cp.loadStats().some((l) => l.host === host && l.requestRate > 0), 60_000)
}, 240_000)

afterAll(async () => {
  canary?.dispose()
  await demo?.dispose()
  await cp?.dispose()
  await traces?.dispose()
  rmSync(meshDir, { recursive: true, force: true })
  rmSync(dataDir, { recursive: true, force: true })
})

describe('progressive rollouts on the demo mesh', () => {
  it('rejects invalid weights with a clear error and writes nothing', async () => {
    const file = join(meshDir, 'demo-reviews-routing.yaml')
    const before = readFileSync(file, 'utf8')
    for (const [bad, message] of [
      [{ v1: 80, v2: 10, v3: 9 }, 'add up to 99'],
      [{ v1: 110, v2: -10, v3: 0 }, 'outside 0–100'],
      [{ v1: Number.NaN, v2: 50, v3: 50 }, 'not a number'],
      [{ v1: 50, v9: 50 }, 'Unknown subset "v9"'],
    ] as const) {
      await expect(canary.apply(target, bad)).rejects.toThrow(message)
    }
    expect(readFileSync(file, 'utf8')).toBe(before)
  })

  it('promotes a healthy reviews-v3 to 100 %, waiting for ACKs before each analysis', async () => {
    const started = await canary.start(target, 'v1', 'v3', { steps: [50, 100], intervalSeconds: 4, analysis: thresholds })
    await until('promotion', () => latest(started.spec.id)?.phase === 'promoted', 120_000)
    const final = latest(started.spec.id)!
    expect(final.timeline.filter((t) => t.what === 'acked').length).toBe(2)
    expect(final.timeline.filter((t) => t.what === 'passed').every((t) => (t.metrics?.requests ?? 0) >= thresholds.minRequests)).toBe(true)
    expect(weights()).toEqual({ v1: 0, v2: 0, v3: 100 })
  }, 150_000)

  it('rolls a v3 with 30 % injected errors back to stable at once and names the failing metric', async () => {
    await canary.apply(target, { v1: 100, v2: 0, v3: 0 })
    demo.setFault('reviews-v3', { errorRate: 0.3 })
    try {
      const started = await canary.start(target, 'v1', 'v3', { steps: [50, 100], intervalSeconds: 4, analysis: thresholds })
      await until('rollback', () => latest(started.spec.id)?.phase === 'rolledBack', 120_000)
      const final = latest(started.spec.id)!
      expect(final.failure?.metric).toBe('errorRate')
      // What triggered the rollback: a measured rate over the limit. The window is a small sample
      // (a few dozen calls on a loaded machine), so 30 % injected can read as 15 % or less.
      expect(final.failure?.value).toBeGreaterThan(thresholds.maxErrorRate)
      expect(final.failure?.message).toMatch(/^Error rate \d+\.\d% is above the 5\.0% limit\.$/)
      expect(weights()).toEqual({ v1: 100, v2: 0, v3: 0 })
    } finally {
      demo.setFault('reviews-v3', { errorRate: 0 })
    }
  }, 150_000)

  // The probe: one tokenless POST of 3,000 successful spans dated in 2100 made a canary that fails
  // 60 % of its calls pass analysis and go to 100 %, and poisoned every later window too.
  it('rolls back a v3 failing 60 % of its calls although 3,000 successful spans dated 2100 were posted', async () => {
    await canary.apply(target, { v1: 100, v2: 0, v3: 0 })
    demo.setFault('reviews-v3', { errorRate: 0.6 })
    try {
      const forged = JSON.stringify(forgedOtlpCalls(1500, year2100))
      // As a web page would send it (a CORS "simple" request): refused outright.
      const asPage = await fetch(traces.collector.otlpUrl, { method: 'POST', body: forged, headers: { 'Content-Type': 'text/plain' } })
      expect(asPage.status).toBe(415)
      // As a local script would: read, and every span rejected for its date.
      const asScript = await fetch(traces.collector.otlpUrl, { method: 'POST', body: forged, headers: { 'Content-Type': 'application/json' } })
      expect(((await asScript.json()) as { partialSuccess: { rejectedSpans: string } }).partialSuccess.rejectedSpans).toBe('3000')

      const started = await canary.start(target, 'v1', 'v3', { steps: [50, 100], intervalSeconds: 4, analysis: thresholds })
      await until('the rollout deciding', () => ['promoted', 'rolledBack', 'paused'].includes(latest(started.spec.id)?.phase ?? ''), 120_000)
      const final = latest(started.spec.id)!
      expect(final.phase, JSON.stringify(final.timeline)).toBe('rolledBack')
      expect(final.failure?.metric).toBe('errorRate')
      const failed = final.timeline.find((t) => t.what === 'failed')!
      // Counts and errors from the clients' load reports, latency from spans; both readings kept.
      expect(failed.metrics?.sources).toEqual({ requests: 'loadReports', errorRate: 'loadReports', p99Ms: 'spans' })
      expect(failed.metrics?.readings?.spans?.requests).toBeLessThan(1000)
      expect(weights()).toEqual({ v1: 100, v2: 0, v3: 0 })
    } finally {
      demo.setFault('reviews-v3', { errorRate: 0 })
    }
  }, 150_000)

  it('pauses, naming both readings, when forged spans dated now contradict the load reports', async () => {
    await canary.apply(target, { v1: 100, v2: 0, v3: 0 })
    demo.setFault('reviews-v3', { errorRate: 0.6 })
    try {
      const started = await canary.start(target, 'v1', 'v3', { steps: [50, 100], intervalSeconds: 4, analysis: thresholds })
      await until('the first step analysing', () => latest(started.spec.id)?.phase === 'analysing', 60_000)
      // A local process posting well-formed JSON with current times, all through the window: the
      // collector cannot tell it from a workload, but the clients' load reports still count what
      // really happened.
      const deciding = (): boolean => ['promoted', 'rolledBack', 'paused'].includes(latest(started.spec.id)?.phase ?? '')
      while (!deciding()) {
        const response = await fetch(traces.collector.otlpUrl, { method: 'POST', body: JSON.stringify(forgedOtlpCalls(300, Date.now())), headers: { 'Content-Type': 'application/json' } })
        expect(((await response.json()) as { partialSuccess: object }).partialSuccess).toEqual({})
        await new Promise((resolve) => setTimeout(resolve, 500))
      }
      const paused = latest(started.spec.id)!
      expect(paused.phase, JSON.stringify(paused.timeline)).toBe('paused')
      const reason = paused.timeline.at(-1)!
      expect(reason.detail).toMatch(/^Paused: The sources disagree: spans count \d+ requests to the canary, load reports \d+\./)
      expect(reason.metrics?.readings?.spans?.requests).toBeGreaterThan(1000)
      expect(reason.metrics?.readings?.loadReports?.errorRate).toBeGreaterThan(thresholds.maxErrorRate)
      expect(weights()).toEqual({ v1: 50, v2: 0, v3: 50 })
      await canary.control(started.spec.id, 'abort')
      expect(weights()).toEqual({ v1: 100, v2: 0, v3: 0 })
    } finally {
      demo.setFault('reviews-v3', { errorRate: 0 })
    }
  }, 150_000)

  it('resumes a rollout after a restart by writing its current step again', async () => {
    const started = await canary.start(target, 'v1', 'v2', { steps: [20, 60, 100], intervalSeconds: 60, analysis: thresholds })
    await until('the first step analysing', () => latest(started.spec.id)?.phase === 'analysing', 60_000)
    canary.dispose() // Meshdeck exits mid-rollout
    await canary.apply(target, { v1: 100, v2: 0, v3: 0 }).catch(() => undefined) // someone moves the weights meanwhile
    canary = newRuntime()
    const [resumed] = await canary.resume()
    expect(resumed?.spec.id).toBe(started.spec.id)
    expect(resumed?.timeline.at(-1)?.what).toBe('resumedAfterRestart')
    expect(weights()).toEqual({ v1: 80, v2: 20, v3: 0 })
    await until('ACK after the restart', () => latest(started.spec.id)?.phase === 'analysing', 60_000)
    const aborted = await canary.control(started.spec.id, 'abort')
    expect(aborted.phase).toBe('aborted')
    expect(weights()).toEqual({ v1: 100, v2: 0, v3: 0 })
  }, 150_000)
})
