import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { afterAll, describe, expect, it } from 'vitest'
import { createMeshdeck, type Meshdeck } from '../../src/main/app/meshdeck'
import { demoWorkloads } from '../../src/main/demo'
import { waitFor } from '../support/wait'

// The whole capability on the real demo: `createMeshdeck({ demo: true })` issues every workload a
// certificate before it starts, a PeerAuthentication edit to STRICT turns the running demo to
// mTLS through the embedded control plane, and the status says so per workload and per call.
const dir = mkdtempSync(join(tmpdir(), 'meshdeck-demo-mtls-'))
const kubeconfig = join(dir, 'config')
writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncontexts: []\n')

const until = <T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 40_000): Promise<T> => waitFor(what, probe, timeoutMs, 200)

describe('mTLS on the demo mesh', () => {
  let meshdeck: Meshdeck
  afterAll(async () => {
    await meshdeck?.dispose()
    rmSync(dir, { recursive: true, force: true })
  })

  it('gives every workload its certificate, then serves mutual TLS once the demo namespace is STRICT', async () => {
    meshdeck = await createMeshdeck({ mode: 'web', kubeconfig, dataDir: dir, demo: true, xdsPort: 0, tracesPort: 0 })
    const { certificates } = await meshdeck.router.invoke('security.certificates', {})
    expect(certificates.map((c) => c.workload).sort()).toEqual(demoWorkloads.map((w) => `demo/${w.name}`).sort())
    expect(certificates.find((c) => c.workload === 'demo/reviews-v2')?.spiffeId).toBe('spiffe://cluster.local/ns/demo/sa/reviews')

    // Seeded PERMISSIVE: plaintext, and traffic flows.
    const okAt = async (): Promise<number> => (await meshdeck.router.invoke('demo.status', {})).load?.ok ?? 0
    await until('the demo to answer', async () => (await okAt()) > 5)
    const permissive = await meshdeck.router.invoke('security.mtlsStatus', {})
    expect(permissive.workloads.find((w) => w.name === 'ratings-v1')?.ports[0]).toMatchObject({ mode: 'PERMISSIVE', serves: 'plaintext' })

    const meshDir = join(dir, 'demo-mesh')
    writeFileSync(
      join(meshDir, 'demo-peer-authentication.yaml'),
      'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: { name: default, namespace: demo }\nspec: { mtls: { mode: STRICT } }\n',
    )
    await meshdeck.controlPlane.running().refresh()
    const strict = await until('every observed call to be mutual TLS', async () => {
      const s = await meshdeck.router.invoke('security.mtlsStatus', {})
      const served = s.edges.filter((e) => e.callerWorkload !== null)
      const callers = new Set(served.map((e) => e.callerWorkload))
      // reviews v2/v3 call ratings at a tenth of the load each, so they show up in fewer reports.
      const all = callers.has('demo/loadgen') && callers.has('demo/frontend-v1') && (callers.has('demo/reviews-v2') || callers.has('demo/reviews-v3'))
      return all && served.every((e) => e.mtls === true) ? s : undefined
    })
    expect(strict.workloads.filter((w) => w.ports.length > 0).every((w) => w.ports.every((p) => p.mode === 'STRICT' && p.serves === 'mtls'))).toBe(true)
    expect(strict.workloads.find((w) => w.name === 'reviews-v1')?.certificate?.spiffeId).toBe('spiffe://cluster.local/ns/demo/sa/reviews')
    expect(strict.edges.find((e) => e.callerWorkload === 'demo/frontend-v1' && e.host === 'reviews.demo.svc.cluster.local')).toMatchObject({ clientMtls: true, serverMtls: true, synced: true, mtls: true })

    // And the application still answers, now over mTLS.
    const before = await okAt()
    await until('calls to keep succeeding over mTLS', async () => (await okAt()) > before + 10)
  })
})
