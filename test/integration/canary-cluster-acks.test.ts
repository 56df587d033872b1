import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CanaryTarget, RolloutStateDto } from '@shared/contract/canary'
import { createMeshdeck, type Meshdeck } from '../../src/main/app/meshdeck'
import { KubeClient } from '../../src/main/cluster/io'
import { adminKubeConfig, installIstioCrds, TestCluster } from '../cluster'
import { seedReviewsService } from '../support/kube-mesh-fixtures'
import { callMany, countBy, eventually, startBackend, xdsClient, type Backend, type XdsTestClient } from '../support/xds-grpc'
import { destinationRuleYaml, virtualServiceYaml } from '../support/xds-mesh-fixtures'

// Meshdeck's own control plane serving a real cluster (--mesh-context admin): a rollout step on
// that cluster's VirtualService waits for the control plane to read the new weights and for its
// real grpc-js-xds client to ACK them, so traffic has moved by the time the step says "acked".
// Custom resources need a kube-apiserver built with modern-go/reflect2 >= 1.0.2 (see docs/troubleshooting.md).
const ns = 'shop'
const context = 'admin'
const target = { context, namespace: ns, name: 'reviews', route: { index: 0 } }

let cluster: TestCluster
let kube: KubeClient
let meshdeck: Meshdeck
let dataDir: string
let v1: Backend
let v2: Backend
let client: XdsTestClient | undefined
const updates: RolloutStateDto[] = []
const servedAtAck: Record<string, number>[] = []

function servedWeights(): Record<string, number> {
  const vs = meshdeck.controlPlane.running().snapshot().virtualServices.find((v) => v.name === 'reviews')
  return Object.fromEntries((vs?.spec.http?.[0]?.route ?? []).map((d) => [d.destination.subset ?? d.destination.host, d.weight ?? 0]))
}

async function call<T>(method: string, params: unknown): Promise<T> {
  const outcome = await meshdeck.router.call(method, params)
  if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message} ${outcome.error.hint ?? ''}`)
  return outcome.result as T
}

beforeAll(async () => {
  ;[cluster, v1, v2] = await Promise.all([TestCluster.start(), startBackend({ name: 'v1' }), startBackend({ name: 'v2' })])
  kube = new KubeClient(adminKubeConfig(cluster))
  await installIstioCrds(adminKubeConfig(cluster))
  await seedReviewsService(kube, ns, { v1, v2 })
  await kube.json('POST', `/apis/networking.istio.io/v1/namespaces/${ns}/destinationrules`, destinationRuleYaml({ name: 'reviews', namespace: ns, host: 'reviews', subsets: ['v1', 'v2'] }))
  await kube.json(
    'POST',
    `/apis/networking.istio.io/v1/namespaces/${ns}/virtualservices?fieldManager=kubectl-client-side-apply`,
    virtualServiceYaml({ name: 'reviews', namespace: ns, hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 100 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 0 }] }] }),
  )
  dataDir = mkdtempSync(join(tmpdir(), 'meshdeck-canary-acks-'))
  meshdeck = await createMeshdeck({ mode: 'web', kubeconfig: cluster.kubeconfigPath, meshContext: context, xdsPort: 0, tracesPort: 0, dataDir })
  meshdeck.bus.subscribe((name, payload) => {
    if (name !== 'rollout.changed') return
    const state = payload as RolloutStateDto
    updates.push(state)
    // What the control plane serves at the very moment the step reports its ACK.
    if (state.timeline.at(-1)?.what === 'acked') servedAtAck.push(servedWeights())
  })
}, 120_000)

afterAll(async () => {
  client?.close()
  await meshdeck?.dispose()
  await Promise.all([v1, v2].map((b) => b?.dispose()))
  await cluster?.stop()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('cluster rollouts on the embedded control plane that serves the cluster', () => {
  it('says steps wait for ACKs, and a step is acked only once its client routes by the new weights', async () => {
    const plane = meshdeck.controlPlane.running()
    await eventually(() => (plane.snapshot().virtualServices.length === 1 ? true : undefined), 10_000, 'the VirtualService to be served')
    client = xdsClient('reviews:9080', plane.bootstrap({ nodeId: 'canary-acks-1', cluster: 'test' }))
    expect(countBy(await callMany(client, 40), (o) => o.backend ?? `error ${o.code}`)).toEqual({ v1: 40 })

    const { targets } = await call<{ targets: CanaryTarget[] }>('canary.targets', { context })
    expect(targets.find((t) => t.ref.name === 'reviews')?.propagation).toMatch(/every client of Meshdeck's control plane has ACKed/)

    const started = await call<RolloutStateDto>('rollout.start', { target, stable: 'v1', canary: 'v2', plan: { steps: [50, 100], intervalSeconds: 600, analysis: { maxErrorRate: 0.05, maxP99Ms: 500, minRequests: 1 } } })
    await eventually(() => ([...updates].reverse().find((u) => u.spec.id === started.spec.id)?.phase === 'analysing' ? true : undefined), 20_000, 'the first step to be acked')
    expect(servedAtAck[0]).toEqual({ v1: 50, v2: 50 })
    // Right after the ACK, without waiting further, the client already splits by the step's weights.
    const counts = countBy(await callMany(client, 400), (o) => o.backend ?? `error ${o.code}`)
    expect(Object.keys(counts).sort()).toEqual(['v1', 'v2'])
    expect(Math.abs((counts.v2 ?? 0) / 4 - 50)).toBeLessThanOrEqual(10)
    const syncedTypes = plane.clients().find((c) => c.nodeId === 'canary-acks-1')?.types.map((t) => t.status)
    expect(syncedTypes?.every((s) => s === 'SYNCED' || s === 'NOT SENT')).toBe(true)

    const aborted = await call<RolloutStateDto>('rollout.control', { id: started.spec.id, action: 'abort' })
    expect(aborted.phase).toBe('aborted')
    await eventually(async () => ((await callMany(client as XdsTestClient, 20)).every((o) => o.backend === 'v1') ? true : undefined), 10_000, 'traffic back on v1')
  }, 90_000)
})
