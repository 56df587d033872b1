import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RolloutStateDto } from '@shared/contract/canary'
import { createMeshdeck, type Meshdeck } from '../../src/main/app/meshdeck'
import { startTestPrometheus, type TestPrometheus } from '../support/prometheus'
import { waitFor } from '../support/wait'

// Rollouts whose analysis reads a real Prometheus, as Flagger's does: the demo's workloads serve
// Istio's metrics, Debian's Prometheus scrapes them through the file_sd file Meshdeck writes, and
// each step's checks are PromQL over the step interval on the canary's destination_version.
const dir = mkdtempSync(join(tmpdir(), 'meshdeck-prom-canary-'))
const kubeconfig = join(dir, 'config')
writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncontexts: []\n')
const target = { namespace: 'demo', name: 'reviews', route: { name: 'reviews-canary' } }
const analysis = { maxErrorRate: 0.05, maxP99Ms: 2000, minRequests: 5 }

let meshdeck: Meshdeck
let prometheus: TestPrometheus
const updates: RolloutStateDto[] = []
const latest = (id: string): RolloutStateDto | undefined => [...updates].reverse().find((u) => u.spec.id === id)
const finished = (id: string) => waitFor(`rollout ${id} to finish or pause`, () => ['promoted', 'rolledBack', 'paused'].includes(latest(id)?.phase ?? '') && latest(id), 120_000, 200)

beforeAll(async () => {
  meshdeck = await createMeshdeck({ mode: 'web', kubeconfig, dataDir: dir, demo: true, xdsPort: 0, tracesPort: 0 })
  meshdeck.bus.subscribe((name, payload) => {
    if (name === 'rollout.changed') updates.push(payload as RolloutStateDto)
  })
  await meshdeck.router.invoke('demo.setLoad', { rps: 30 })
  prometheus = await startTestPrometheus({ fileSd: [join(dir, 'prometheus', 'demo-targets.json')] })
  await meshdeck.router.invoke('prometheus.setUrl', { url: prometheus.url })
  await waitFor(
    'Prometheus to see reviews answering',
    async () => ((await meshdeck.router.invoke('prometheus.query', { query: 'sum(increase(istio_requests_total{reporter="destination",destination_service="reviews.demo.svc.cluster.local"}[10s]))' })).value ?? 0) > 10,
    90_000,
    500,
  )
}, 180_000)

afterAll(async () => {
  await meshdeck?.dispose()
  await prometheus?.dispose()
  rmSync(dir, { recursive: true, force: true })
})

