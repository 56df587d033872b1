import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import {
  ErrorCode,
  LocalClusterErrorCode,
  MeshdeckError,
  type ApiError,
  type CreateLocalClusterParams,
  type DemoWorkload,
  type LocalCluster,
  type LocalClusterOperation,
  type LocalClusterProvider,
  type LocalClusterSettings,
  type Preflight,
  type SpecProblem,
} from '@shared/contract'
import { existsSync } from 'node:fs'
import { basename, delimiter, isAbsolute } from 'node:path'
import { clientForContext, loadKubeconfig, type KubeClient } from '../../cluster/io'
import type { Disposable } from '../../lib/disposable'
import { hostPortsOfConfig, hostPortsOfSpec, kindConfigFromSpec, kindSpecProblems, parseKindConfig, portsInUseProblems, renderKindConfig, type KindConfig } from '../kind-config'
import { certificateEntries } from '../kubeconfig-entries'
import { clusterNameProblem, contextNameFor } from '../names'
import { Operation, type OperationKind } from '../operation'
import { processesPreflight } from '../preflight-checks'
import { componentNames } from '../process-cluster-plan'
import { findBinaries, processesFacts } from './binaries'
import { findKind } from './kind-cli'
import { afterKindStep, KindProvider } from './kind-provider'
import { KubeconfigStore, kubeconfigWithLocalClusters, userKubeconfigFile, userKubeconfigPaths } from './kubeconfig-store'
import { setUpLocalRegistry } from './kind-registry'
import { hostPortsInUse } from './ports'
import { ProcessClusters } from './process-cluster'
import { runSandbox, sandboxSteps } from './sandbox'
import { SettingsStore } from './settings-store'

/** What the domain needs from the rest of Meshdeck, given by the composition root. */
export interface LocalClustersHost {
  dataDir: string
  /** The user's --kubeconfig; undefined: KUBECONFIG, else ~/.kube/config. */
  userKubeconfig?: string
  /** Another domain's API method, as any client would call it (clusters.connect, controlPlane.useSource, …). */
  invoke: (method: string, params: Record<string, unknown>) => Promise<unknown>
  /** Starts the demo mesh's processes on the running control plane, or returns those already running. */
  startDemo?: () => Promise<DemoWorkload[]>
  emitChanged: (clusters: LocalCluster[]) => void
  emitOperation: (operation: LocalClusterOperation) => void
  env?: NodeJS.ProcessEnv
}

const keptOperations = 20
const processesPollMs = 5_000

const createSteps: Record<LocalClusterProvider, { id: string; title: string }[]> = {
  kind: [
    { id: afterKindStep, title: 'Add its context to Meshdeck’s kubeconfig' },
    { id: 'connect', title: 'Connect Meshdeck' },
  ],
  processes: [
    { id: 'binaries', title: 'Find etcd and kube-apiserver' },
    { id: 'pki', title: 'Make certificates (CA, API server, admin)' },
    { id: 'etcd', title: 'Start etcd' },
    { id: 'kube-apiserver', title: 'Start kube-apiserver and wait until ready' },
    { id: 'controllers', title: 'Start kube-controller-manager and kube-scheduler' },
    { id: 'kubeconfig', title: 'Add its context to Meshdeck’s kubeconfig' },
    { id: 'connect', title: 'Connect Meshdeck' },
  ],
}

/**
 * Local clusters as the API sees them: lists (engine events for kind, process exits and a slow
 * liveness check for Docker-free ones), preflight, validated creates, deletes with kubeconfig
 * clean-up, and the sandbox — each long action an Operation with steps, cancellable.
 */
export class LocalClustersService implements Disposable {
  readonly settings: SettingsStore
  readonly kubeconfig: KubeconfigStore
  readonly kind: KindProvider
  readonly processes: ProcessClusters
  private readonly operations = new Map<string, Operation>()
  private readonly work = new Set<Promise<void>>()
  private watching: Disposable[] | null = null
  private lastSignature = ''
  private refreshTimer: NodeJS.Timeout | null = null
  private disposed = false

  constructor(private readonly host: LocalClustersHost) {
    const root = join(host.dataDir, 'local-clusters')
    this.settings = new SettingsStore(host.dataDir)
    this.kubeconfig = new KubeconfigStore(host.dataDir)
    this.kind = new KindProvider(join(root, 'kind'), () => this.settings.get(), host.env ?? process.env)
    this.processes = new ProcessClusters(join(root, 'processes'), () => this.scheduleRefresh())
  }

