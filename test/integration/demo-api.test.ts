import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { DemoWorkload } from '@shared/contract'
import { createMeshdeck, type Meshdeck } from '../../src/main/app/meshdeck'
import { demoWorkloads } from '../../src/main/demo'
import { isAlive, waitFor } from '../support/wait'

// The demo.* methods through Meshdeck's real router and event bus (which check every result and
// event against the contract). Two real workload processes, plain-server fallback, no control
// plane: this file is about the API, demo-mesh.test.ts about traffic.
const dir = mkdtempSync(join(tmpdir(), 'meshdeck-demo-api-'))
const kubeconfig = join(dir, 'config')
writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncontexts: []\n')


const until = <T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 90_000): Promise<T> => waitFor(what, probe, timeoutMs)

describe('the demo API', () => {
  let meshdeck: Meshdeck
  const events: DemoWorkload[] = []

  afterAll(async () => {
    await meshdeck?.dispose()
    rmSync(dir, { recursive: true, force: true })
  })

  it('says the demo is not running, with a hint, before it starts', async () => {
    meshdeck = await createMeshdeck({ mode: 'web', kubeconfig, dataDir: dir })
    meshdeck.bus.subscribe((name, payload) => {
      if (name === 'demo.workloadState') events.push(payload as DemoWorkload)
    })
    expect(await meshdeck.router.call('demo.status', {})).toEqual({
      ok: true,
      result: { running: false, meshDir: null, workloads: [], load: null },
    })
    const outcome = await meshdeck.router.call('demo.setLoad', { rps: 3 })
    expect(outcome).toMatchObject({ ok: false, error: { code: 'unavailable', hint: expect.stringContaining('meshdeck demo') } })
  })

  it('reports workloads with pids and state, and sends an event as each one changes', async () => {
    await meshdeck.demo.start({
      controlPlaneAddress: '127.0.0.1:9',
      meshDir: join(dir, 'mesh'),
      serverMode: 'plain',
      rps: 1,
      workloads: demoWorkloads.filter((w) => w.name === 'ratings-v1' || w.name === 'loadgen'),
    })
    await until('ratings running event', () => events.some((e) => e.name === 'ratings-v1' && e.state === 'running'))
    const outcome = await meshdeck.router.call('demo.status', {})
    expect(outcome.ok).toBe(true)
    const status = outcome.ok ? (outcome.result as { workloads: DemoWorkload[]; running: boolean }) : null
    expect(status?.running).toBe(true)
    const ratings = status?.workloads.find((w) => w.name === 'ratings-v1')
    expect(ratings).toMatchObject({ service: 'ratings', version: 'v1', host: 'ratings.demo.svc.cluster.local', state: 'running', restarts: 0 })
    expect(isAlive(ratings?.pid as number)).toBe(true)
  }, 120_000)

  it('turns a fault knob, shows it in the workload and its log', async () => {
    const outcome = await meshdeck.router.call('demo.setFault', { workload: 'ratings-v1', errorRate: 0.2, latencyMs: 50, errorCode: 'INTERNAL' })
    expect(outcome).toMatchObject({ ok: true, result: { name: 'ratings-v1', fault: { errorRate: 0.2, latencyMs: 50, errorCode: 'INTERNAL' } } })
    expect(events.at(-1)?.fault.errorRate).toBe(0.2)
    const logs = await until('log line', () => {
      const lines = meshdeck.demo.logs({ workload: 'ratings-v1', tail: 50 }).lines
      return lines.some((l) => l.text === 'fault knobs: error rate 0.2 (INTERNAL), latency 50 ms') && lines
    })
    expect(logs.some((l) => l.text.startsWith('serving ratings v1 on 127.0.0.1:'))).toBe(true)
  })

  it('rejects bad parameters before anything changes', async () => {
    expect(await meshdeck.router.call('demo.setFault', { workload: 'ratings-v1', errorRate: 2, latencyMs: 0 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_params', message: expect.stringContaining('errorRate') },
    })
    expect(await meshdeck.router.call('demo.setFault', { workload: 'loadgen', errorRate: 1, latencyMs: 0 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_params', hint: expect.stringContaining('reviews-v2') },
    })
    expect(meshdeck.demo.status().workloads.find((w) => w.name === 'ratings-v1')?.fault.errorRate).toBe(0.2)
  })

  it('sets the load generator rate', async () => {
    expect(await meshdeck.router.call('demo.setLoad', { rps: 3 })).toMatchObject({ ok: true, result: { rps: 3 } })
    await until('rate logged', () => meshdeck.demo.logs({ workload: 'loadgen' }).lines.some((l) => l.text === 'load: 3 rps'))
  })

  it('stops every workload process when Meshdeck is disposed', async () => {
    const pids = meshdeck.demo.status().workloads.map((w) => w.pid as number)
    expect(pids.length).toBe(2)
    await meshdeck.dispose()
    expect(pids.filter(isAlive)).toEqual([])
  })
})
