import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { DemoLoad } from '@shared/contract'
import { startDemoMesh, type DemoMesh } from '../../src/main/demo/io'
import { startControlPlane, type ControlPlane } from '../../src/main/xds/io'
import { isAlive, waitFor } from '../support/wait'

// The whole local mesh for real: Meshdeck's embedded control plane serving the demo's Istio YAML,
// and the demo workloads as proxyless grpc-js-xds clients and XdsServers in child processes.
const dir = mkdtempSync(join(tmpdir(), 'meshdeck-demo-mesh-'))
const meshDir = join(dir, 'mesh')


const until = <T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 60_000): Promise<T> => waitFor(what, probe, timeoutMs, 200)

/** The local addresses listening on a TCP port, read from the kernel's socket tables (Linux). */
function listeningAddresses(port: number): string[] {
  const out: string[] = []
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/)
      if (!local || state !== '0A') continue
      const [hexAddress, hexPort] = local.split(':')
      if (parseInt(hexPort ?? '', 16) !== port) continue
      out.push(hexAddress === '0100007F' ? '127.0.0.1' : (hexAddress ?? ''))
    }
  }
  return out
}

/** Load counted between two snapshots. */
function delta(before: DemoLoad, after: DemoLoad): { ok: number; failed: number; byReviews: Record<string, number>; byCode: Record<string, number> } {
  const diff = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(Object.keys(b).map((k) => [k, (b[k] ?? 0) - (a[k] ?? 0)]))
  return {
    ok: after.ok - before.ok,
    failed: after.failed - before.failed,
    byReviews: diff(before.okByReviews, after.okByReviews),
    byCode: diff(before.failedByCode, after.failedByCode),
  }
}

describe('the demo mesh on the embedded control plane', () => {
  let cp: ControlPlane
  let demo: DemoMesh
  const load = (): DemoLoad => demo.status().load as DemoLoad
  const window = async (requests: number): Promise<ReturnType<typeof delta>> => {
    // The load generator reports once a second: let a report from after the change arrive first.
    await new Promise((r) => setTimeout(r, 1_500))
    const before = load()
    return until(`${requests} requests`, () => {
      const d = delta(before, load())
      return d.ok + d.failed >= requests && d
    })
  }

  afterAll(async () => {
    await demo?.dispose()
    await cp?.dispose()
    rmSync(dir, { recursive: true, force: true })
  })

  it('serves every workload through xDS and the load generator gets answers', async () => {
    cp = await startControlPlane({ meshDir })
    demo = await startDemoMesh({ controlPlaneAddress: cp.address, meshDir, rps: 40 })
    // Generous: seven Node processes load grpc-js on a shared two-core machine.
    await until('every workload serving', () => demo.status().workloads.every((w) => w.state === 'running'), 150_000)
    // Every workload is a connected xDS client of the control plane.
    // (A workload serves as soon as it listens; its ADS stream may still be opening.)
    await until('every workload an xDS client', () => cp.clients().length >= 7)
    expect(cp.clients().length).toBeGreaterThanOrEqual(7)
    await until('pages served', () => load().ok > 0)
  }, 180_000)

  it('keeps every workload on loopback only (no unauthenticated port on the network)', () => {
    for (const w of demo.status().workloads.filter((x) => x.port !== null)) {
      expect(listeningAddresses(w.port as number)).toEqual(['127.0.0.1'])
    }
  })

  it('splits reviews 80/10/10 across v1/v2/v3 as the VirtualService says', async () => {
    const d = await window(300)
    expect(d.failed).toBe(0)
    const total = d.ok
    const share = (name: string) => (d.byReviews[name] ?? 0) / total
    expect(share('reviews-v1')).toBeGreaterThan(0.65)
    expect(share('reviews-v1')).toBeLessThan(0.93)
    expect(share('reviews-v2')).toBeGreaterThan(0.02)
    expect(share('reviews-v3')).toBeGreaterThan(0.02)
  })

  it('follows an edited VirtualService: all traffic to v3', async () => {
    const file = join(meshDir, 'demo-reviews-routing.yaml')
    const routing = readFileSync(file, 'utf8').replace('weight: 80', 'weight: 0').replace(/subset: v2 }\n(\s+)weight: 10/, 'subset: v2 }\n$1weight: 0').replace(/subset: v3 }\n(\s+)weight: 10/, 'subset: v3 }\n$1weight: 100')
    expect(routing).toContain('weight: 100')
    writeFileSync(file, routing)
    await cp.refresh()
    const d = await window(100)
    expect(d.byReviews['reviews-v3']).toBe(d.ok)
    expect(d.ok).toBeGreaterThanOrEqual(100)
  })

  it('shows failures when a workload fault knob is turned, and recovers when it is turned back', async () => {
    demo.setFault('reviews-v3', { errorRate: 1, errorCode: 'RESOURCE_EXHAUSTED', latencyMs: 0 })
    const failing = await window(60)
    expect(failing.ok).toBe(0)
    expect(failing.byCode['RESOURCE_EXHAUSTED']).toBe(failing.failed)
    demo.setFault('reviews-v3', { errorRate: 0 })
    const healed = await window(60)
    expect(healed.failed).toBe(0)
  })

  it('leaves no workload process behind when stopped', async () => {
    const pids = demo.status().workloads.map((w) => w.pid as number)
    await demo.dispose()
    expect(pids.filter(isAlive)).toEqual([])
  })
})
