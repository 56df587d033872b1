import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { DemoLoad, XdsClient } from '@shared/contract'
import { startDemoMesh, type DemoMesh } from '../../src/main/demo/io'
import { startControlPlane, type ControlPlane } from '../../src/main/xds/io'
import { waitFor } from '../support/wait'

// A mesh file deleted and restored a few seconds later, with the real demo workloads (grpc-js-xds
// clients and XdsServers in child processes). grpc-js-xds keeps a deleted Listener or Cluster as
// "does not exist" and, when the very same resource comes back, sees no change and never uses it
// again: the whole demo stayed UNAVAILABLE until every workload restarted, while every page said
// SYNCED. Bootstraps now declare ignore_resource_deletion (gRFC A53), and the control plane shows
// a client that asks for a resource it does not serve as NOT SERVED.
const dir = mkdtempSync(join(tmpdir(), 'meshdeck-demo-restore-'))
const meshDir = join(dir, 'mesh')
const servicesFile = join(meshDir, 'demo-services.yaml')

const until = <T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 60_000): Promise<T> => waitFor(what, probe, timeoutMs, 200)

function delta(before: DemoLoad, after: DemoLoad): { ok: number; failed: number; byCode: Record<string, number> } {
  const byCode = Object.fromEntries(Object.keys(after.failedByCode).map((k) => [k, (after.failedByCode[k] ?? 0) - (before.failedByCode[k] ?? 0)]))
  return { ok: after.ok - before.ok, failed: after.failed - before.failed, byCode }
}

const notServed = (clients: XdsClient[]): string[] =>
  clients.flatMap((c) => c.types.filter((t) => t.status === 'NOT SERVED').map((t) => `${c.nodeId.split('~')[2] ?? c.nodeId} ${t.type}`))

describe('a demo mesh file deleted and restored', () => {
  let cp: ControlPlane
  let demo: DemoMesh
  const load = (): DemoLoad => demo.status().load as DemoLoad

  afterAll(async () => {
    await demo?.dispose()
    await cp?.dispose()
    rmSync(dir, { recursive: true, force: true })
  })

  it('starts the demo mesh with every page served', async () => {
    cp = await startControlPlane({ meshDir })
    demo = await startDemoMesh({ controlPlaneAddress: cp.address, meshDir, rps: 30 })
    await until('every workload serving', () => demo.status().workloads.every((w) => w.state === 'running'), 150_000)
    await until('pages served', () => load().ok > 20)
  }, 180_000)

  it('shows NOT SERVED while the file is gone, and serves every page again once it is back, without a restart', async () => {
    const pids = demo.status().workloads.map((w) => w.pid)
    const text = readFileSync(servicesFile, 'utf8')
    unlinkSync(servicesFile)
    await cp.refresh()
    // Clients lose their services' Listeners and Clusters, servers their own Listener (it follows
    // the ServiceEntry's port). They still ask for them: not SYNCED but NOT SERVED, with the names.
    const expected = ['frontend-v1.demo LDS', 'frontend-v1.demo CDS', 'details-v1.demo LDS']
    await until(`${expected.join(', ')} NOT SERVED`, () => expected.every((e) => notServed(cp.clients()).includes(e)), 10_000)
    const detailsListener = cp.clients().find((c) => c.nodeId.includes('details-v1'))?.types.find((t) => t.type === 'LDS')
    expect(detailsListener?.notServed?.[0]).toMatch(/^grpc\/server\?xds\.resource\.listening_address=127\.0\.0\.1:\d+$/)
    await new Promise((resolve) => setTimeout(resolve, 4_000))
    writeFileSync(servicesFile, text)
    await cp.refresh()
    await until('every client SYNCED again', () => notServed(cp.clients()).length === 0, 10_000)
    // Pages succeed again: a window of 60 requests after the restore, none failing.
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    const recovered = await waitFor(
      'a clean window of 60 pages after the restore',
      () => {
        const before = load()
        return new Promise<ReturnType<typeof delta> | false>((resolve) =>
          setTimeout(() => {
            const d = delta(before, load())
            resolve(d.ok + d.failed >= 60 && d.failed === 0 && d)
          }, 3_000),
        )
      },
      30_000,
      0,
    )
    expect(recovered.failed).toBe(0)
    // Nothing was restarted to get there.
    expect(demo.status().workloads.map((w) => w.pid)).toEqual(pids)
  }, 90_000)
})
