import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse, stringify } from 'yaml'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { EventName } from '../../src/shared/contract'
import { createMeshdeck } from '../../src/main/app/meshdeck'
import { clusterSourceFactories } from '../../src/main/xds/io'
import { KubeClient } from '../../src/main/cluster/io'
import { startControlPlane, type ControlPlane, type ControlPlaneEvent } from '../../src/main/xds/io'
import { adminKubeConfig, freePort, installIstioCrds, TestCluster } from '../cluster'
import { seedReviewsService } from '../support/kube-mesh-fixtures'
import { callMany, countBy, eventually, startBackend, xdsClient, type Backend, type CallOutcome, type XdsTestClient } from '../support/xds-grpc'
import { destinationRuleYaml, serviceEntryYaml, virtualServiceYaml, workloadEntryYaml } from '../support/xds-mesh-fixtures'
import { createMeshDir, type MeshDir } from '../support/xds-mesh-dir'

// Real parts only: kube-apiserver v1.20 + etcd with Istio's CRDs, a watched mesh folder, the control
// plane switching between them while real grpc-js-xds clients stay connected.
// The folder sends every call of reviews:9080 to the "folder" backend; the cluster splits the same
// name 25/75 between its v1 and v2 EndpointSlices by a VirtualService.
const ns = 'shop'

let cluster: TestCluster
let kube: KubeClient
let meshDir: MeshDir
let kubeconfigDir: string
/** The test cluster's kubeconfig plus a context "gone" whose API server nobody listens on. */
let kubeconfigPath: string
let folder: Backend
let v1: Backend
let v2: Backend
const clients: XdsTestClient[] = []

const split = (outcomes: readonly CallOutcome[]): Record<string, number> => countBy(outcomes, (o) => o.backend ?? `error ${o.code}`)
const numeric = (version: string | null | undefined): number => Number.parseInt(version ?? '0', 10)

function client(plane: ControlPlane, nodeId: string): XdsTestClient {
  const c = xdsClient('reviews:9080', plane.bootstrap({ nodeId, cluster: 'test' }))
  clients.push(c)
  return c
}

/** The node's one ADS stream: its id, when it connected, and the RDS version it last ACKed. */
function streamOf(plane: ControlPlane, nodeId: string): { streamId: string; connectedSince: string; rdsAcked: string | null } | undefined {
  const streams = plane.clients().filter((c) => c.nodeId === nodeId)
  if (streams.length !== 1) return undefined
  const [stream] = streams
  if (!stream) return undefined
  return { streamId: stream.streamId, connectedSince: stream.connectedSince, rdsAcked: stream.types.find((t) => t.type === 'RDS')?.ackedVersion ?? null }
}

async function writeKubeconfigWithUnreachableContext(): Promise<string> {
  const config = parse(readFileSync(cluster.kubeconfigPath, 'utf8')) as { clusters: unknown[]; contexts: unknown[]; users: unknown[] }
  const closed = await freePort()
  config.clusters.push({ name: 'gone', cluster: { server: `https://127.0.0.1:${closed}`, 'insecure-skip-tls-verify': true } })
  config.users.push({ name: 'gone', user: { token: 'unused' } })
  config.contexts.push({ name: 'gone', context: { cluster: 'gone', user: 'gone' } })
  const path = join(kubeconfigDir, 'config')
  await writeFile(path, stringify(config), { mode: 0o600 })
  return path
}

/** Calls until every one of a batch lands on the expected backends, i.e. the client converged. */
async function convergedTo(c: XdsTestClient, backends: string[], what: string): Promise<void> {
  await eventually(async () => (Object.keys(split(await callMany(c, 40, 10))).sort().join() === [...backends].sort().join() ? true : undefined), 10_000, what)
}

function expectClusterWeights(counts: Record<string, number>, total: number): void {
  expect(Object.keys(counts).sort()).toEqual(['v1', 'v2'])
  // 25/75 over `total` calls: ±8 points is more than four standard deviations.
  expect(Math.abs(((counts.v1 ?? 0) / total) * 100 - 25)).toBeLessThanOrEqual(8)
}

