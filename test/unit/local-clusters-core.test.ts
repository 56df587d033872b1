import { describe, expect, it } from 'vitest'
import type { LocalClusterOperation } from '@shared/contract'
import { certificateEntries, emptyKubeconfig, entriesOf, removeEntries, upsertEntries } from '../../src/main/local-clusters/kubeconfig-entries'
import { clusterNameProblem, contextNameFor } from '../../src/main/local-clusters/names'
import { Operation } from '../../src/main/local-clusters/operation'
import { kindPreflight, processesPreflight, type KindFacts } from '../../src/main/local-clusters/preflight-checks'
import { componentCommands, type ComponentName } from '../../src/main/local-clusters/process-cluster-plan'
import { objectPath, processSandboxObjects, sandboxIstioObjects } from '../../src/main/local-clusters/sandbox-objects'

const facts = (over: { kind?: Partial<KindFacts['kind']>; engine?: Partial<KindFacts['engine']>; host?: Partial<KindFacts['host']> } = {}): KindFacts => ({
  kind: { path: '/usr/local/bin/kind', configuredPath: null, versionOutput: 'kind v0.33.0 go1.24.6 linux/amd64', runError: null, ...over.kind },
  engine: {
    name: 'docker',
    chosenBy: 'detected',
    socket: '/var/run/docker.sock',
    searched: ['/var/run/docker.sock'],
    ping: { ok: true, apiVersion: null },
    info: { ServerVersion: '27.0.1', OperatingSystem: 'Ubuntu 24.04 LTS', MemTotal: 16 * 1024 ** 3, CgroupVersion: '2', SecurityOptions: ['name=seccomp,profile=default'] },
    ...over.engine,
  },
  host: { platform: 'linux', inotifyWatches: 524288, inotifyInstances: 512, ...over.host },
})

describe('kind preflight verdicts', () => {
  it('passes a machine with kind, a running engine, memory and raised inotify limits', () => {
    const result = kindPreflight(facts())
    expect(result.ready).toBe(true)
    expect(result.checks.map((c) => [c.id, c.status])).toEqual([
      ['kind', 'ok'],
      ['provider', 'ok'],
      ['engine', 'ok'],
      ['memory', 'ok'],
      ['inotify', 'ok'],
    ])
  })
  it('fails rootless on cgroup v1, and warns about Ubuntu-default inotify limits with the sysctl', () => {
    const result = kindPreflight(facts({ engine: { info: { CgroupVersion: '1', SecurityOptions: ['name=rootless'], MemTotal: 8 * 1024 ** 3 } }, host: { inotifyWatches: 8192, inotifyInstances: 128 } }))
    expect(result.ready).toBe(false)
    expect(result.checks.find((c) => c.id === 'rootless')).toMatchObject({ status: 'fail', fix: expect.stringContaining('Delegate=yes') })
    expect(result.checks.find((c) => c.id === 'inotify')).toMatchObject({ status: 'warn', fix: expect.stringContaining('fs.inotify.max_user_watches=524288') })
  })
  it('says which engine kind is told to use, and skips what nerdctl cannot answer', () => {
    const result = kindPreflight(facts({ engine: { name: 'nerdctl', chosenBy: 'KIND_EXPERIMENTAL_PROVIDER', socket: null, ping: null, info: null } }))
    expect(result.checks.find((c) => c.id === 'provider')?.detail).toBe('nerdctl (KIND_EXPERIMENTAL_PROVIDER)')
    expect(result.checks.find((c) => c.id === 'engine')?.status).toBe('skipped')
    expect(result.ready).toBe(true)
  })
  it('skips host inotify limits where the engine runs in a VM (Docker Desktop)', () => {
    expect(kindPreflight(facts({ engine: { info: { OperatingSystem: 'Docker Desktop', MemTotal: 8 * 1024 ** 3 } } })).checks.find((c) => c.id === 'inotify')?.status).toBe('skipped')
  })
  it('fails a configured kind path that holds nothing, naming it', () => {
    expect(kindPreflight(facts({ kind: { path: null, configuredPath: '/opt/kind' } })).checks[0]).toMatchObject({ status: 'fail', detail: 'No kind binary at /opt/kind (the configured path).' })
  })
})

