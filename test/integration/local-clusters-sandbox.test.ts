import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { LocalClusterOperation } from '@shared/contract'
import { createMeshdeck, type Meshdeck } from '../../src/main/app/meshdeck'
import { meshdeckKubeconfigPath } from '../../src/main/local-clusters/io'
import { waitFor } from '../support/wait'

// The one-click mesh sandbox on a real Docker-free cluster: Istio CRDs installed, the demo's
// workloads as local processes registered as Services + EndpointSlices, Meshdeck's control plane
// switched to serve the cluster, and traffic seen in load reports and the topology.
const dir = mkdtempSync(join(tmpdir(), 'meshdeck-sandbox-'))
const dataDir = join(dir, 'data')
const kubeconfig = join(dir, 'config')
writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncontexts: []\n')
const meshDir = join(dir, 'mesh')
mkdirSync(meshDir)

describe('the mesh sandbox on a Docker-free cluster', () => {
  let meshdeck: Meshdeck
  const operations: LocalClusterOperation[] = []
  const finished = (id: string, timeoutMs = 240_000): Promise<LocalClusterOperation> =>
    waitFor(`operation ${id}`, () => {
      const last = operations.filter((o) => o.id === id).pop()
      return last && last.state !== 'running' ? last : undefined
    }, timeoutMs)

  afterAll(async () => {
    const del = await meshdeck?.router.invoke('localClusters.delete', { provider: 'processes', name: 'sandbox' }).catch(() => null)
    if (del) await finished(del.operation.id, 30_000).catch(() => undefined)
    await meshdeck?.dispose()
    rmSync(dir, { recursive: true, force: true })
  })

  it('creates the cluster, installs the CRDs, registers the demo, serves it and sees traffic, each step shown', async () => {
    meshdeck = await createMeshdeck({ mode: 'web', kubeconfig, dataDir, meshDir, xdsPort: 0, tracesPort: 0 })
    meshdeck.bus.subscribe((name, payload) => {
      if (name === 'localClusters.operation') operations.push(payload as LocalClusterOperation)
    })
    const started = Date.now()
    const { operation } = await meshdeck.router.invoke('localClusters.sandbox', { provider: 'processes', name: 'sandbox' })
    const done = await finished(operation.id)
    expect(done.error).toBeUndefined()
    expect(done.state).toBe('succeeded')
    console.log(`sandbox ready in ${Date.now() - started} ms: ${done.steps.map((s) => `${s.id} ${s.durationMs} ms`).join(', ')}`)
    expect(done.steps.map((s) => s.state)).toEqual(done.steps.map(() => 'done'))
    // Progress was visible while it ran: each step was seen running before it was done.
    for (const step of done.steps) expect(operations.some((o) => o.id === operation.id && o.steps.some((s) => s.id === step.id && s.state === 'running'))).toBe(true)

    const status = await meshdeck.router.invoke('controlPlane.status', {})
    expect(status.configSource).toMatchObject({ kind: 'cluster', name: 'meshdeck-sandbox' })
    // The cluster holds what kubectl users would expect to see.
    const kc = ['--kubeconfig', meshdeckKubeconfigPath(dataDir), '--context', 'meshdeck-sandbox', '-n', 'demo']
    expect(execFileSync('kubectl', [...kc, 'get', 'services', '-o', 'name'], { encoding: 'utf8' }).split('\n').filter(Boolean).sort()).toEqual([
      'service/details',
      'service/frontend',
      'service/ratings',
      'service/reviews',
    ])
    expect(execFileSync('kubectl', [...kc, 'get', 'virtualservices.networking.istio.io', '-o', 'name'], { encoding: 'utf8' }).trim()).toBe('virtualservice.networking.istio.io/reviews')

    // Live traffic through the cluster-served config: reviews' subsets each answer.
    const graph = await waitFor(
      'traffic to reviews v1, v2 and v3 in the topology',
      async () => {
        const g = await meshdeck.router.invoke('topology.get', {})
        const live = g.edges.filter((e) => e.stats.rps > 0).map((e) => e.target)
        // reviews v2 and v3 call ratings: its edge shows traffic too (a few load reports later).
        return ['v1', 'v2', 'v3'].every((v) => live.some((t) => t.includes('reviews') && t.includes(v))) && live.some((t) => t.includes('ratings')) ? g : undefined
      },
      60_000,
      500,
    )
    expect(graph.edges.filter((e) => e.stats.rps > 0).length).toBeGreaterThanOrEqual(5)
  }, 300_000)

  it('is safe to run twice: a second run skips what is there and leaves the sandbox as it was', async () => {
    const { operation } = await meshdeck.router.invoke('localClusters.sandbox', { provider: 'processes', name: 'sandbox' })
    const done = await finished(operation.id, 120_000)
    expect(done.error).toBeUndefined()
    const byId = Object.fromEntries(done.steps.map((s) => [s.id, s]))
    expect(byId.binaries?.state).toBe('skipped')
    expect(byId.etcd?.state).toBe('skipped')
    expect(byId.crds).toMatchObject({ state: 'skipped', detail: 'already installed' })
    expect(byId.serve).toMatchObject({ state: 'skipped', detail: 'already serving meshdeck-sandbox' })
    expect(byId.traffic?.state).toBe('done')
    const clusters = (await meshdeck.router.invoke('localClusters.list', {})).clusters
    expect(clusters.filter((c) => c.name === 'sandbox')).toHaveLength(1)
  }, 180_000)

  it('resumes after a failure: with the cluster stopped under it, a run starts it again and carries on', async () => {
    const stop = await meshdeck.router.invoke('localClusters.stop', { provider: 'processes', name: 'sandbox' })
    expect((await finished(stop.operation.id, 30_000)).state).toBe('succeeded')
    const { operation } = await meshdeck.router.invoke('localClusters.sandbox', { provider: 'processes', name: 'sandbox' })
    const done = await finished(operation.id, 180_000)
    expect(done.error).toBeUndefined()
    const byId = Object.fromEntries(done.steps.map((s) => [s.id, s.state]))
    expect(byId).toMatchObject({ binaries: 'skipped', pki: 'skipped', etcd: 'done', 'kube-apiserver': 'done', crds: 'skipped', register: 'done', traffic: 'done' })
  }, 240_000)
})