  /** Every kubeconfig path Meshdeck reads: the user's, then its own file of local clusters. */
  kubeconfigPaths(): string {
    return kubeconfigWithLocalClusters(this.host.userKubeconfig, this.host.dataDir, this.host.env)
  }

  async list(): Promise<{ clusters: LocalCluster[]; operations: LocalClusterOperation[]; kindProblem: ApiError | null }> {
    this.watch()
    const { clusters, kindProblem } = await this.clusters()
    return { clusters, operations: [...this.operations.values()].map((op) => op.dto()), kindProblem }
  }

  private async clusters(): Promise<{ clusters: LocalCluster[]; kindProblem: ApiError | null }> {
    const ledger = await this.kubeconfig.ledger()
    const contextOf = (provider: LocalClusterProvider) => (name: string) => {
      const entry = ledger.clusters[KubeconfigStore.key(provider, name)]
      return entry ? { context: entry.context, kubeconfig: entry.merged ? ('merged' as const) : ('meshdeck' as const) } : null
    }
    const busy = (provider: LocalClusterProvider) => (name: string) => {
      const op = [...this.operations.values()].find((o) => !o.finished && o.provider === provider && o.cluster === name && (o.kind === 'create' || o.kind === 'delete' || o.kind === 'sandbox'))
      return op ? (op.kind === 'delete' ? ('deleting' as const) : ('creating' as const)) : null
    }
    const kind = await this.kind.list({ contextOf: contextOf('kind'), busy: busy('kind') })
    const processes = (await this.processes.records()).map((record) => this.processes.describe(this.processes.status(record), contextOf('processes')(record.name), busy('processes')(record.name)))
    // A create under way that has no container or folder yet still shows, as creating.
    const shown = new Set([...kind.clusters, ...processes].map((c) => `${c.provider}/${c.name}`))
    const pending: LocalCluster[] = [...this.operations.values()]
      .filter((op) => !op.finished && (op.kind === 'create' || op.kind === 'sandbox') && !shown.has(`${op.provider}/${op.cluster}`))
      .map((op) => ({ name: op.cluster, provider: op.provider, state: 'creating', context: null, kubeconfig: 'none', server: null, nodes: [], components: [], runsPods: op.provider === 'kind', kubernetesVersion: null, createdAt: null }))
    return { clusters: [...kind.clusters, ...processes, ...pending].sort((a, b) => a.name.localeCompare(b.name) || a.provider.localeCompare(b.provider)), kindProblem: kind.problem }
  }

  /** Starts following the engine's events and the Docker-free processes, once something lists. */
  private watch(): void {
    if (this.watching || this.disposed) return
    this.watching = []
    void this.kind.engine().then(({ client }) => {
      if (!client || this.disposed || !this.watching) return
      this.watching.push(client.watch(() => this.scheduleRefresh(), () => this.scheduleRefresh()))
    })
    // Processes started by another Meshdeck (or before a restart) do not tell us when they exit.
    const timer = setInterval(() => this.scheduleRefresh(), processesPollMs)
    timer.unref()
    this.watching.push({ dispose: () => clearInterval(timer) })
  }