describe('Docker-free preflight', () => {
  it('names every place looked at when no folder has the binaries, and how to get them', () => {
    const result = processesPreflight({ binariesDir: null, searched: [{ dir: '/x', source: 'KUBEBUILDER_ASSETS', missing: ['kube-apiserver'] }], versionOutput: null })
    expect(result.ready).toBe(false)
    expect(result.checks[0]).toMatchObject({ status: 'fail', detail: expect.stringContaining('/x (KUBEBUILDER_ASSETS: no kube-apiserver)'), fix: expect.stringContaining('setup-envtest use') })
    expect(result.checks.find((c) => c.id === 'kubelet')?.detail).toContain('no kubelet')
  })
  it('reads the version the binaries report', () => {
    const result = processesPreflight({ binariesDir: '/a', searched: [{ dir: '/a', source: 'Settings', missing: [] }], versionOutput: 'Kubernetes v1.20.2' })
    expect(result.checks.find((c) => c.id === 'version')?.detail).toBe('v1.20.2')
    expect(result.ready).toBe(true)
  })
})

describe('kubeconfig entries', () => {
  const entries = certificateEntries({ context: 'meshdeck-dev', server: 'https://127.0.0.1:1234', caFile: '/ca', certFile: '/c', keyFile: '/k' })
  const user = {
    ...emptyKubeconfig(),
    'current-context': 'work',
    clusters: [{ name: 'work', cluster: { server: 'https://w' } }, { name: 'meshdeck-dev', cluster: { server: 'https://old' } }],
    contexts: [{ name: 'work', context: { cluster: 'work', user: 'work' } }],
    users: [{ name: 'work', user: { token: 't' } }],
  }

  it('adds without touching current-context, remembering what a same-named entry held', () => {
    const { doc, replaced } = upsertEntries(user, entries)
    expect(doc['current-context']).toBe('work')
    expect(replaced).toEqual({ cluster: { name: 'meshdeck-dev', cluster: { server: 'https://old' } }, user: null, context: null })
    expect(entriesOf(doc, 'meshdeck-dev')).toEqual(entries)
  })
  it('removes what it wrote and puts back what it replaced, so the file is as before', () => {
    const { doc, replaced } = upsertEntries(user, entries)
    expect(removeEntries(doc, entries, replaced)).toEqual({ doc: user, keptChanged: [] })
  })
  it('leaves an entry the user changed since, and clears a current-context naming a removed context', () => {
    const { doc } = upsertEntries(emptyKubeconfig(), entries)
    doc['current-context'] = 'meshdeck-dev'
    ;(doc.clusters as unknown as { cluster: { server: string } }[])[0]!.cluster.server = 'https://edited'
    const out = removeEntries(doc, entries, null)
    expect(out.keptChanged).toEqual(['cluster meshdeck-dev'])
    expect(out.doc.contexts).toEqual([])
    expect(out.doc['current-context']).toBe('')
  })
})

describe('names', () => {
  it('follows kind for kind clusters and DNS labels for Docker-free ones', () => {
    expect(clusterNameProblem('kind', 'my.cluster-1')).toBeNull()
    expect(clusterNameProblem('kind', 'UPPER')?.field).toBe('name')
    expect(clusterNameProblem('processes', 'my.cluster')?.message).toContain('not a DNS label')
    expect(clusterNameProblem('processes', '')?.message).toBe('A cluster needs a name, e.g. dev.')
    expect([contextNameFor('kind', 'dev'), contextNameFor('processes', 'dev')]).toEqual(['kind-dev', 'meshdeck-dev'])
  })
})

describe('an operation', () => {
  it('times each step, keeps the last lines, and reports itself whole at every change', async () => {
    let now = 1000
    const seen: LocalClusterOperation[] = []
    const op = new Operation('1', 'create', 'processes', 'dev', [{ id: 'a', title: 'A' }, { id: 'b', title: 'B' }], () => now, (dto) => seen.push(dto))
    await op.runStep('a', async () => {
      now += 250
    })
    await op.runStep('b', async (skip) => skip('already there'))
    for (let i = 0; i < 250; i++) op.log(`line ${i}`)
    op.succeed()
    const last = seen[seen.length - 1] as LocalClusterOperation
    expect(last.state).toBe('succeeded')
    expect(last.steps).toEqual([
      { id: 'a', title: 'A', state: 'done', startedAt: 1000, durationMs: 250 },
      { id: 'b', title: 'B', state: 'skipped', startedAt: 1250, durationMs: 0, detail: 'already there' },
    ])
    expect(last.log).toHaveLength(200)
    expect(last.log[0]).toBe('line 50')
  })
  it('ends as cancelled, with the running step cancelled, when cancel() stops the work', async () => {
    const seen: LocalClusterOperation[] = []
    const op = new Operation('2', 'create', 'kind', 'dev', [{ id: 'a', title: 'A' }], Date.now, (dto) => seen.push(dto))
    const work = op.runStep('a', () => new Promise((_, reject) => op.signal.addEventListener('abort', () => reject(new Error('killed')))))
    op.cancel()
    await expect(work).rejects.toThrow('killed')
    op.fail({ code: 'kind_failed', message: 'killed' })
    expect(seen[seen.length - 1]).toMatchObject({ state: 'cancelled', error: { code: 'cancelled' }, steps: [{ state: 'cancelled' }] })
  })
})

