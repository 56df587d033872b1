import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { LocalCluster, LocalClusterOperation } from '@shared/contract'
import { createMeshdeck, type Meshdeck } from '../../src/main/app/meshdeck'
import { meshdeckKubeconfigPath } from '../../src/main/local-clusters/io'
import { TestCluster } from '../cluster'
import { startEngineStandIn, type EngineStandIn } from '../support/engine-api-stand-in'
import { waitFor } from '../support/wait'

// kind and a container engine cannot run here. These tests drive Meshdeck's kind provider against
// STAND-INS: `kind` on PATH is test/support/kind-stand-in/kind replaying transcripts written from
// kind v0.33.0's source, and the engine is an Engine API v1.56 stand-in on a unix socket that the
// real dockerode client talks to (including a streaming /events). What kind hands back as the
// cluster's kubeconfig points at a real kube-apiserver (a TestCluster), so connecting is real.
const dir = mkdtempSync(join(tmpdir(), 'meshdeck-kind-stand-in-'))
const dataDir = join(dir, 'data')
const userKubeconfig = join(dir, 'user-config')
writeFileSync(userKubeconfig, 'apiVersion: v1\nkind: Config\ncontexts: []\n')
const standInDir = join(__dirname, '..', 'support', 'kind-stand-in')
const kindLog = join(dir, 'kind-invocations.jsonl')
const savedEnv = { ...process.env }

function invocations(): { args: string[]; provider: string | null }[] {
  if (!existsSync(kindLog)) return []
  return readFileSync(kindLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { args: string[]; provider: string | null })
}

function holdPort(): Promise<{ port: number; server: Server }> {
  return new Promise((resolve) => {
    const server = createServer()
    server.listen(0, '0.0.0.0', () => resolve({ port: (server.address() as { port: number }).port, server }))
  })
}

async function freePort(): Promise<number> {
  const { port, server } = await holdPort()
  await new Promise((r) => server.close(r))
  return port
}

