import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiError } from '@shared/contract'
import type { CanaryTarget, RolloutStateDto } from '@shared/contract/canary'
import { createMeshdeck, type Meshdeck } from '../../src/main/app/meshdeck'
import { AnalysisService } from '../../src/main/analysis/io'
import { rolloutAnnotation } from '../../src/main/canary'
import { CanaryRuntime, IstioApi } from '../../src/main/canary/io'
import { KubeClient } from '../../src/main/cluster/io/kube-client'
import { EdgeLatency } from '../../src/main/traces'
import { adminKubeConfig, installIstioCrds, TestCluster } from '../cluster'
import { seedReviewsService } from '../support/kube-mesh-fixtures'
import { waitFor } from '../support/wait'
import { destinationRuleYaml, virtualServiceYaml } from '../support/xds-mesh-fixtures'

// A real kube-apiserver with Istio's CRDs; Meshdeck talks to it through its own kubeconfig
// connection (context "admin"), the way the app does. Other writers are plain API calls with
// their own field managers, as kubectl and controllers would make them.
const context = 'admin'
const ns = 'shop'
const vsPath = (name: string): string => `/apis/networking.istio.io/v1/namespaces/${ns}/virtualservices/${name}`

type Vs = {
  metadata: { name: string; resourceVersion: string; annotations?: Record<string, string>; managedFields?: { manager?: string; operation?: string; fieldsV1?: unknown }[] }
  spec: { http: { name?: string; route: { destination: { host: string; subset?: string }; weight?: number }[]; [k: string]: unknown }[]; [k: string]: unknown }
}

let cluster: TestCluster
let kc: KubeConfig
let kube: KubeClient
let meshdeck: Meshdeck
let dataDir: string

/** What `kubectl apply -f` (client-side) sends for a new object: a create carrying last-applied, manager kubectl-client-side-apply. */
function reviewsVs(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const object = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name, namespace: ns, labels: { team: 'reviews' }, ...extra },
    spec: {
      hosts: ['reviews'],
      gateways: ['mesh'],
      exportTo: ['.'],
      // Fields Meshdeck does not model, at several depths: they must come back as they went in.
      futureTopLevel: { nested: [1, 2, 3] },
      http: [
        { name: 'admin', match: [{ uri: { prefix: '/admin' } }], route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
        {
          name: 'default',
          timeout: '3s',
          retries: { attempts: 3, perTryTimeout: '1s' },
          headers: { request: { set: { 'x-canary': 'maybe' } } },
          unknownRouteField: 'kept',
          route: [
            { destination: { host: 'reviews', subset: 'v1', port: { number: 9080 } }, weight: 90, headers: { response: { add: { via: 'v1' } } } },
            { destination: { host: 'reviews', subset: 'v2' }, weight: 10 },
          ],
        },
      ],
      tcp: [{ route: [{ destination: { host: 'reviews', port: { number: 9090 } } }] }],
    },
  }
  return object
}

async function kubectlCreate(object: Record<string, unknown>, manager = 'kubectl-client-side-apply'): Promise<Vs> {
  const meta = object.metadata as Record<string, unknown>
  const withLastApplied = { ...object, metadata: { ...meta, annotations: { ...((meta.annotations as Record<string, string>) ?? {}), 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(object) } } }
  return kube.json<Vs>('POST', `/apis/networking.istio.io/v1/namespaces/${ns}/virtualservices?fieldManager=${manager}`, withLastApplied)
}

const getVs = (name: string): Promise<Vs> => kube.json<Vs>('GET', vsPath(name))

async function call<T>(method: string, params: unknown): Promise<T> {
  const outcome = await meshdeck.router.call(method, params)
  if (!outcome.ok) throw Object.assign(new Error(`${outcome.error.code}: ${outcome.error.message} ${outcome.error.hint ?? ''}`), { apiError: outcome.error })
  return outcome.result as T
}

async function apiError(method: string, params: unknown): Promise<ApiError> {
  const outcome = await meshdeck.router.call(method, params)
  if (outcome.ok) throw new Error(`${method} was expected to fail`)
  return outcome.error
}