  /** Coalesces bursts (kind starts several containers at once) into one list event. */
  scheduleRefresh(): void {
    if (this.refreshTimer || this.disposed) return
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null
      void this.clusters()
        .then(({ clusters }) => {
          const signature = JSON.stringify(clusters)
          if (signature === this.lastSignature || this.disposed) return
          this.lastSignature = signature
          this.host.emitChanged(clusters)
        })
        .catch(() => undefined)
    }, 250)
  }

  async preflight(provider: LocalClusterProvider): Promise<Preflight> {
    if (provider === 'kind') return this.kind.preflight()
    return processesPreflight(await processesFacts((await this.settings.get()).binariesDir))
  }

  /**
   * Paths are checked before they are kept: Meshdeck runs what they name, so an API caller may only
   * pick an existing absolute `kind` executable and a folder that holds etcd and kube-apiserver —
   * never make it run some other program.
   */
  async configure(patch: Partial<LocalClusterSettings>): Promise<LocalClusterSettings> {
    const problems: SpecProblem[] = []
    if (patch.kindPath) {
      const base = basename(patch.kindPath).toLowerCase()
      if (!isAbsolute(patch.kindPath) || !/^kind(-[a-z0-9.-]+)?(\.exe)?$/.test(base) || !findKind(patch.kindPath)) {
        problems.push({ field: 'kindPath', message: `${patch.kindPath} is not an executable named kind (or kind-<platform>) at an absolute path.` })
      }
    }
    if (patch.binariesDir) {
      const found = isAbsolute(patch.binariesDir) ? findBinaries(patch.binariesDir) : null
      if (!found?.dir) problems.push({ field: 'binariesDir', message: `${patch.binariesDir} is not an absolute folder holding etcd and kube-apiserver.` })
    }
    if (problems.length > 0) throw specError(problems)
    return this.settings.set(patch)
  }

  /**
   * A context of the user's kubeconfig with the name the new cluster's would get hides Meshdeck's
   * entry (the first file wins); only a merge, which replaces it with a backup, may go ahead.
   */
  private async shadowProblem(provider: LocalClusterProvider, name: string, target: 'meshdeck' | 'merge' | undefined): Promise<SpecProblem | null> {
    if (target === 'merge') return null
    const context = contextNameFor(provider, name)
    const user = await loadKubeconfig(userKubeconfigPaths(this.host.userKubeconfig, this.host.env).join(delimiter))
    const found = user.merged.contexts.get(context)
    if (!found) return null
    return {
      field: 'name',
      message: `Your kubeconfig already has a context ${context} (${found.file}), which would hide the new cluster's. Pick another name, or merge into your kubeconfig to replace it (a backup is made; deleting the cluster puts it back).`,
    }
  }

  /** Every problem of a create request, with its field; nothing is started. */
  async validate(params: CreateLocalClusterParams): Promise<{ problems: SpecProblem[]; configYaml: string | null; config: KindConfig | null }> {
    if (params.provider === 'processes') {
      const problem = clusterNameProblem('processes', params.name)
      const problems = problem ? [problem] : []
      if (!problem && (await this.processes.exists(params.name))) problems.push({ field: 'name', message: `A Docker-free cluster named "${params.name}" already exists.` })
      const shadow = problems.length === 0 ? await this.shadowProblem('processes', params.name, params.kubeconfig) : null
      if (shadow) problems.push(shadow)
      return { problems, configYaml: null, config: null }
    }
    let config: KindConfig | null
    let problems: SpecProblem[]
    let ports
    if (params.configYaml !== undefined && params.configYaml.trim() !== '') {
      const parsed = parseKindConfig(params.configYaml)
      config = parsed.config
      problems = parsed.problems
      ports = config ? hostPortsOfConfig(config) : []
    } else if (params.spec) {
      problems = kindSpecProblems(params.spec)
      config = kindConfigFromSpec(params.spec)
      ports = hostPortsOfSpec(params.spec)
    } else {
      return { problems: [{ field: 'spec', message: 'Fill in the form or paste a kind config.' }], configYaml: null, config: null }
    }
    if (problems.length === 0) problems.push(...portsInUseProblems(await hostPortsInUse(ports)))
    const name = config?.name ?? params.spec?.name ?? ''
    if (problems.length === 0 && this.isBusy('kind', name)) problems.push({ field: 'name', message: `"${name}" is being created or deleted right now.` })
    const shadow = problems.length === 0 ? await this.shadowProblem('kind', name, params.kubeconfig) : null
    if (shadow) problems.push(shadow)
    return { problems, configYaml: config ? renderKindConfig(config) : null, config: problems.length === 0 ? config : null }
  }

  async create(params: CreateLocalClusterParams): Promise<LocalClusterOperation> {
    const checked = await this.validate(params)
    if (checked.problems.length > 0) throw specError(checked.problems)
    if (params.provider === 'kind') {
      const config = checked.config as KindConfig
      const name = config.name ?? 'kind'
      // Refused before anything starts: no kind, no engine, rootless without cgroup v2.
      const preflight = await this.kind.preflight()
      if (!preflight.ready) throw preflightError(preflight)
      const existing = (await this.kind.list({ contextOf: () => null, busy: () => null })).clusters.some((c) => c.name === name)
      if (existing) throw specError([{ field: 'name', message: `A kind cluster named "${name}" already exists.` }])
      const registry = params.spec?.registry === true
      const steps = registry ? [createSteps.kind[0] as { id: string; title: string }, { id: 'registry', title: 'Local registry (kind-registry on localhost:5001)' }, ...createSteps.kind.slice(1)] : createSteps.kind
      return this.start('create', 'kind', name, steps, async (op) => {
        const entries = await this.kind.create(config, params.retain ?? false, op)
        await this.finishCreate(op, 'kind', name, entries, params.kubeconfig ?? 'meshdeck', registry ? () => this.localRegistry(name, entries.context.name, op) : undefined)
      }).dto()
    }
    const name = params.name
    return this.start('create', 'processes', name, createSteps.processes, async (op) => {
      await this.createProcesses(op, name, params.kubeconfig ?? 'meshdeck')
    }).dto()
  }

  /** The Docker-free create's work, shared with the sandbox. */
  async createProcesses(op: Operation, name: string, kubeconfig: 'meshdeck' | 'merge'): Promise<void> {
    const record = await this.processes.create(name, (await this.settings.get()).binariesDir, op)
    const pki = this.processes.pki(name)
    const entries = certificateEntries({ context: contextNameFor('processes', name), server: `https://127.0.0.1:${record.ports.apiserver}`, caFile: pki.caCert, certFile: pki.adminCert, keyFile: pki.adminKey })
    try {
      await this.finishCreate(op, 'processes', name, entries, kubeconfig)
    } catch (err) {
      // Not listed and not connected is a half-made cluster: take it away again.
      if (!(await this.kubeconfig.contextOf('processes', name))) await this.processes.delete(name).catch(() => undefined)
      throw err
    }
  }

  private async finishCreate(op: Operation, provider: LocalClusterProvider, name: string, entries: ReturnType<typeof certificateEntries>, target: 'meshdeck' | 'merge', beforeConnect?: () => Promise<void>): Promise<void> {
    await op.runStep('kubeconfig', async () => {
      await this.kubeconfig.add(provider, name, entries)
      if (target === 'merge') await this.kubeconfig.merge(provider, name, userKubeconfigFile(this.host.userKubeconfig, this.host.env))
    })
    op.setContext(entries.context.name)
    this.scheduleRefresh()
    if (beforeConnect) await beforeConnect()
    await op.runStep('connect', async () => {
      await this.connect(entries.context.name)
    })
  }

  /** kind's local-registry recipe through the engine's API (the cluster exists and is listed by now). */
  private async localRegistry(name: string, context: string, op: Operation): Promise<void> {
    await op.runStep('registry', async () => {
      const { client, problem } = await this.kind.engine()
      if (!client) throw new MeshdeckError(problem?.code ?? LocalClusterErrorCode.engineNotFound, problem?.message ?? 'The local registry needs the Engine API (docker or podman).', problem?.hint)
      await setUpLocalRegistry(client.docker, name, await this.client(context), (line) => op.log(line))
    })
  }

  /** Connects Meshdeck to the context and looks at it (Meshdeck's view only; kubeconfig files keep their current-context). */
  async connect(context: string): Promise<void> {
    const connection = (await this.host.invoke('clusters.connect', { context })) as { state?: string; error?: ApiError | null }
    if (connection.state === 'failed') {
      throw new MeshdeckError(connection.error?.code ?? LocalClusterErrorCode.clusterNotRunning, connection.error?.message ?? `Could not connect to ${context}.`, connection.error?.hint)
    }
    await this.host.invoke('clusters.selectContext', { name: context })
  }

  async deletePlan(provider: LocalClusterProvider, name: string): Promise<string[]> {
    const kubeconfig = await this.kubeconfig.describe(provider, name)
    if (provider === 'processes') return [...this.processes.deletePlan(await this.processes.read(name)), ...kubeconfig]
    const cluster = (await this.kind.list({ contextOf: () => null, busy: () => null })).clusters.find((c) => c.name === name)
    if (!cluster) throw new MeshdeckError(LocalClusterErrorCode.clusterNotFound, `There is no kind cluster named "${name}".`, 'Refresh the list.')
    return [...cluster.nodes.map((n) => `container ${n.name} (${n.role})`), ...kubeconfig]
  }

  delete(provider: LocalClusterProvider, name: string): LocalClusterOperation {
    if (this.isBusy(provider, name)) throw busyError(name)
    const steps =
      provider === 'kind'
        ? [
            { id: 'nodes', title: 'Delete the node containers (kind delete cluster)' },
            { id: 'kubeconfig', title: 'Remove its kubeconfig entries' },
          ]
        : [
            { id: 'nodes', title: 'Stop the processes and remove the data' },
            { id: 'kubeconfig', title: 'Remove its kubeconfig entries' },
          ]
    return this.start('delete', provider, name, steps, async (op) => {
      const known = await this.kubeconfig.contextOf(provider, name)
      if (known) await this.host.invoke('clusters.disconnect', { context: known.context }).catch(() => undefined)
      await op.runStep('nodes', async () => {
        if (provider === 'kind') await this.kind.delete(name, op)
        else await this.processes.delete(name)
      })
      await op.runStep('kubeconfig', async (skip) => {
        if (!known) return skip('Meshdeck wrote none')
        const { keptChanged } = await this.kubeconfig.remove(provider, name)
        if (keptChanged.length > 0) op.log(`kept: ${keptChanged.join('; ')}`)
      })
    }).dto()
  }

  startCluster(provider: LocalClusterProvider, name: string): LocalClusterOperation {
    if (provider !== 'processes') throw notSupported('start', 'kind clusters are started and stopped by their engine (`docker start` on their node containers)')
    if (this.isBusy(provider, name)) throw busyError(name)
    return this.start('start', provider, name, createSteps.processes.filter((s) => ['etcd', 'kube-apiserver', 'controllers', 'connect'].includes(s.id)), async (op) => {
      await this.processes.start(name, op)
      const known = await this.kubeconfig.contextOf('processes', name)
      await op.runStep('connect', async (skip) => {
        if (!known) return skip('it has no kubeconfig entry')
        await this.connect(known.context)
      })
    }).dto()
  }

  stopCluster(provider: LocalClusterProvider, name: string): LocalClusterOperation {
    if (provider !== 'processes') throw notSupported('stop', 'kind clusters are started and stopped by their engine (`docker stop` on their node containers)')
    if (this.isBusy(provider, name)) throw busyError(name)
    return this.start('stop', provider, name, [{ id: 'stop', title: 'Stop the processes (data kept)' }], async (op) => {
      const known = await this.kubeconfig.contextOf('processes', name)
      if (known) await this.host.invoke('clusters.disconnect', { context: known.context }).catch(() => undefined)
      await op.runStep('stop', () => this.processes.stop(name))
    }).dto()
  }

  loadImage(name: string, source: { image?: string; archive?: string }): LocalClusterOperation {
    if (!source.image === !source.archive) throw specError([{ field: 'image', message: 'Give either an image in the engine or an image archive (a .tar file), not both.' }])
    if (source.archive && (!isAbsolute(source.archive) || !/\.tar$/.test(source.archive) || !existsSync(source.archive))) {
      throw specError([{ field: 'archive', message: `${source.archive} is not an existing image archive (an absolute path to a .tar file, as docker save writes).` }])
    }
    return this.start('loadImage', 'kind', name, [{ id: 'load', title: source.archive ? `kind load image-archive ${source.archive}` : `kind load docker-image ${source.image ?? ''}` }], async (op) => {
      await op.runStep('load', () => this.kind.loadImage(name, source, op))
    }).dto()
  }

  async exportLogs(provider: LocalClusterProvider, name: string): Promise<string> {
    const dir = join(this.host.dataDir, 'local-clusters', 'logs', `${provider}-${name}-${new Date().toISOString().replace(/[:.]/g, '-')}`)
    return provider === 'kind' ? this.kind.exportLogs(name, dir) : this.processes.exportLogs(name, dir)
  }

  logs(name: string, component: (typeof componentNames)[number], tail: number): string[] {
    return this.processes.logTail(name, component, tail)
  }

  async mergeKubeconfig(provider: LocalClusterProvider, name: string): Promise<{ file: string; backup: string | null; context: string }> {
    const merged = await this.kubeconfig.merge(provider, name, userKubeconfigFile(this.host.userKubeconfig, this.host.env))
    this.scheduleRefresh()
    return merged
  }

  sandbox(params: { provider: LocalClusterProvider; name: string; nodeImage?: string }): LocalClusterOperation {
    const problem = clusterNameProblem(params.provider, params.name)
    if (problem) throw specError([problem])
    if (this.isBusy(params.provider, params.name)) throw busyError(params.name)
    return this.start('sandbox', params.provider, params.name, sandboxSteps(params.provider), (op) =>
      runSandbox(op, {
        provider: params.provider,
        name: params.name,
        nodeImage: params.nodeImage,
        service: this,
        startDemo: this.host.startDemo,
        invoke: this.host.invoke,
        client: (context) => this.client(context),
      }),
    ).dto()
  }

  client(context: string): Promise<KubeClient> {
    return clientForContext(context, this.kubeconfigPaths())
  }

  cancel(id: string): LocalClusterOperation {
    const op = this.operations.get(id)
    if (!op) throw new MeshdeckError(LocalClusterErrorCode.operationNotFound, `No operation ${id} is known.`, 'It may have finished long ago; refresh the list.')
    op.cancel()
    return op.dto()
  }

  isBusy(provider: LocalClusterProvider, name: string): boolean {
    return [...this.operations.values()].some((op) => !op.finished && op.provider === provider && op.cluster === name)
  }

  /** Runs the work in the background as an Operation; its failure becomes the operation's error, never an unhandled rejection. */
  start(kind: OperationKind, provider: LocalClusterProvider, cluster: string, steps: { id: string; title: string }[], work: (op: Operation) => Promise<void>): Operation {
    const op = new Operation(randomBytes(8).toString('hex'), kind, provider, cluster, steps, Date.now, (dto) => this.host.emitOperation(dto))
    this.operations.set(op.id, op)
    this.trim()
    this.scheduleRefresh()
    const running = (async () => {
      try {
        await work(op)
        op.checkCancelled()
        op.succeed()
      } catch (err) {
        op.fail(err instanceof MeshdeckError ? err.toApiError() : { code: ErrorCode.internal, message: err instanceof Error ? err.message : String(err), hint: 'Unexpected failure; see the steps and log above.' })
      } finally {
        this.scheduleRefresh()
      }
    })()
    this.work.add(running)
    void running.finally(() => this.work.delete(running))
    return op
  }

  /** Waits for an operation to end (CLI, tests). */
  async finished(id: string): Promise<LocalClusterOperation> {
    const op = this.operations.get(id)
    if (!op) throw new MeshdeckError(LocalClusterErrorCode.operationNotFound, `No operation ${id} is known.`)
    while (!op.finished) await Promise.race([...this.work, new Promise((resolve) => setTimeout(resolve, 100))])
    return op.dto()
  }

  private trim(): void {
    const done = [...this.operations.values()].filter((op) => op.finished)
    for (const op of done.slice(0, Math.max(0, done.length - keptOperations))) this.operations.delete(op.id)
  }

  async dispose(): Promise<void> {
    this.disposed = true
    if (this.refreshTimer) clearTimeout(this.refreshTimer)
    for (const w of this.watching ?? []) w.dispose()
    this.watching = null
    // Operations under way are cancelled (a create cleans up after itself) and awaited.
    for (const op of this.operations.values()) op.cancel()
    await Promise.allSettled([...this.work])
    await fs.rm(join(this.host.dataDir, 'local-clusters', 'kind', '.tmp'), { recursive: true, force: true })
  }
}