beforeAll(async () => {
  ;[cluster, folder, v1, v2, meshDir] = await Promise.all([TestCluster.start(), startBackend({ name: 'folder' }), startBackend({ name: 'v1' }), startBackend({ name: 'v2' }), createMeshDir()])
  kubeconfigDir = await mkdtemp(join(tmpdir(), 'meshdeck-switch-'))
  kubeconfigPath = await writeKubeconfigWithUnreachableContext()
  await meshDir.write('reviews.yaml', [
    serviceEntryYaml({ name: 'reviews', namespace: ns, host: `reviews.${ns}.svc.cluster.local`, port: 9080 }),
    workloadEntryYaml({ name: 'reviews-folder', namespace: ns, app: 'reviews', version: 'folder', port: folder.port }),
  ])
  kube = new KubeClient(adminKubeConfig(cluster))
  await installIstioCrds(adminKubeConfig(cluster))
  await seedReviewsService(kube, ns, { v1, v2 })
  await kube.json('POST', `/apis/networking.istio.io/v1/namespaces/${ns}/destinationrules`, destinationRuleYaml({ name: 'reviews', namespace: ns, host: 'reviews', subsets: ['v1', 'v2'] }))
  await kube.json(
    'POST',
    `/apis/networking.istio.io/v1/namespaces/${ns}/virtualservices`,
    virtualServiceYaml({
      name: 'reviews',
      namespace: ns,
      hosts: ['reviews'],
      http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 25 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 75 }] }],
    }),
  )
})

afterEach(() => {
  for (const c of clients.splice(0)) c.close()
})

afterAll(async () => {
  await Promise.all([folder, v1, v2].map((b) => b?.dispose()))
  await meshDir?.dispose()
  if (kubeconfigDir) await rm(kubeconfigDir, { recursive: true, force: true })
  await cluster?.stop()
})

