import { mkdirSync, mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AppsV1Api, CoreV1Api, RbacAuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EventName, PodRow, ResourceChange, ResourceRow } from '@shared/contract'
import { createMeshdeck, type Meshdeck } from '../../src/main/app/meshdeck'
import { adminKubeConfig, createNodes, FakeKubelet, kubeconfigYaml, TestCluster } from '../cluster'
// Not in the folder's index: @peculiar/x509 needs a reflect polyfill when loaded as CommonJS (Playwright).
import { issueExpiredClientCert } from '../cluster/expired-cert'

/** What the renderer keeps: snapshot rows, then batches applied in version order. */
class Mirror {
  rows = new Map<string, ResourceRow>()
  version = 0
  constructor(
    readonly context: string,
    readonly kind: string,
  ) {}
  apply(change: ResourceChange): void {
    if (change.context !== this.context || change.kind !== this.kind || change.version <= this.version) return
    this.version = change.version
    for (const uid of change.deletes) this.rows.delete(uid)
    for (const row of change.upserts) this.rows.set(row.uid, row)
  }
  pods(): PodRow[] {
    return [...this.rows.values()].filter((r): r is PodRow => r.kind === 'pods')
  }
}

async function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await fn()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

let cluster: TestCluster
let kc: KubeConfig
let kubelet: FakeKubelet
let meshdeck: Meshdeck
let kubeconfigDir: string
const mirrors: Mirror[] = []
const seen: { name: EventName; payload: unknown }[] = []

async function call<T>(method: string, params: unknown): Promise<T> {
  const outcome = await meshdeck.router.call(method, params)
  if (!outcome.ok) throw Object.assign(new Error(outcome.error.message), { apiError: outcome.error })
  return outcome.result as T
}

async function mirror(context: string, kind: string): Promise<Mirror & { feed: { state: string; access: { scope: string; message: string | null } } }> {
  const m = new Mirror(context, kind)
  const snap = await call<{ version: number; rows: ResourceRow[]; feed: { state: string; access: { scope: string; message: string | null } } }>('resources.subscribe', { context, kind })
  m.version = snap.version
  for (const row of snap.rows) m.rows.set(row.uid, row)
  mirrors.push(m)
  return Object.assign(m, { feed: snap.feed })
}