describe('the Docker-free command lines', () => {
  const layout = {
    etcdDataDir: '/c/etcd',
    pkiDir: '/c/pki',
    caCert: '/c/pki/ca.crt',
    caKey: '/c/pki/ca.key',
    servingCert: '/c/pki/apiserver.crt',
    servingKey: '/c/pki/apiserver.key',
    serviceAccountKey: '/c/pki/sa.key',
    serviceAccountPub: '/c/pki/sa.pub',
    controllersKubeconfig: '/c/controllers.kubeconfig',
    ports: { etcdClient: 2379, etcdPeer: 2380, apiserver: 6443 },
    kubernetesMinor: 20,
  }
  const all = new Set<ComponentName>(['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'])
  it('binds loopback only and turns the plain-HTTP ports off before 1.24', () => {
    const commands = componentCommands(layout, all)
    const api = commands.find((c) => c.name === 'kube-apiserver')?.args ?? []
    expect(api).toContain('--bind-address=127.0.0.1')
    expect(api).toContain('--insecure-port=0')
    expect(commands.find((c) => c.name === 'kube-scheduler')?.args).toContain('--port=0')
    expect(commands.find((c) => c.name === 'etcd')?.args).toContain('--listen-client-urls=http://127.0.0.1:2379')
  })
  it('leaves out flags 1.24 removed, and components without binaries (envtest ships etcd and kube-apiserver only)', () => {
    const commands = componentCommands({ ...layout, kubernetesMinor: 30 }, new Set<ComponentName>(['etcd', 'kube-apiserver']))
    expect(commands.map((c) => c.name)).toEqual(['etcd', 'kube-apiserver'])
    expect(commands.flatMap((c) => c.args).some((a) => a.startsWith('--insecure-port') || a === '--port=0')).toBe(false)
  })
})

describe('the sandbox objects', () => {
  const workloads = [
    { name: 'reviews-v1', role: 'reviews', version: 'v1', port: 41001, pid: 10 },
    { name: 'reviews-v2', role: 'reviews', version: 'v2', port: 41002, pid: 11 },
  ]
  it('one Service per role without selector, a labelled Pod and an EndpointSlice at 127.0.0.1:port per process', () => {
    const objects = processSandboxObjects(workloads, 'v1beta1')
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Namespace/demo', 'Service/reviews', 'Pod/reviews-v1', 'EndpointSlice/reviews-v1', 'Pod/reviews-v2', 'EndpointSlice/reviews-v2'])
    const slice = objects.find((o) => o.kind === 'EndpointSlice' && o.metadata.name === 'reviews-v2')
    expect(slice).toMatchObject({
      apiVersion: 'discovery.k8s.io/v1beta1',
      metadata: { labels: { 'kubernetes.io/service-name': 'reviews' } },
      ports: [{ name: 'grpc', port: 41002 }],
      endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true }, targetRef: { kind: 'Pod', name: 'reviews-v2', namespace: 'demo' } }],
    })
    expect(objects.find((o) => o.kind === 'Service')?.spec).not.toHaveProperty('selector')
    expect(objects.find((o) => o.kind === 'Pod')?.metadata.labels).toMatchObject({ app: 'reviews', version: 'v1' })
    expect(objectPath(slice as never)).toBe('/apis/discovery.k8s.io/v1beta1/namespaces/demo/endpointslices/reviews-v2')
    expect(objectPath(objects[0] as never)).toBe('/api/v1/namespaces/demo')
  })
  it("keeps the demo's routes and policy and drops its ServiceEntries", () => {
    const objects = sandboxIstioObjects(['apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: a, namespace: demo}\n---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: reviews, namespace: demo}\nspec: {}\n'])
    expect(objects.map((o) => o.kind)).toEqual(['VirtualService'])
    expect(objectPath(objects[0] as never)).toBe('/apis/networking.istio.io/v1/namespaces/demo/virtualservices/reviews')
  })
})