describe('kind clusters (stand-in kind and stand-in Engine API)', () => {
  let meshdeck: Meshdeck
  let engine: EngineStandIn
  let cluster: TestCluster
  const operations: LocalClusterOperation[] = []
  const changes: LocalCluster[][] = []
  const finished = (id: string): Promise<LocalClusterOperation> =>
    waitFor(`operation ${id}`, () => {
      const last = operations.filter((o) => o.id === id).pop()
      return last && last.state !== 'running' ? last : undefined
    }, 60_000)
  const kindClusters = async (): Promise<LocalCluster[]> => (await meshdeck.router.invoke('localClusters.list', {})).clusters.filter((c) => c.provider === 'kind')

  beforeAll(async () => {
    cluster = await TestCluster.start()
    engine = await startEngineStandIn(join(dir, 'docker.sock'))
    process.env.PATH = `${standInDir}${delimiter}${savedEnv.PATH ?? ''}`
    process.env.DOCKER_HOST = `unix://${engine.socket}`
    process.env.KIND_STAND_IN_ENGINE = engine.socket
    process.env.KIND_STAND_IN_KUBECONFIG = cluster.kubeconfigPath
    process.env.KIND_STAND_IN_LOG = kindLog
    delete process.env.KIND_EXPERIMENTAL_PROVIDER
    // A mesh folder gives it a control plane (on 127.0.0.1, which the kind sandbox must refuse).
    mkdirSync(join(dir, 'mesh'))
    meshdeck = await createMeshdeck({ mode: 'web', kubeconfig: userKubeconfig, dataDir, meshDir: join(dir, 'mesh'), xdsPort: 0, tracesPort: 0 })
    meshdeck.bus.subscribe((name, payload) => {
      if (name === 'localClusters.operation') operations.push(payload as LocalClusterOperation)
      if (name === 'localClusters.changed') changes.push((payload as { clusters: LocalCluster[] }).clusters)
    })
  })

  beforeEach(() => {
    process.env.KIND_STAND_IN_SCENARIO = 'create-ok'
    delete process.env.KIND_STAND_IN_VERSION
  })

  afterAll(async () => {
    await meshdeck?.dispose()
    await engine?.stop()
    await cluster?.stop()
    process.env = savedEnv
    rmSync(dir, { recursive: true, force: true })
  })

  it('preflight with a stand-in kind v0.33.0 and a stand-in engine: every check passes', async () => {
    const preflight = await meshdeck.router.invoke('localClusters.preflight', { provider: 'kind' })
    expect(preflight.ready).toBe(true)
    expect(preflight.kind).toEqual({ path: join(standInDir, 'kind'), version: 'v0.33.0' })
    expect(preflight.engine).toEqual({ name: 'docker', socket: engine.socket, version: '27.0.1' })
    const byId = Object.fromEntries(preflight.checks.map((c) => [c.id, c]))
    expect(byId.engine?.status).toBe('ok')
    expect(byId.memory).toMatchObject({ status: 'ok', detail: '15.6 GiB available to the engine.' })
    expect(engine.requests).toContain('GET /_ping')
    expect(engine.requests).toContain('GET /info')
  })

  it('preflight names the cause and the fix: kind too old, no kind, engine not running, rootless on cgroup v1, low memory', async () => {
    const check = async (id: string): Promise<{ status: string; detail: string; fix?: string }> => {
      const preflight = await meshdeck.router.invoke('localClusters.preflight', { provider: 'kind' })
      expect(preflight.ready).toBe(false)
      return preflight.checks.find((c) => c.id === id) as { status: string; detail: string; fix?: string }
    }
    process.env.KIND_STAND_IN_VERSION = 'kind v0.17.0 go1.19.2 linux/amd64'
    expect(await check('kind')).toMatchObject({ status: 'fail', detail: expect.stringContaining('kind v0.17.0'), fix: 'Upgrade kind to v0.20.0 or newer.' })
    const refused = await meshdeck.router.call('localClusters.create', { provider: 'kind', spec: { name: 'old', controlPlanes: 1, workers: 0, extraPortMappings: [] } })
    expect(refused).toMatchObject({ ok: false, error: { code: 'kind_too_old', hint: 'Upgrade kind to v0.20.0 or newer.' } })
    delete process.env.KIND_STAND_IN_VERSION

    process.env.PATH = savedEnv.PATH
    expect(await check('kind')).toMatchObject({ status: 'fail', detail: 'kind is not on PATH.', fix: expect.stringContaining('Install kind') })
    process.env.PATH = `${standInDir}${delimiter}${savedEnv.PATH ?? ''}`

    const dead = join(dir, 'dead.sock')
    writeFileSync(dead, '')
    process.env.DOCKER_HOST = `unix://${dead}`
    expect(await check('engine')).toMatchObject({ status: 'fail', detail: expect.stringContaining('is not running (GET /_ping'), fix: expect.stringContaining('systemctl start docker') })
    process.env.DOCKER_HOST = `unix://${join(dir, 'missing.sock')}`
    expect(await check('engine')).toMatchObject({ status: 'fail', detail: expect.stringContaining(`No Docker or Podman socket found (looked at ${join(dir, 'missing.sock')}, `) })
    process.env.DOCKER_HOST = `unix://${engine.socket}`

    const info = { ...engine.info }
    engine.info = { ...info, SecurityOptions: ['name=seccomp,profile=default', 'name=rootless'], CgroupVersion: '1' }
    expect(await check('rootless')).toMatchObject({ status: 'fail', fix: expect.stringContaining('cgroup v2') })
    engine.info = { ...info, MemTotal: 1.5 * 1024 ** 3 }
    expect(await check('memory')).toMatchObject({ status: 'fail', detail: '1.5 GiB available to the engine.' })
    engine.info = info
    expect(invocations().filter((i) => i.args[0] === 'create')).toEqual([])
  })

  it('settings name kind and the binaries folder, but never make Meshdeck run another program', async () => {
    const refused = await meshdeck.router.call('localClusters.configure', { kindPath: '/bin/sh' })
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_cluster_spec', message: expect.stringMatching(/^kindPath: \/bin\/sh is not an executable named kind/) } })
    expect((await meshdeck.router.call('localClusters.configure', { binariesDir: '/usr/bin' })).ok).toBe(false)
    const saved = await meshdeck.router.invoke('localClusters.configure', { kindPath: join(standInDir, 'kind'), engine: 'docker' })
    expect(saved).toEqual({ kindPath: join(standInDir, 'kind'), binariesDir: null, engine: 'docker' })
    // The configured path is used even off PATH, and the engine choice reaches kind as KIND_EXPERIMENTAL_PROVIDER.
    process.env.PATH = savedEnv.PATH
    const preflight = await meshdeck.router.invoke('localClusters.preflight', { provider: 'kind' })
    expect(preflight.checks.find((c) => c.id === 'provider')?.detail).toBe('docker (Settings; passed to kind as KIND_EXPERIMENTAL_PROVIDER)')
    expect(preflight.kind?.path).toBe(join(standInDir, 'kind'))
    const { dir: logs } = await meshdeck.router.invoke('localClusters.exportLogs', { provider: 'kind', name: 'none' })
    expect(invocations().find((i) => i.args[0] === 'export')).toMatchObject({ provider: 'docker' })
    expect(logs).toContain('kind-none')
    process.env.PATH = `${standInDir}${delimiter}${savedEnv.PATH ?? ''}`
    await meshdeck.router.invoke('localClusters.configure', { kindPath: null, engine: null })
    const archive = await meshdeck.router.call('localClusters.loadImage', { name: 'dev', archive: '/etc/passwd' })
    expect(archive).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^archive: \/etc\/passwd is not an existing image archive/) } })
  })

  it('refuses bad input before kind runs, naming the field: a name kind refuses, a host port in use, a broken or foreign config', async () => {
    const held = await holdPort()
    try {
      const check = (params: Record<string, unknown>) => meshdeck.router.invoke('localClusters.validate', params as never)
      expect((await check({ provider: 'kind', spec: { name: 'My_Cluster', controlPlanes: 1, workers: 0, extraPortMappings: [] } })).problems).toEqual([
        { field: 'name', message: expect.stringContaining('kind refuses "My_Cluster"') },
      ])
      expect((await check({ provider: 'kind', spec: { name: 'web', controlPlanes: 1, workers: 0, extraPortMappings: [{ containerPort: 80, hostPort: held.port }] } })).problems).toEqual([
        { field: 'extraPortMappings[0].hostPort', message: expect.stringContaining(`Host port ${held.port} (0.0.0.0) is already in use`) },
      ])
      expect((await check({ provider: 'kind', configYaml: 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: control-plane\n    extraPortMapings: []\n' })).problems).toEqual([
        { field: 'configYaml: nodes[0].extraPortMapings', message: 'kind does not know the node field "extraPortMapings".' },
      ])
      expect((await check({ provider: 'kind', configYaml: 'kind: Cluster\napiVersion: [' })).problems[0]?.field).toBe('configYaml')
      const outcome = await meshdeck.router.call('localClusters.create', { provider: 'kind', spec: { name: 'web', controlPlanes: 1, workers: 0, extraPortMappings: [{ containerPort: 80, hostPort: held.port }] } })
      expect(outcome).toMatchObject({ ok: false, error: { code: 'invalid_cluster_spec', message: expect.stringMatching(/^extraPortMappings\[0\]\.hostPort: /) } })
    } finally {
      held.server.close()
    }
    expect(invocations().filter((i) => i.args[0] === 'create')).toEqual([])
  })

  it("creates from the form: kind's phases become timed steps, the engine's events update the list, and Meshdeck connects", async () => {
    // The page lists first; that starts following the engine's /events.
    expect(await kindClusters()).toEqual([])
    await waitFor('the /events stream', () => engine.requests.includes('GET /events'), 5_000)
    const hostPort = await freePort()
    const { operation } = await meshdeck.router.invoke('localClusters.create', {
      provider: 'kind',
      spec: { name: 'dev', nodeImage: 'kindest/node:v1.31.0', controlPlanes: 1, workers: 1, extraPortMappings: [{ containerPort: 80, hostPort }] },
    })
    const done = await finished(operation.id)
    expect(done.error).toBeUndefined()
    expect(done.steps.map((s) => `${s.title}: ${s.state}`)).toEqual([
      'Ensuring node image (kindest/node:v1.31.0): done',
      'Preparing nodes: done',
      'Writing configuration: done',
      'Starting control-plane: done',
      'Installing CNI: done',
      'Installing StorageClass: done',
      'Joining worker nodes: done',
      'Waiting ≤ 5m0s for control-plane = Ready: done',
      'Add its context to Meshdeck’s kubeconfig: done',
      'Connect Meshdeck: done',
    ])
    expect(done.steps.find((s) => s.title === 'Starting control-plane')?.durationMs).toBeGreaterThanOrEqual(150)
    expect(done.log).toContain('Set kubectl context to "kind-dev"')

    // kind got the config Meshdeck built, and its own kubeconfig file (never the user's).
    const call = invocations().find((i) => i.args[0] === 'create')?.args ?? []
    expect(call.slice(0, 4)).toEqual(['create', 'cluster', '--name', 'dev'])
    const config = readFileSync(call[call.indexOf('--config') + 1] as string, 'utf8')
    expect(config).toContain('apiVersion: kind.x-k8s.io/v1alpha4')
    expect(config).toContain(`hostPort: ${hostPort}`)
    expect(config).toContain('role: worker')
    expect(call[call.indexOf('--kubeconfig') + 1]).not.toBe(userKubeconfig)
    expect(readFileSync(userKubeconfig, 'utf8')).toBe('apiVersion: v1\nkind: Config\ncontexts: []\n')

    const apiPort = engine.containers.find((c) => c.Labels['io.x-k8s.kind.role'] === 'control-plane')?.Ports[0]?.PublicPort
    const dev = await waitFor('dev in an engine-driven list event', () => changes.flat().find((c) => c.name === 'dev' && c.state === 'running' && c.context === 'kind-dev'), 10_000)
    expect(dev).toMatchObject({ provider: 'kind', server: `https://127.0.0.1:${apiPort}`, kubeconfig: 'meshdeck', runsPods: true, kubernetesVersion: 'v1.31.0' })
    expect(dev.nodes.map((n) => [n.name, n.role, n.state])).toEqual([
      ['dev-control-plane', 'control-plane', 'running'],
      ['dev-worker', 'worker', 'running'],
    ])
    const connection = (await meshdeck.router.invoke('clusters.connections', {})).find((c) => c.context === 'kind-dev')
    expect(connection).toMatchObject({ state: 'connected', serverVersion: expect.stringMatching(/^v1\.20/) })
    expect(readFileSync(meshdeckKubeconfigPath(dataDir), 'utf8')).toContain('name: kind-dev')

    // A node container stopping shows within a second, through /events (the slow liveness poll runs every 5 s).
    const worker = engine.containers.find((c) => c.Labels['io.x-k8s.kind.role'] === 'worker')
    engine.setState(worker?.Id ?? '', 'exited')
    await waitFor('a partial cluster event', () => changes.flat().some((c) => c.name === 'dev' && c.state === 'partial'), 1_000)
    engine.setState(worker?.Id ?? '', 'running')
  })

  it("sets up the local registry by kind's recipe through the Engine API, and twice changes nothing", async () => {
    const { operation } = await meshdeck.router.invoke('localClusters.create', { provider: 'kind', spec: { name: 'reg', controlPlanes: 1, workers: 0, extraPortMappings: [], registry: true } })
    const done = await finished(operation.id)
    expect(done.error).toBeUndefined()
    expect(done.steps.slice(-3).map((s) => [s.id, s.state])).toEqual([
      ['kubeconfig', 'done'],
      ['registry', 'done'],
      ['connect', 'done'],
    ])
    const config = readFileSync(invocations().filter((i) => i.args[0] === 'create').pop()?.args.at(-5) as string, 'utf8')
    expect(config).toContain('config_path = "/etc/containerd/certs.d"')
    expect(engine.created['kind-registry']).toMatchObject({ Image: 'registry:3', HostConfig: { RestartPolicy: { Name: 'always' }, PortBindings: { '5000/tcp': [{ HostIp: '127.0.0.1', HostPort: '5001' }] } } })
    expect(engine.execs).toEqual([{ container: 'reg-control-plane', cmd: ['sh', '-c', `mkdir -p '/etc/containerd/certs.d/localhost:5001' && printf '[host."http://kind-registry:5000"]\\n' > '/etc/containerd/certs.d/localhost:5001/hosts.toml'`] }])
    expect(engine.connects).toEqual([{ network: 'kind', container: 'kind-registry' }])
    // The ConfigMap that documents it (KEP-1755), in the cluster kind's kubeconfig points at (a real apiserver here).
    const { execFileSync } = await import('node:child_process')
    const hosting = execFileSync('kubectl', ['--kubeconfig', meshdeckKubeconfigPath(dataDir), '--context', 'kind-reg', '-n', 'kube-public', 'get', 'configmap', 'local-registry-hosting', '-o', 'jsonpath={.data.localRegistryHosting\\.v1}'], { encoding: 'utf8' })
    expect(hosting).toBe('host: "localhost:5001"\nhelp: "https://kind.sigs.k8s.io/docs/user/local-registry/"\n')
    // The registry is not a cluster of its own.
    expect((await kindClusters()).map((c) => c.name)).toEqual(['dev', 'reg'])
    const del = await meshdeck.router.invoke('localClusters.delete', { provider: 'kind', name: 'reg' })
    expect((await finished(del.operation.id)).state).toBe('succeeded')
  })

  it("maps kind's ERROR output to a clear message, and leaves no nodes behind", async () => {
    const hostPort = await freePort()
    const attempt = async (scenario: string, name: string): Promise<LocalClusterOperation> => {
      process.env.KIND_STAND_IN_SCENARIO = scenario
      const { operation } = await meshdeck.router.invoke('localClusters.create', { provider: 'kind', spec: { name, controlPlanes: 1, workers: 0, extraPortMappings: [{ containerPort: 80, hostPort }] } })
      return finished(operation.id)
    }
    const taken = await attempt('create-port-taken', 'ports')
    expect(taken).toMatchObject({ state: 'failed', error: { code: 'port_in_use', message: `Host port 0.0.0.0:${hostPort} is already in use, so cluster "ports" could not start its nodes.` } })
    expect(taken.steps.find((s) => s.title === 'Preparing nodes')?.state).toBe('failed')
    expect(engine.containers.filter((c) => c.Labels['io.x-k8s.kind.cluster'] === 'ports')).toEqual([])
    expect(await attempt('create-daemon-down', 'down')).toMatchObject({ state: 'failed', error: { code: 'engine_not_running', hint: expect.stringContaining('Start Docker') } })
    expect(await attempt('create-name-exists', 'twice')).toMatchObject({ state: 'failed', error: { code: 'cluster_exists', message: 'A kind cluster named "twice" already exists.' } })
    expect((await kindClusters()).map((c) => c.name)).toEqual(['dev'])
  })

  it('cancels a create mid-way and leaves nothing behind (kind stopped, its nodes deleted)', async () => {
    process.env.KIND_STAND_IN_SCENARIO = 'create-slow'
    const { operation } = await meshdeck.router.invoke('localClusters.create', { provider: 'kind', spec: { name: 'slow', controlPlanes: 1, workers: 1, extraPortMappings: [] } })
    await waitFor('the nodes of slow', () => engine.containers.filter((c) => c.Labels['io.x-k8s.kind.cluster'] === 'slow').length === 2, 10_000)
    await meshdeck.router.invoke('localClusters.cancel', { operationId: operation.id })
    const done = await finished(operation.id)
    expect(done).toMatchObject({ state: 'cancelled', error: { code: 'cancelled' } })
    expect(done.steps.find((s) => s.title === 'Preparing nodes')?.state).toBe('cancelled')
    expect(invocations().some((i) => i.args.join(' ').startsWith('delete cluster --name slow'))).toBe(true)
    expect(engine.containers.filter((c) => c.Labels['io.x-k8s.kind.cluster'] === 'slow')).toEqual([])
    expect(readFileSync(meshdeckKubeconfigPath(dataDir), 'utf8')).not.toContain('kind-slow')
    await waitFor('slow gone from the list', async () => !(await kindClusters()).some((c) => c.name === 'slow'), 5_000)
  })

  it('loads an image (and names an image the engine does not have), and exports logs', async () => {
    const load = await meshdeck.router.invoke('localClusters.loadImage', { name: 'dev', image: 'meshdeck/demo:dev' })
    expect((await finished(load.operation.id)).state).toBe('succeeded')
    expect(invocations().some((i) => i.args.join(' ') === 'load docker-image meshdeck/demo:dev --name dev')).toBe(true)
    process.env.KIND_STAND_IN_MISSING_IMAGE = 'nope:latest'
    const missing = await meshdeck.router.invoke('localClusters.loadImage', { name: 'dev', image: 'nope:latest' })
    expect(await finished(missing.operation.id)).toMatchObject({ state: 'failed', error: { message: 'The image nope:latest is not in the local engine.', hint: 'Pull or build it first (docker pull nope:latest).' } })
    const { dir: logs } = await meshdeck.router.invoke('localClusters.exportLogs', { provider: 'kind', name: 'dev' })
    expect(existsSync(join(logs, 'dev-control-plane', 'kubelet.log'))).toBe(true)
  })

  it('kind sandbox: creates the cluster, installs the CRDs, builds and kind-loads the demo image, then refuses a control plane pods cannot reach, with the fix', async () => {
    const { operation } = await meshdeck.router.invoke('localClusters.sandbox', { provider: 'kind', name: 'mesh' })
    const done = await finished(operation.id)
    expect(done.steps.filter((s) => !s.id.startsWith('kind:')).map((s) => [s.id, s.state])).toEqual([
      ['cluster', 'done'],
      ['kubeconfig', 'done'],
      ['connect', 'done'],
      ['crds', expect.stringMatching(/done|skipped/)],
      ['image', 'done'],
      ['demo', 'failed'],
      ['register', 'pending'],
      ['serve', 'pending'],
      ['traffic', 'pending'],
    ])
    const cp = (await meshdeck.router.invoke('controlPlane.status', {})).address
    expect(done.error).toMatchObject({ code: 'sandbox_step_failed', message: `Meshdeck’s control plane listens on ${cp}, which pods in kind cannot reach.`, hint: expect.stringContaining('--xds-host 172.18.0.1') })
    // The image came from this checkout's built workload, through POST /build, and went into the nodes with kind load.
    const build = engine.builds[0]
    expect(build?.tag).toMatch(/^meshdeck\/demo-workload:[0-9a-f]{12}$/)
    expect(build?.dockerfile).toBe('resources/demo/workload.Dockerfile')
    expect(build?.files).toEqual(expect.arrayContaining(['resources/demo/workload.Dockerfile', 'package.json', 'package-lock.json', 'out/main/demo-workload.js', 'resources/demo/protos/demo.proto']))
    expect(invocations().some((i) => i.args.join(' ') === `load docker-image ${build?.tag ?? ''} --name mesh`)).toBe(true)
    // Nothing was deployed before the refusal.
    const { execFileSync } = await import('node:child_process')
    expect(execFileSync('kubectl', ['--kubeconfig', meshdeckKubeconfigPath(dataDir), '--context', 'kind-mesh', 'get', 'crd', 'virtualservices.networking.istio.io', '-o', 'name'], { encoding: 'utf8' }).trim()).toBe('customresourcedefinition.apiextensions.k8s.io/virtualservices.networking.istio.io')
    expect(execFileSync('kubectl', ['--kubeconfig', meshdeckKubeconfigPath(dataDir), '--context', 'kind-mesh', '-n', 'demo', 'get', 'deployments', '-o', 'name'], { encoding: 'utf8' }).trim()).toBe('')
    // Run again: the cluster and the image are reused, and it stops at the same place.
    const again = await finished((await meshdeck.router.invoke('localClusters.sandbox', { provider: 'kind', name: 'mesh' })).operation.id)
    expect(again.steps.find((s) => s.id === 'cluster')).toMatchObject({ state: 'skipped', detail: 'it exists' })
    expect(again.log).toContain(`image ${build?.tag ?? ''} is built already`)
    expect(engine.builds).toHaveLength(1)
    const del = await meshdeck.router.invoke('localClusters.delete', { provider: 'kind', name: 'mesh' })
    expect((await finished(del.operation.id)).state).toBe('succeeded')
  })

  it('shows what a delete removes, then removes the nodes and the kubeconfig entries', async () => {
    const plan = await meshdeck.router.invoke('localClusters.deletePlan', { provider: 'kind', name: 'dev' })
    expect(plan.removes).toEqual(['container dev-control-plane (control-plane)', 'container dev-worker (worker)', `context kind-dev in ${meshdeckKubeconfigPath(dataDir)}`])
    const { operation } = await meshdeck.router.invoke('localClusters.delete', { provider: 'kind', name: 'dev' })
    const done = await finished(operation.id)
    expect(done.state).toBe('succeeded')
    expect(done.log).toContain('Deleted nodes: ["dev-control-plane" "dev-worker"]')
    // Only the registry container stays: kind's recipe shares it between clusters.
    expect(engine.containers.map((c) => c.Names[0])).toEqual(['/kind-registry'])
    expect(await kindClusters()).toEqual([])
    expect(readFileSync(meshdeckKubeconfigPath(dataDir), 'utf8')).not.toContain('kind-dev')
    expect((await meshdeck.router.invoke('clusters.listContexts', {})).contexts.map((c) => c.name)).not.toContain('kind-dev')
  })
})