beforeAll(async () => {
  cluster = await TestCluster.start({ controllers: true })
  kc = adminKubeConfig(cluster)
  await createNodes(kc, ['node-a', 'node-b'], { role: 'worker' })
  kubelet = new FakeKubelet(kc)
  await kubelet.start()
  const core = kc.makeApiClient(CoreV1Api)
  await core.createNamespace({ body: { metadata: { name: 'team-a' } } })
  await core.createNamespace({ body: { metadata: { name: 'team-b' } } })
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api)
  await rbac.createNamespacedRole({ namespace: 'team-a', body: { metadata: { name: 'pod-reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }] } })
  await rbac.createNamespacedRoleBinding({
    namespace: 'team-a',
    body: { metadata: { name: 'limited-reads-pods' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' }, subjects: [{ kind: 'User', name: 'limited', apiGroup: 'rbac.authorization.k8s.io' }] },
  })

  // A folder of kubeconfig files, as KUBECONFIG would list them: the cluster's, extra users, one broken file.
  kubeconfigDir = mkdtempSync(join(tmpdir(), 'meshdeck-kc-'))
  mkdirSync(kubeconfigDir, { recursive: true })
  copyFileSync(cluster.kubeconfigPath, join(kubeconfigDir, '10-cluster.yaml'))
  writeFileSync(join(kubeconfigDir, '20-team-a.yaml'), kubeconfigYaml({ clusterName: 'meshdeck-test', server: cluster.server, caFile: cluster.pki.caCert, namespace: 'team-a', users: [{ name: 'limited-team-a', token: cluster.users.limitedToken }] }))
  writeFileSync(join(kubeconfigDir, '30-bad-token.yaml'), kubeconfigYaml({ clusterName: 'meshdeck-test', server: cluster.server, caFile: cluster.pki.caCert, users: [{ name: 'bad-token', token: 'not-a-valid-token' }] }))
  writeFileSync(join(kubeconfigDir, '40-plugin.yaml'), kubeconfigYaml({ clusterName: 'meshdeck-test', server: cluster.server, caFile: cluster.pki.caCert, users: [{ name: 'needs-plugin', exec: { command: 'meshdeck-missing-auth-plugin' } }] }))
  writeFileSync(join(kubeconfigDir, '50-no-ca.yaml'), kubeconfigYaml({ clusterName: 'no-ca', server: cluster.server, caFile: '', users: [{ name: 'no-ca', token: cluster.users.adminToken }] }))
  writeFileSync(join(kubeconfigDir, '60-closed.yaml'), kubeconfigYaml({ clusterName: 'closed', server: 'https://127.0.0.1:1', caFile: cluster.pki.caCert, users: [{ name: 'closed', token: 'x' }] }))
  const expired = await issueExpiredClientCert(join(cluster.dir, 'pki'), cluster.pki, 'meshdeck-admin')
  writeFileSync(join(kubeconfigDir, '65-expired.yaml'), kubeconfigYaml({ clusterName: 'meshdeck-test', server: cluster.server, caFile: cluster.pki.caCert, users: [{ name: 'expired-cert', clientCertificate: expired.cert, clientKey: expired.key }] }))
  writeFileSync(join(kubeconfigDir, '70-broken.yaml'), 'clusters: [unclosed\n')

  meshdeck = await createMeshdeck({ mode: 'web', kubeconfig: kubeconfigDir, dataDir: kubeconfigDir })
  meshdeck.bus.subscribe((name, payload) => {
    seen.push({ name, payload })
    if (name === 'resources.changes') for (const c of (payload as { changes: ResourceChange[] }).changes) for (const m of mirrors) m.apply(c)
  })
})

afterAll(async () => {
  await meshdeck?.dispose()
  kubelet?.stop()
  await cluster?.stop()
  if (kubeconfigDir) rmSync(kubeconfigDir, { recursive: true, force: true })
})

describe('clusters on a real kube-apiserver', () => {
  it('lists every context while naming the broken file', async () => {
    const list = await call<{ contexts: { name: string }[]; problems: { file: string; message: string }[] }>('clusters.listContexts', {})
    expect(list.contexts.map((c) => c.name)).toEqual(expect.arrayContaining(['admin', 'token-admin', 'limited-team-a', 'bad-token']))
    expect(list.problems).toHaveLength(1)
    expect(list.problems[0]?.message).toContain('70-broken.yaml is not valid YAML')
  })

  it('connects two contexts at once (client certificate and token), each with its own state', async () => {
    const [a, b] = await Promise.all([call<{ state: string; serverVersion: string }>('clusters.connect', { context: 'admin' }), call<{ state: string }>('clusters.connect', { context: 'token-admin' })])
    expect(a).toMatchObject({ state: 'connected', serverVersion: 'v1.20.2' })
    expect(b).toMatchObject({ state: 'connected' })
    const all = await call<{ context: string; state: string }[]>('clusters.connections', {})
    expect(all.filter((c) => c.state === 'connected').map((c) => c.context).sort()).toEqual(['admin', 'token-admin'])
  })

  it('classifies failures with cause and fix: 401, missing plugin, TLS, unreachable', async () => {
    const bad = await call<{ state: string; error: { code: string; message: string; hint: string } }>('clusters.connect', { context: 'bad-token' })
    expect(bad.state).toBe('failed')
    expect(bad.error.code).toBe('cluster_unauthorized')
    expect(bad.error.message).toContain('401')
    const plugin = await call<{ error: { code: string; message: string } }>('clusters.connect', { context: 'needs-plugin' })
    expect(plugin.error.code).toBe('exec_plugin_missing')
    expect(plugin.error.message).toContain('meshdeck-missing-auth-plugin')
    const tls = await call<{ error: { code: string } }>('clusters.connect', { context: 'no-ca' })
    expect(tls.error.code).toBe('cluster_tls')
    const expired = await call<{ error: { code: string; message: string; hint: string } }>('clusters.connect', { context: 'expired-cert' })
    expect(expired.error.code).toBe('credentials_expired')
    expect(expired.error.hint).toContain('fresh kubeconfig')
    const closed = await call<{ error: { code: string; message: string } }>('clusters.connect', { context: 'closed' })
    expect(closed.error.code).toBe('cluster_unreachable')
    // The good contexts are untouched by the failures.
    const all = await call<{ context: string; state: string }[]>('clusters.connections', {})
    expect(all.find((c) => c.context === 'admin')?.state).toBe('connected')
  })

  it('shows pods live: a deleted pod leaves within a second and its replacement appears', async () => {
    const apps = kc.makeApiClient(AppsV1Api)
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'web' },
        spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } } },
      },
    })
    const pods = await mirror('admin', 'pods')
    const running = await until('3 running web pods', () => {
      const web = pods.pods().filter((p) => p.labels.app === 'web' && p.status === 'Running' && p.ready === 1)
      return web.length === 3 && web
    })
    expect(running[0]?.node).toMatch(/^node-[ab]$/)
    expect(running[0]?.ip).toMatch(/^10\.244\./)

    const victim = running[0] as PodRow
    const core = kc.makeApiClient(CoreV1Api)
    const t0 = Date.now()
    await core.deleteNamespacedPod({ name: victim.name, namespace: 'default', gracePeriodSeconds: 0 })
    await until('the deleted pod to leave', () => !pods.rows.has(victim.uid), 1_000)
    expect(Date.now() - t0).toBeLessThan(1_000)
    await until('a replacement pod', () => pods.pods().filter((p) => p.labels.app === 'web' && p.uid !== victim.uid && !running.some((r) => r.uid === p.uid)).length === 1)
  })

  it('batches changes: never more than about ten batches a second, never a full list per event', async () => {
    const core = kc.makeApiClient(CoreV1Api)
    // Let the previous test's replacement pod settle: no batch for a full second.
    let last = seen.length
    let quietSince = Date.now()
    await until('a quiet second', () => {
      if (seen.length !== last) {
        last = seen.length
        quietSince = Date.now()
      }
      return Date.now() - quietSince > 1_000
    })
    const start = seen.length
    const t0 = Date.now()
    await Promise.all(Array.from({ length: 40 }, (_, i) => core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: `burst-${i}`, labels: { burst: 'yes' } }, spec: { nodeName: 'node-a', containers: [{ name: 'c', image: 'busybox' }] } } })))
    const pods = mirrors.find((m) => m.kind === 'pods' && m.context === 'admin') as Mirror
    await until('40 burst pods running', () => pods.pods().filter((p) => p.labels.burst === 'yes' && p.status === 'Running').length === 40)
    const elapsed = (Date.now() - t0) / 1000
    const batches = seen.slice(start).filter((e) => e.name === 'resources.changes')
    expect(batches.length).toBeLessThanOrEqual(Math.ceil(elapsed * 10) + 1)
    // Only what changed crosses: the untouched web pods never appear in these batches.
    const upserted = batches.flatMap((b) => (b.payload as { changes: ResourceChange[] }).changes.filter((c) => c.kind === 'pods').flatMap((c) => c.upserts.map((r) => r.name)))
    expect(upserted.length).toBeGreaterThanOrEqual(40)
    expect(upserted.filter((n) => !n.startsWith('burst-'))).toEqual([])
    await core.deleteCollectionNamespacedPod({ namespace: 'default', labelSelector: 'burst=yes', gracePeriodSeconds: 0 })
    await until('burst pods gone', () => pods.pods().every((p) => p.labels.burst !== 'yes'))
  })

  it('a user limited to one namespace sees it, and a clear "no access" elsewhere', async () => {
    const core = kc.makeApiClient(CoreV1Api)
    await core.createNamespacedPod({ namespace: 'team-a', body: { metadata: { name: 'a-pod' }, spec: { nodeName: 'node-b', containers: [{ name: 'c', image: 'busybox' }] } } })
    await core.createNamespacedPod({ namespace: 'team-b', body: { metadata: { name: 'b-pod' }, spec: { nodeName: 'node-b', containers: [{ name: 'c', image: 'busybox' }] } } })
    const pods = await mirror('limited-team-a', 'pods')
    expect(pods.feed.access.scope).toBe('namespace')
    expect(pods.feed.access.message).toContain('only in namespace "team-a"')
    await until('the team-a pod', () => pods.pods().some((p) => p.name === 'a-pod'))
    expect(pods.pods().every((p) => p.namespace === 'team-a')).toBe(true)
    const nodes = await mirror('limited-team-a', 'nodes')
    expect(nodes.feed.state).toBe('forbidden')
    expect(nodes.feed.access.message).toContain('No access')
    expect(nodes.rows.size).toBe(0)
  })

  it('converges after the apiserver restarts mid-watch', async () => {
    const pods = mirrors.find((m) => m.kind === 'pods' && m.context === 'admin') as Mirror
    await cluster.stopApiserver()
    await until('the feed to report retrying', () => seen.some((e) => e.name === 'resources.feed' && (e.payload as { state: string; context: string; kind: string }).state === 'retrying' && (e.payload as { context: string }).context === 'admin'), 20_000)
    await cluster.startApiserverAgain()
    const core = kc.makeApiClient(CoreV1Api)
    await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'after-restart' }, spec: { nodeName: 'node-a', containers: [{ name: 'c', image: 'busybox' }] } } })
    await until('the view to match the API', async () => {
      const truth = await core.listPodForAllNamespaces()
      const want = truth.items.map((p) => p.metadata?.uid ?? '').sort()
      const have = [...pods.rows.keys()].sort()
      return JSON.stringify(want) === JSON.stringify(have) && have.length > 0
    }, 40_000)
    expect(pods.pods().some((p) => p.name === 'after-restart')).toBe(true)
  })

  it('fetches full YAML on demand and keeps credentials out of rows', async () => {
    const pods = mirrors.find((m) => m.kind === 'pods' && m.context === 'admin') as Mirror
    const one = pods.pods().find((p) => p.labels.app === 'web') as PodRow
    const { yaml } = await call<{ yaml: string }>('resources.yaml', { context: 'admin', kind: 'pods', namespace: 'default', name: one.name })
    expect(yaml).toContain(`name: ${one.name}`)
    expect(yaml).not.toContain('managedFields')
    const everything = JSON.stringify(seen)
    expect(everything).not.toContain(cluster.users.adminToken)
    expect(everything).not.toContain('BEGIN')
  })
})