/** Everything a user (or another tool) set, i.e. the object minus the server's bookkeeping. */
function userFields(vs: Vs): unknown {
  const { resourceVersion: _rv, managedFields: _mf, generation: _g, ...meta } = vs.metadata as Vs['metadata'] & { generation?: number }
  return { metadata: meta, spec: vs.spec }
}

/**
 * kube-apiserver 1.20 built with Go >= 1.18 and its vendored modern-go/reflect2 1.0.1 dies on the
 * first custom-resource write (a fault in json-iterator's map encoder); say so instead of a bare
 * "socket hang up".
 */
async function expectCustomResourceWrites(): Promise<void> {
  try {
    await kube.json('POST', `/apis/networking.istio.io/v1/namespaces/${ns}/destinationrules`, { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'probe' }, spec: { host: 'probe' } })
  } catch (err) {
    throw new Error(
      `The kube-apiserver in ${process.env.KUBEBUILDER_ASSETS ?? 'the default KUBEBUILDER_ASSETS'} cannot store custom resources (${String(err)}). ` +
        'Build the one with modern-go/reflect2 1.0.2 (bash scripts/build-test-apiserver.sh) and leave KUBEBUILDER_ASSETS unset, or point it at such a build.',
    )
  }
}

const ref = (name: string): { context: string; namespace: string; name: string; route: { name: string } } => ({ context, namespace: ns, name, route: { name: 'default' } })

beforeAll(async () => {
  cluster = await TestCluster.start()
  kc = adminKubeConfig(cluster)
  await installIstioCrds(kc)
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: ns } } })
  kube = new KubeClient(kc)
  await expectCustomResourceWrites()
  await kube.json('POST', `/apis/networking.istio.io/v1/namespaces/${ns}/destinationrules?fieldManager=kubectl-client-side-apply`, {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'reviews', namespace: ns },
    spec: { host: 'reviews.shop.svc.cluster.local', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }, { name: 'v3', labels: { version: 'v3' } }] },
  })
  dataDir = mkdtempSync(join(tmpdir(), 'meshdeck-canary-cluster-'))
  meshdeck = await createMeshdeck({ mode: 'web', kubeconfig: cluster.kubeconfigPath, dataDir, tracesPort: 0 })
}, 120_000)