describe('switching what the control plane serves, with clients connected', () => {
  it('moves a connected client from the folder to the cluster on its same stream, refuses an unreachable context while the folder keeps serving, and switches back', async () => {
    const plane = await startControlPlane({ meshDir: meshDir.dir })
    try {
      const c = client(plane, 'switch-1')
      expect(split(await callMany(c, 30, 10))).toEqual({ folder: 30 })
      const before = await eventually(() => streamOf(plane, 'switch-1'), 5000, 'the client to ACK')
      const port = plane.port
      const events: ControlPlaneEvent[] = []
      const subscription = plane.onEvent((e) => (e.kind === 'applied' || e.kind === 'sourcesChanged') && events.push(e))

      // Folder → cluster: one push, the same stream, a higher version, the cluster's weights.
      const admin = clusterSourceFactories('admin', kubeconfigPath)
      await plane.useSources({ source: admin.source, endpoints: admin.endpoints })
      expect(plane.status()).toMatchObject({ meshDir: null, configSource: { kind: 'cluster', name: 'admin' }, endpointSource: { kind: 'cluster', name: 'admin' } })
      expect(plane.snapshot().virtualServices.map((vs) => `${vs.namespace}/${vs.name}`)).toEqual([`${ns}/reviews`])
      await convergedTo(c, ['v1', 'v2'], 'the client to follow the cluster')
      const counts = split(await callMany(c, 600))
      expectClusterWeights(counts, 600)
      expect(counts.folder).toBeUndefined()
      const onCluster = await eventually(() => {
        const s = streamOf(plane, 'switch-1')
        return s && numeric(s.rdsAcked) > numeric(before.rdsAcked) ? s : undefined
      }, 5000, 'the new version to be ACKed')
      expect(onCluster.streamId).toBe(before.streamId)
      expect(onCluster.connectedSince).toBe(before.connectedSince)
      expect(plane.port).toBe(port)
      expect(events.filter((e) => e.kind === 'applied')).toHaveLength(1)
      expect(events.find((e) => e.kind === 'sourcesChanged')).toMatchObject({ configSource: { kind: 'cluster', name: 'admin' } })

      // Back to the folder, then an unreachable context: refused with the cause, the folder keeps serving.
      await plane.useSources({ meshDir: meshDir.dir })
      expect(plane.status()).toMatchObject({ meshDir: meshDir.dir, configSource: { kind: 'directory' }, endpointSource: null })
      await convergedTo(c, ['folder'], 'the client to follow the folder again')
      const onFolder = await eventually(() => {
        const s = streamOf(plane, 'switch-1')
        return s && numeric(s.rdsAcked) > numeric(onCluster.rdsAcked) ? s : undefined
      }, 5000, 'the folder version to be ACKed')
      expect(onFolder.streamId).toBe(before.streamId)
      const versionOnFolder = plane.status().servedVersion

      const gone = clusterSourceFactories('gone', kubeconfigPath)
      await expect(plane.useSources({ source: gone.source, endpoints: gone.endpoints })).rejects.toMatchObject({
        code: 'cluster_unreachable',
        message: expect.stringContaining(`keeps serving the folder ${meshDir.dir}`),
        hint: expect.stringContaining('cluster is running'),
      })
      expect(plane.status()).toMatchObject({ servedVersion: versionOnFolder, meshDir: meshDir.dir, configSource: { kind: 'directory' }, endpointSource: null })
      expect(split(await callMany(c, 50, 10))).toEqual({ folder: 50 })
      expect(streamOf(plane, 'switch-1')?.streamId).toBe(before.streamId)
      // The folder is still watched: an edit after the refusal reaches the client.
      await meshDir.write('reviews.yaml', [
        serviceEntryYaml({ name: 'reviews', namespace: ns, host: `reviews.${ns}.svc.cluster.local`, port: 9080 }),
        workloadEntryYaml({ name: 'reviews-folder', namespace: ns, app: 'reviews', version: 'v2', port: v2.port }),
      ])
      await convergedTo(c, ['v2'], 'the folder edit to be served')
      subscription.dispose()
    } finally {
      await plane.dispose()
      await meshDir.write('reviews.yaml', [
        serviceEntryYaml({ name: 'reviews', namespace: ns, host: `reviews.${ns}.svc.cluster.local`, port: 9080 }),
        workloadEntryYaml({ name: 'reviews-folder', namespace: ns, app: 'reviews', version: 'folder', port: folder.port }),
      ])
    }
  })

  it('switches through the API by context name, tells the renderer, and refuses unreachable or unknown contexts with the cause', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'meshdeck-switch-api-'))
    const meshdeck = await createMeshdeck({ mode: 'web', dataDir, kubeconfig: kubeconfigPath, meshDir: meshDir.dir, xdsPort: 0, tracesPort: 0 })
    const seen: { name: EventName; payload: unknown }[] = []
    const subscription = meshdeck.bus.subscribe((name, payload) => void seen.push({ name, payload }))
    try {
      const plane = meshdeck.controlPlane.running()
      const c = client(plane, 'switch-api')
      expect(split(await callMany(c, 20, 5))).toEqual({ folder: 20 })

      const toCluster = await meshdeck.router.call('controlPlane.useSource', { config: 'cluster', context: 'admin' })
      expect(toCluster.ok && toCluster.result).toMatchObject({ state: 'running', meshDir: null, configSource: { kind: 'cluster', name: 'admin' }, endpointSource: { kind: 'cluster', name: 'admin' } })
      expect(seen.find((e) => e.name === 'controlPlane.sourceChanged')?.payload).toMatchObject({ configSource: { kind: 'cluster', name: 'admin' } })
      await convergedTo(c, ['v1', 'v2'], 'the client to follow the cluster')
      expectClusterWeights(split(await callMany(c, 400)), 400)
      // A rollout step on that context now waits for this control plane's clients to ACK.
      expect((await meshdeck.router.call('clusters.connect', { context: 'admin' })).ok).toBe(true)
      const propagation = async (): Promise<unknown> => {
        const targets = await meshdeck.router.call('canary.targets', { context: 'admin' })
        return targets.ok ? (targets.result as { targets: { propagation: string | null }[] }).targets[0]?.propagation : targets.error
      }
      expect(await propagation()).toContain("every client of Meshdeck's control plane has ACKed")

      const unreachable = await meshdeck.router.call('controlPlane.useSource', { config: 'cluster', context: 'gone' })
      expect(unreachable.ok ? null : unreachable.error).toMatchObject({ code: 'cluster_unreachable', message: expect.stringContaining('keeps serving context "admin"'), hint: expect.any(String) })
      const unknown = await meshdeck.router.call('controlPlane.useSource', { config: 'cluster', context: 'nope' })
      expect(unknown.ok ? null : unknown.error).toMatchObject({ code: expect.any(String), message: expect.stringContaining('nope'), hint: expect.any(String) })
      expectClusterWeights(split(await callMany(c, 400)), 400)

      // The folder's config over the cluster's endpoints: its ServiceEntry host wins over the Service of that name.
      const folderOverCluster = await meshdeck.router.call('controlPlane.useSource', { config: 'folder', endpoints: { from: 'cluster', context: 'admin' } })
      expect(folderOverCluster.ok && folderOverCluster.result).toMatchObject({ meshDir: meshDir.dir, configSource: { kind: 'directory' }, endpointSource: { kind: 'cluster', name: 'admin' } })
      await convergedTo(c, ['folder'], 'the client to follow the folder')
      // Back to the folder alone (endpoints default to none there).
      const toFolder = await meshdeck.router.call('controlPlane.useSource', { config: 'folder' })
      expect(toFolder.ok && toFolder.result).toMatchObject({ meshDir: meshDir.dir, configSource: { kind: 'directory' }, endpointSource: null })
      expect(await propagation()).toContain('No Meshdeck control plane serves this cluster')
      // Credentials never cross: only a context name is accepted.
      const withServer = await meshdeck.router.call('controlPlane.useSource', { config: 'cluster', context: 'admin', server: 'https://evil' } as never)
      expect(withServer.ok ? null : withServer.error).toMatchObject({ code: 'invalid_params' })
    } finally {
      subscription.dispose()
      await meshdeck.dispose()
      await rm(dataDir, { recursive: true, force: true })
    }
  })

  it('says so with a hint when Meshdeck runs without a control plane', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'meshdeck-switch-off-'))
    const meshdeck = await createMeshdeck({ mode: 'web', dataDir, kubeconfig: kubeconfigPath, xdsPort: 0, tracesPort: 0 })
    try {
      const outcome = await meshdeck.router.call('controlPlane.useSource', { config: 'cluster', context: 'admin' })
      expect(outcome.ok ? null : outcome.error).toMatchObject({ code: 'unavailable', message: expect.stringContaining('without the embedded control plane'), hint: expect.stringContaining('--mesh-dir') })
      expect(meshdeck.controlPlane.status().state).toBe('stopped')
    } finally {
      await meshdeck.dispose()
      await rm(dataDir, { recursive: true, force: true })
    }
  })

  // Last: the cluster then runs istiod for good.
  it('refuses a cluster that runs istiod, and the folder keeps serving the connected client', async () => {
    const plane = await startControlPlane({ meshDir: meshDir.dir })
    try {
      const c = client(plane, 'switch-istiod')
      expect(split(await callMany(c, 20, 5))).toEqual({ folder: 20 })
      const version = plane.status().servedVersion
      await kube.json('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } })
      await kube.json('POST', '/apis/apps/v1/namespaces/istio-system/deployments', {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'istiod', namespace: 'istio-system' },
        spec: { selector: { matchLabels: { app: 'istiod' } }, template: { metadata: { labels: { app: 'istiod' } }, spec: { containers: [{ name: 'discovery', image: 'istio/pilot' }] } } },
      })
      const admin = clusterSourceFactories('admin', kubeconfigPath)
      await expect(plane.useSources({ source: admin.source, endpoints: admin.endpoints })).rejects.toMatchObject({
        code: 'istiod_present',
        message: expect.stringContaining('keeps serving the folder'),
        hint: expect.stringContaining('istiod'),
      })
      expect(plane.status()).toMatchObject({ servedVersion: version, configSource: { kind: 'directory' }, endpointSource: null })
      expect(split(await callMany(c, 50, 10))).toEqual({ folder: 50 })
    } finally {
      await plane.dispose()
    }
  })
})