describe('rollouts analysed from Prometheus', () => {
  it('promotes a healthy canary on Flagger-style checks and a PromQL check of its own, each number from Prometheus', async () => {
    const started = await meshdeck.router.invoke('rollout.start', {
      target,
      stable: 'v1',
      canary: 'v3',
      plan: {
        steps: [50, 100],
        intervalSeconds: 5,
        metricsFrom: 'prometheus',
        analysis: {
          ...analysis,
          checks: [{ name: 'canary rps', query: 'sum(rate(istio_requests_total{reporter="destination",destination_service="{{ service }}",destination_version="{{ target }}"}[{{ interval }}]))', min: 1 }],
        },
      },
    })
    const done = await finished(started.spec.id)
    expect(done.phase).toBe('promoted')
    const passed = done.timeline.filter((t) => t.what === 'passed')
    expect(passed).toHaveLength(2)
    for (const entry of passed) {
      expect(entry.metrics?.sources).toEqual({ requests: 'prometheus', errorRate: 'prometheus', p99Ms: 'prometheus' })
      expect(entry.metrics?.requests).toBeGreaterThanOrEqual(5)
      expect(entry.metrics?.checks?.[0]).toMatchObject({ name: 'canary rps', query: expect.stringContaining('destination_version="v3"') })
      expect(entry.metrics?.checks?.[0]?.value).toBeGreaterThan(1)
    }
    // Back to the seeded split for the next rollout.
    await meshdeck.router.invoke('canary.apply', { target, weights: { v1: 80, v2: 10, v3: 10 } })
  }, 150_000)

  it('rolls back a canary failing 30 % of its calls, naming the metric and its value', async () => {
    await meshdeck.router.invoke('demo.setFault', { workload: 'reviews-v2', errorRate: 0.3, latencyMs: 0 })
    const started = await meshdeck.router.invoke('rollout.start', { target, stable: 'v1', canary: 'v2', plan: { steps: [50, 100], intervalSeconds: 5, analysis } })
    const done = await finished(started.spec.id)
    expect(done.phase).toBe('rolledBack')
    expect(done.failure).toMatchObject({ metric: 'errorRate', threshold: 0.05 })
    expect(done.failure!.value).toBeGreaterThan(0.15)
    expect(done.failure!.value).toBeLessThan(0.45)
    expect(done.failure!.message).toMatch(/^Error rate \d+\.\d% is above the 5\.0% limit\.$/)
    // auto found the demo's Prometheus (a URL is set) and read it.
    expect(done.timeline.find((t) => t.what === 'failed')?.metrics?.sources?.errorRate).toBe('prometheus')
    await meshdeck.router.invoke('demo.setFault', { workload: 'reviews-v2', errorRate: 0, latencyMs: 0 })
  }, 150_000)

  it('pauses, never passes, on a check with no data and on a query Prometheus refuses, saying which', async () => {
    const noData = await meshdeck.router.invoke('rollout.start', {
      target,
      stable: 'v1',
      canary: 'v3',
      plan: { steps: [50, 100], intervalSeconds: 3, analysis: { ...analysis, checks: [{ name: 'gone', query: 'sum(rate(istio_requests_total{destination_service="nowhere"}[{{ interval }}]))', min: 0 }] } },
    })
    const paused = await finished(noData.spec.id)
    expect(paused.phase).toBe('paused')
    expect(paused.timeline.at(-1)?.detail).toMatch(/check "gone": No data for sum\(rate\(istio_requests_total\{destination_service="nowhere"\}\[3s\]\)\): it returned no series/)
    expect(paused.timeline.some((t) => t.what === 'passed')).toBe(false)
    await meshdeck.router.invoke('rollout.control', { id: noData.spec.id, action: 'abort' })

    const malformed = await meshdeck.router.invoke('rollout.start', {
      target,
      stable: 'v1',
      canary: 'v3',
      plan: { steps: [50, 100], intervalSeconds: 3, analysis: { ...analysis, checks: [{ name: 'typo', query: 'sum(rate(istio_requests_total[{{ interval }}]', max: 1 }] } },
    })
    const refused = await finished(malformed.spec.id)
    expect(refused.phase).toBe('paused')
    expect(refused.timeline.at(-1)?.detail).toMatch(/check "typo": Prometheus refused the query .*parse error/)
    await meshdeck.router.invoke('rollout.control', { id: malformed.spec.id, action: 'abort' })
  }, 150_000)

  it('refuses a check with an unknown template variable before anything is written', async () => {
    await expect(
      meshdeck.router.invoke('rollout.start', { target, stable: 'v1', canary: 'v3', plan: { steps: [100], intervalSeconds: 3, analysis: { ...analysis, checks: [{ name: 'x', query: 'up{pod="{{ pod }}"}', max: 1 }] } } }),
    ).rejects.toMatchObject({ code: 'invalid_plan', message: expect.stringContaining('unknown variable {{ pod }}') })
  })

  it('pauses with the reason when Prometheus is gone', async () => {
    await prometheus.dispose()
    const started = await meshdeck.router.invoke('rollout.start', { target, stable: 'v1', canary: 'v3', plan: { steps: [50, 100], intervalSeconds: 3, analysis } })
    const paused = await finished(started.spec.id)
    expect(paused.phase).toBe('paused')
    expect(paused.timeline.at(-1)?.detail).toMatch(/Cannot reach Prometheus at http:\/\/127\.0\.0\.1:\d+: nothing listens there/)
    await meshdeck.router.invoke('rollout.control', { id: started.spec.id, action: 'abort' })
  }, 60_000)
})