afterAll(async () => {
  await meshdeck?.dispose()
  await cluster?.stop()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('canary weights on a cluster VirtualService (server-side apply)', () => {
  it('lists the splittable routes of the connected context, with their subsets', async () => {
    await kubectlCreate(reviewsVs('reviews'))
    const { targets } = await call<{ targets: CanaryTarget[] }>('canary.targets', { context })
    const reviews = targets.find((t) => t.ref.name === 'reviews' && 'name' in t.ref.route && t.ref.route.name === 'default')
    expect(reviews).toMatchObject({ ref: ref('reviews'), host: 'reviews', file: null, subsets: ['v1', 'v2', 'v3'], ownedBy: null })
    expect(reviews?.destinations.map((d) => [d.key, d.weight])).toEqual([['v1', 90], ['v2', 10]])
    // The single-destination admin route still splits: its DestinationRule has three subsets.
    expect(targets.some((t) => t.ref.name === 'reviews' && 'name' in t.ref.route && t.ref.route.name === 'admin')).toBe(true)
    expect(reviews?.propagation).toMatch(/No Meshdeck control plane serves this cluster/)
  })

  it('changes only the weights of the chosen route; every other field survives and meshdeck manages spec.http', async () => {
    const before = await getVs('reviews')
    const preview = await call<{ diff: { kind: string; text: string }[]; problems: unknown[]; baseVersion: string }>('canary.preview', { target: ref('reviews'), weights: { v1: 60, v2: 30, v3: 10 } })
    expect(preview.problems).toEqual([])
    expect(preview.baseVersion).toBe(before.metadata.resourceVersion)
    const changed = preview.diff.filter((l) => l.kind !== 'same').map((l) => `${l.kind} ${l.text.trim()}`)
    // Only weights change, plus the destination v3 comes in with; the rest of the object is context.
    expect(changed.every((l) => /^(removed|added) (weight: \d+|- destination:|host: reviews|subset: v3)$/.test(l))).toBe(true)
    expect(changed).toEqual(expect.arrayContaining(['removed weight: 90', 'added weight: 60', 'added weight: 30', 'added subset: v3']))

    const result = await call<{ outcome: string; version: string; note?: string }>('canary.apply', { target: ref('reviews'), weights: { v1: 60, v2: 30, v3: 10 }, baseVersion: preview.baseVersion })
    expect(result.outcome).toBe('applied')
    // kubectl's client-side apply owned spec.http; the user is told Meshdeck took it over.
    expect(result.note).toMatch(/kubectl-client-side-apply/)

    const after = await getVs('reviews')
    expect(after.metadata.resourceVersion).toBe(result.version)
    const expected = structuredClone(userFields(before)) as { spec: Vs['spec'] }
    const route = expected.spec.http[1]!.route
    route[0]!.weight = 60
    route[1]!.weight = 30
    route.push({ destination: { host: 'reviews', subset: 'v3' }, weight: 10 })
    expect(userFields(after)).toEqual(expected)
    const meshdeckEntry = after.metadata.managedFields?.find((f) => f.manager === 'meshdeck')
    expect(meshdeckEntry?.operation).toBe('Apply')
    expect(JSON.stringify(meshdeckEntry?.fieldsV1)).toContain('f:http')
    // Meshdeck claimed nothing else: hosts, tcp and the unknown fields stay with kubectl.
    expect(JSON.stringify(meshdeckEntry?.fieldsV1)).not.toContain('f:tcp')
    expect(JSON.stringify(meshdeckEntry?.fieldsV1)).not.toContain('f:hosts')
  })

  it('round-trips an object created by another manager without last-applied, too', async () => {
    const created = await kubectlCreate(reviewsVs('reviews-plain'), 'some-operator')
    const result = await call<{ outcome: string; note?: string }>('canary.apply', { target: ref('reviews-plain'), weights: { v1: 50, v2: 50 } })
    expect(result).toMatchObject({ outcome: 'applied', note: expect.stringContaining('some-operator') })
    const after = await getVs('reviews-plain')
    const expected = structuredClone(userFields(created)) as { spec: Vs['spec'] }
    expected.spec.http[1]!.route[0]!.weight = 50
    expected.spec.http[1]!.route[1]!.weight = 50
    expect(userFields(after)).toEqual(expected)
  })

  it('reports a change made between preview and apply as a conflict with both versions, and writes nothing', async () => {
    const preview = await call<{ baseVersion: string }>('canary.preview', { target: ref('reviews'), weights: { v1: 100, v2: 0, v3: 0 } })
    // Someone edits the VirtualService meanwhile (kubectl edit: another field manager).
    await kube.json('PATCH', `${vsPath('reviews')}?fieldManager=kubectl-edit`, JSON.stringify({ spec: { gateways: ['mesh', 'shop-gateway'] } }), 'application/merge-patch+json')
    const edited = await getVs('reviews')

    const result = await call<{ outcome: string; message: string; base?: string | null; current: string; proposed: string; version: string }>('canary.apply', {
      target: ref('reviews'),
      weights: { v1: 100, v2: 0, v3: 0 },
      baseVersion: preview.baseVersion,
    })
    expect(result.outcome).toBe('conflict')
    expect(result.message).toContain('kubectl-edit')
    expect(result.message).toContain(preview.baseVersion)
    expect(result.base).toContain(`resourceVersion: "${preview.baseVersion}"`)
    expect(result.base).not.toContain('shop-gateway')
    expect(result.current).toContain('shop-gateway')
    expect(result.version).toBe(edited.metadata.resourceVersion)
    expect(await getVs('reviews')).toEqual(edited)
  })

  it('never overwrites through the apply itself: a stale resourceVersion is refused even when forced', async () => {
    const live = await getVs('reviews')
    await kube.json('PATCH', `${vsPath('reviews')}?fieldManager=kubectl-edit`, JSON.stringify({ metadata: { labels: { touched: 'yes' } } }), 'application/merge-patch+json')
    const moved = await getVs('reviews')
    const api = new IstioApi(kube)
    const outcome = await api.apply({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews', namespace: ns, resourceVersion: live.metadata.resourceVersion }, spec: { http: [] } }, true)
    expect(outcome).toEqual({ refused: 'modified' })
    expect(await getVs('reviews')).toEqual(moved)
  })

  it('leaves a Flagger-owned VirtualService alone and says why', async () => {
    await kubectlCreate(reviewsVs('reviews-flagger', { ownerReferences: [{ apiVersion: 'flagger.app/v1beta1', kind: 'Canary', name: 'reviews', uid: '7d0d6d4e-0000-4000-8000-000000000001', controller: true }] }), 'flagger')
    const before = await getVs('reviews-flagger')
    const { targets } = await call<{ targets: CanaryTarget[] }>('canary.targets', { context })
    expect(targets.find((t) => t.ref.name === 'reviews-flagger')?.ownedBy).toMatch(/Flagger owns it \(Canary "reviews"\)/)
    const error = await apiError('canary.apply', { target: ref('reviews-flagger'), weights: { v1: 50, v2: 50 } })
    expect(error).toMatchObject({ code: 'owned_by_controller', message: expect.stringContaining('Flagger') })
    await expect(call('rollout.start', { target: ref('reviews-flagger'), stable: 'v1', canary: 'v2', plan: { steps: [50, 100], intervalSeconds: 1, analysis: { maxErrorRate: 0.1, maxP99Ms: 100, minRequests: 1 } } })).rejects.toThrow(/Flagger/)
    expect(await getVs('reviews-flagger')).toEqual(before)
  })

  it('leaves an Argo Rollouts-managed VirtualService alone (annotation or field manager)', async () => {
    await kubectlCreate(reviewsVs('reviews-argo', { annotations: { 'argo-rollouts.argoproj.io/managed-by-rollouts': 'reviews' } }))
    await kubectlCreate(reviewsVs('reviews-argo-managed'), 'rollouts-controller')
    const { targets } = await call<{ targets: CanaryTarget[] }>('canary.targets', { context })
    expect(targets.find((t) => t.ref.name === 'reviews-argo')?.ownedBy).toMatch(/Argo Rollouts manages it \(Rollout "reviews"/)
    expect(targets.find((t) => t.ref.name === 'reviews-argo-managed')?.ownedBy).toMatch(/field manager rollouts-controller/)
    expect((await apiError('canary.apply', { target: ref('reviews-argo'), weights: { v1: 50, v2: 50 } })).code).toBe('owned_by_controller')
  })

  it('rejects invalid weights with the problem named, and writes nothing', async () => {
    const before = await getVs('reviews')
    for (const [weights, message] of [
      [{ v1: 80, v2: 10, v3: 9 }, 'add up to 99'],
      [{ v1: 110, v2: -10, v3: 0 }, 'outside 0–100'],
      [{ v1: 50, v9: 50 }, 'Unknown subset "v9"'],
      [{ v1: 50.5, v2: 49.5 }, 'not a whole number'],
    ] as const) {
      const error = await apiError('canary.apply', { target: ref('reviews'), weights })
      expect(error.code).toBe('invalid_weights')
      expect(error.message).toContain(message)
      expect(error.hint).toContain('Nothing was written')
    }
    // NaN cannot even cross the contract: the router's schema refuses it before main acts.
    const nan = await apiError('canary.apply', { target: ref('reviews'), weights: { v1: Number.NaN, v2: 50, v3: 50 } })
    expect(nan.code).toBe('invalid_params')
    // The editor refuses NaN as well, for callers inside main.
    const runtime = new CanaryRuntime({ controlPlane: () => { throw new Error('none') }, edges: new EdgeLatency(), dataDir, onRollout: () => undefined, clusterClient: async () => kube })
    await expect(runtime.apply(ref('reviews'), { v1: Number.NaN, v2: 50, v3: 50 })).rejects.toThrow('not a number')
    expect(await getVs('reviews')).toEqual(before)
  })

  it('refuses an unknown context and a missing VirtualService with a hint', async () => {
    expect((await apiError('canary.targets', { context: 'no-such-context' })).message).toMatch(/no-such-context/)
    const missing = await apiError('canary.preview', { target: { ...ref('reviews'), name: 'nope' }, weights: { v1: 100 } })
    expect(missing).toMatchObject({ code: 'unknown_target', message: expect.stringContaining('shop/nope') })
  })
})

describe('progressive rollouts on a cluster VirtualService', () => {
  const settle = { settleMs: 200, observeTimeoutMs: 10_000, pollMs: 100 }
  const plan = { steps: [20, 60, 100], intervalSeconds: 60, analysis: { maxErrorRate: 0.05, maxP99Ms: 500, minRequests: 1 } }
  const updates: RolloutStateDto[] = []
  const runtimes: CanaryRuntime[] = []
  const newRuntime = (dir: string): CanaryRuntime => {
    const runtime = new CanaryRuntime({
      controlPlane: () => {
        throw new Error('no control plane')
      },
      edges: new EdgeLatency(),
      dataDir: dir,
      onRollout: (s) => updates.push(s),
      clusterClient: async () => kube,
      clusterSettle: settle,
    })
    runtimes.push(runtime)
    return runtime
  }
  const latest = (id: string): RolloutStateDto | undefined => [...updates].reverse().find((u) => u.spec.id === id)
  const weightsOf = async (name: string): Promise<Record<string, number>> =>
    Object.fromEntries((await getVs(name)).spec.http[1]!.route.map((d) => [d.destination.subset ?? d.destination.host, d.weight ?? 0]))
  const annotationOf = async (name: string): Promise<RolloutStateDto> => JSON.parse((await getVs(name)).metadata.annotations?.[rolloutAnnotation] ?? 'null') as RolloutStateDto

  afterAll(() => {
    for (const r of runtimes) r.dispose()
  })

  it('writes the rollout state next to the weights and resumes from it after a restart', async () => {
    await kubectlCreate(reviewsVs('reviews-rollout'))
    const firstDir = mkdtempSync(join(tmpdir(), 'meshdeck-rollout-a-'))
    const first = newRuntime(firstDir)
    const started = await first.start(ref('reviews-rollout'), 'v1', 'v2', plan)
    await waitFor('the first step analysing', () => latest(started.spec.id)?.phase === 'analysing', 20_000)
    expect(await weightsOf('reviews-rollout')).toEqual({ v1: 80, v2: 20, v3: 0 })
    const recorded = await annotationOf('reviews-rollout')
    expect(recorded).toMatchObject({ spec: { id: started.spec.id, target: ref('reviews-rollout') }, phase: 'analysing', stepIndex: 0 })
    expect(recorded.timeline.map((t) => t.what)).toEqual(['applied', 'acked'])
    const managers = (await getVs('reviews-rollout')).metadata.managedFields?.filter((f) => f.manager === 'meshdeck').map((f) => f.operation).sort()
    expect(managers).toEqual(['Apply', 'Update']) // weights by apply, the state annotation by a merge patch

    // Meshdeck exits mid-rollout, and someone moves the weights meanwhile.
    first.dispose()
    await kube.json('PATCH', `${vsPath('reviews-rollout')}?fieldManager=kubectl-edit`, JSON.stringify({ spec: { http: (await getVs('reviews-rollout')).spec.http.map((r, i) => (i === 1 ? { ...r, route: r.route.map((d) => ({ ...d, weight: d.destination.subset === 'v1' ? 100 : 0 })) } : r)) } }), 'application/merge-patch+json')

    // A new Meshdeck with none of the first one's files finds the rollout on the VirtualService.
    const secondDir = mkdtempSync(join(tmpdir(), 'meshdeck-rollout-b-'))
    const second = newRuntime(secondDir)
    const [resumed] = await second.resumeCluster(context)
    expect(resumed?.spec.id).toBe(started.spec.id)
    expect(resumed?.timeline.at(-1)?.what).toBe('resumedAfterRestart')
    expect(await weightsOf('reviews-rollout')).toEqual({ v1: 80, v2: 20, v3: 0 })
    await waitFor('ACK after the restart', () => latest(started.spec.id)?.phase === 'analysing', 20_000)
    expect((await annotationOf('reviews-rollout')).timeline.map((t) => t.what)).toEqual(['applied', 'acked', 'resumedAfterRestart', 'acked'])
    expect((await second.list()).map((r) => r.spec.id)).toContain(started.spec.id)

    const aborted = await second.control(started.spec.id, 'abort')
    expect(aborted.phase).toBe('aborted')
    expect(await weightsOf('reviews-rollout')).toEqual({ v1: 100, v2: 0, v3: 0 })
    expect((await annotationOf('reviews-rollout')).phase).toBe('aborted')
    // Finished: a further restart has nothing to resume.
    expect(await newRuntime(secondDir).resumeCluster(context)).toEqual([])
    rmSync(firstDir, { recursive: true, force: true })
    rmSync(secondDir, { recursive: true, force: true })
  }, 60_000)

  it('holds a rollout paused, with the reason, when its VirtualService is deleted under it', async () => {
    await kubectlCreate(reviewsVs('reviews-gone'))
    const dir = mkdtempSync(join(tmpdir(), 'meshdeck-rollout-d-'))
    const runtime = newRuntime(dir)
    const started = await runtime.start(ref('reviews-gone'), 'v1', 'v2', { ...plan, intervalSeconds: 1 })
    await waitFor('the first step analysing', () => latest(started.spec.id)?.phase === 'analysing', 20_000)
    await kube.json('DELETE', vsPath('reviews-gone'))
    // The analysis ends (no traffic: roll back), but neither the rollback nor its state can be
    // written any more: the rollout stops, paused, saying why, instead of claiming a rollback.
    await waitFor('the rollout to pause', () => latest(started.spec.id)?.phase === 'paused', 20_000)
    expect(latest(started.spec.id)?.timeline.at(-1)?.detail).toBe(
      `Paused: The VirtualService ${ns}/reviews-gone no longer exists in the cluster at ${cluster.server}. (the pause could not be saved either)`,
    )
    expect((await runtime.list()).map((r) => r.phase)).toEqual(['paused'])
    rmSync(dir, { recursive: true, force: true })
  }, 60_000)

  it('keeps each run as history: a second rollout of the same route does not replace the first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshdeck-rollout-c-'))
    const runtime = newRuntime(dir)
    const quick = { ...plan, intervalSeconds: 1, analysis: { ...plan.analysis, minRequests: 1 } }
    const one = await runtime.start(ref('reviews-rollout'), 'v1', 'v3', quick)
    // No traffic reaches the canary in this cluster: the first analysis fails on the request count.
    await waitFor('the first rollout rolled back', () => latest(one.spec.id)?.phase === 'rolledBack', 20_000)
    expect(latest(one.spec.id)?.failure).toMatchObject({ metric: 'requests', value: 0 })
    const two = await runtime.start(ref('reviews-rollout'), 'v1', 'v2', quick)
    expect(two.spec.id).not.toBe(one.spec.id)
    await runtime.control(two.spec.id, 'abort')
    const history = await runtime.list()
    expect(history.map((r) => [r.spec.id, r.phase])).toEqual([
      [two.spec.id, 'aborted'],
      [one.spec.id, 'rolledBack'],
    ])
    rmSync(dir, { recursive: true, force: true })
  }, 60_000)
})

describe('a cluster weight edit is analysed before it is applied', () => {
  const store = 'store'
  const target = { context, namespace: store, name: 'reviews', route: { name: 'default' } }

  beforeAll(async () => {
    // reviews with Pods for v1 and v2 only; its DestinationRule defines v3 too.
    await seedReviewsService(kube, store, { v1: { port: 41001 }, v2: { port: 41002 } })
    await kube.json('POST', `/apis/networking.istio.io/v1/namespaces/${store}/destinationrules`, destinationRuleYaml({ name: 'reviews', host: 'reviews', subsets: ['v1', 'v2', 'v3'], namespace: store }))
    const http = [{ name: 'default', route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 90 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 10 }] }]
    await kube.json('POST', `/apis/networking.istio.io/v1/namespaces/${store}/virtualservices`, virtualServiceYaml({ name: 'reviews', hosts: ['reviews'], http, namespace: store }))
  })

  it('refuses weights on a subset no Pod serves, naming the finding, and applies ones that only keep what was there', async () => {
    const before = await kube.json<Vs>('GET', `/apis/networking.istio.io/v1/namespaces/${store}/virtualservices/reviews`)
    const preview = await call<{ findings?: { level: string; code: string }[] }>('canary.preview', { target, weights: { v1: 80, v2: 10, v3: 10 } })
    expect(preview.findings?.map((f) => `${f.level} ${f.code}`)).toEqual(['Error MDK0019'])
    const error = await apiError('canary.apply', { target, weights: { v1: 80, v2: 10, v3: 10 } })
    expect(error).toMatchObject({ code: 'analysis_blocked', message: expect.stringContaining('Error [MDK0019] on VirtualService store/reviews') })
    expect(error.hint).toContain('Nothing was written.')
    expect(userFields(await kube.json<Vs>('GET', `/apis/networking.istio.io/v1/namespaces/${store}/virtualservices/reviews`))).toEqual(userFields(before))
    // v3 without Pods is already an Error on the DestinationRule (IST0173): not this edit's, so it does not block.
    expect((await call<{ outcome: string }>('canary.apply', { target, weights: { v1: 50, v2: 50 } })).outcome).toBe('applied')
  })
})