export function specError(problems: SpecProblem[]): MeshdeckError {
  return new MeshdeckError(
    LocalClusterErrorCode.invalidSpec,
    problems.map((p) => `${p.field}: ${p.message}`).join(' '),
    'Fix the named field(s); nothing was started.',
  )
}

function preflightError(preflight: Preflight): MeshdeckError {
  const failed = preflight.checks.find((c) => c.status === 'fail')
  const code =
    failed?.id === 'kind'
      ? /older than/.test(failed.detail)
        ? LocalClusterErrorCode.kindTooOld
        : LocalClusterErrorCode.kindNotFound
      : failed?.id === 'engine'
        ? /not running/.test(failed.detail)
          ? LocalClusterErrorCode.engineNotRunning
          : LocalClusterErrorCode.engineNotFound
        : failed?.id === 'rootless'
          ? LocalClusterErrorCode.rootlessNeedsCgroupV2
          : LocalClusterErrorCode.engineNotRunning
  return new MeshdeckError(code, failed?.detail ?? 'A preflight check failed.', failed?.fix)
}

function busyError(name: string): MeshdeckError {
  return new MeshdeckError(LocalClusterErrorCode.operationBusy, `"${name}" has an operation under way.`, 'Wait for it to finish, or cancel it.')
}

function notSupported(action: string, why: string): MeshdeckError {
  return new MeshdeckError(LocalClusterErrorCode.notSupported, `Meshdeck does not ${action} kind clusters.`, why)
}