describe('the edit check of a user who may not see endpoints', () => {
  it('shows what it finds but blocks nothing: a subset it cannot see served is not known to be unserved', async () => {
    // "limited" may read Istio's objects, Services and namespaces, but no Pods or EndpointSlices.
    await kube.json('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'mesh-reader-no-endpoints' },
      rules: [
        { apiGroups: ['networking.istio.io', 'security.istio.io'], resources: ['*'], verbs: ['get', 'list'] },
        { apiGroups: [''], resources: ['services', 'namespaces'], verbs: ['get', 'list'] },
      ],
    })
    await kube.json('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'limited-mesh-reader' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'mesh-reader-no-endpoints' },
      subjects: [{ kind: 'User', name: 'limited', apiGroup: 'rbac.authorization.k8s.io' }],
    })
    const current = await kube.json<Vs>('GET', '/apis/networking.istio.io/v1/namespaces/store/virtualservices/reviews')
    const proposed = structuredClone(current)
    proposed.spec.http[0]!.route = [...proposed.spec.http[0]!.route.map((d) => ({ ...d, weight: 45 })), { destination: { host: 'reviews', subset: 'v3' }, weight: 10 }]
    const analysis = new AnalysisService({ controlPlane: () => null, onChanged: () => undefined })
    try {
      // The admin sees that no Pod serves v3: an Error that blocks.
      expect((await analysis.checkClusterEdit('admin', kube, current, proposed)).blocking.map((f) => f.code)).toEqual(['MDK0019'])
      // "limited" sees v3 without endpoints too (it cannot see any): reported, not blocking.
      const limited = await analysis.checkClusterEdit('limited', new KubeClient(adminKubeConfig(cluster, 'limited')), current, proposed)
      expect(limited.introduced.map((f) => f.code)).toEqual(['MDK0019'])
      expect(limited.blocking).toEqual([])
    } finally {
      analysis.dispose()
    }
  })
})
