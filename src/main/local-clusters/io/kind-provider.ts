import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { LocalClusterErrorCode, MeshdeckError, type ApiError, type LocalCluster, type LocalClusterSettings } from '@shared/contract'
import { writeFileAtomic } from '../../lib/io/atomic-write'
import { kindClustersFromContainers, type KindClusterView } from '../engine-clusters'
import { renderKindConfig, type KindConfig } from '../kind-config'
import { kindFailure } from '../kind-errors'
import { parseKindLine } from '../kind-output'
import { entriesOf, type ClusterEntries, type KubeconfigDoc } from '../kubeconfig-entries'
import { contextNameFor } from '../names'
import type { Operation } from '../operation'
import { kindPreflight, type KindFacts } from '../preflight-checks'
import { EngineClient, resolveEngine } from './engine'
import { inotifyLimits } from './host-limits'
import { findKind, kindEnv, kindVersionOutput, runKind } from './kind-cli'

/** The step kind's own phases are inserted before: Meshdeck's steps after kind's. */
export const afterKindStep = 'kubeconfig'

/**
 * kind through its own CLI for changes (create, delete, load, export logs) and through the
 * engine's API for what exists (containers labelled io.x-k8s.kind.cluster).
 */
export class KindProvider {
  constructor(
    private readonly workDir: string,
    private readonly settings: () => Promise<LocalClusterSettings>,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  async facts(): Promise<KindFacts> {
    const settings = await this.settings()
    const path = findKind(settings.kindPath, this.env)
    const version = path ? await kindVersionOutput(path, kindEnv(settings.engine, this.env)) : { output: null, error: null }
    const endpoint = resolveEngine(settings.engine, this.env)
    let ping: KindFacts['engine']['ping'] = null
    let info: KindFacts['engine']['info'] = null
    if (endpoint.socket && endpoint.name !== 'nerdctl') {
      const client = new EngineClient(endpoint.socket)
      try {
        await client.ping()
        ping = { ok: true, apiVersion: null }
        info = await client.info().catch(() => null)
      } catch (err) {
        ping = { ok: false, error: (err as Error).message }
      }
    }
    const limits = process.platform === 'linux' ? await inotifyLimits() : { watches: null, instances: null }
    return {
      kind: { path, configuredPath: settings.kindPath, versionOutput: version.output, runError: version.error },
      engine: { name: endpoint.name, chosenBy: endpoint.chosenBy, socket: endpoint.socket, searched: endpoint.searched, ping, info },
      host: { platform: process.platform, inotifyWatches: limits.watches, inotifyInstances: limits.instances },
    }
  }

  async preflight(): Promise<ReturnType<typeof kindPreflight>> {
    return kindPreflight(await this.facts())
  }

  /** The engine's client, or the reason there is none (no socket, nerdctl). */
  async engine(): Promise<{ client: EngineClient | null; problem: ApiError | null }> {
    const endpoint = resolveEngine((await this.settings()).engine, this.env)
    if (endpoint.name === 'nerdctl') return { client: null, problem: null }
    if (!endpoint.socket) {
      return {
        client: null,
        problem: {
          code: LocalClusterErrorCode.engineNotFound,
          message: `No ${endpoint.chosenBy === 'detected' ? 'Docker or Podman' : endpoint.name} socket found (looked at ${endpoint.searched.join(', ')}).`,
          hint: 'Install and start Docker or Podman to see and create kind clusters; Docker-free clusters need neither.',
        },
      }
    }
    return { client: new EngineClient(endpoint.socket), problem: null }
  }

  /** kind clusters as the engine sees them; with nerdctl (no Engine API), names from `kind get clusters`. */
  async list(view: KindClusterView): Promise<{ clusters: LocalCluster[]; problem: ApiError | null }> {
    const { client, problem } = await this.engine()
    if (problem) return { clusters: [], problem }
    if (!client) return this.listWithCli(view)
    try {
      return { clusters: kindClustersFromContainers(await client.kindContainers(), view), problem: null }
    } catch (err) {
      return {
        clusters: [],
        problem: { code: LocalClusterErrorCode.engineNotRunning, message: `The container engine at ${client.socket} did not answer: ${(err as Error).message}`, hint: 'Start Docker or Podman; the list fills in when it answers.' },
      }
    }
  }

  private async listWithCli(view: KindClusterView): Promise<{ clusters: LocalCluster[]; problem: ApiError | null }> {
    const settings = await this.settings()
    const path = findKind(settings.kindPath, this.env)
    if (!path) return { clusters: [], problem: { code: LocalClusterErrorCode.kindNotFound, message: 'kind is not installed.', hint: 'Install kind or set its path in Settings.' } }
    const names: string[] = []
    const run = await runKind(path, ['get', 'clusters'], { env: kindEnv(settings.engine, this.env), onLine: (line, stream) => stream === 'stdout' && line.trim() && names.push(line.trim()) })
    if (run.code !== 0) return { clusters: [], problem: kindFailure(run.output, { name: '', action: 'list clusters' }).toApiError() }
    return {
      clusters: names.map((name) => {
        const known = view.contextOf(name)
        return { name, provider: 'kind', state: view.busy(name) ?? 'running', context: known?.context ?? null, kubeconfig: known?.kubeconfig ?? 'none', server: null, nodes: [], components: [], runsPods: true, kubernetesVersion: null, createdAt: null }
      }),
      problem: null,
    }
  }

  private async kind(): Promise<{ path: string; env: NodeJS.ProcessEnv }> {
    const settings = await this.settings()
    const path = findKind(settings.kindPath, this.env)
    if (!path) throw new MeshdeckError(LocalClusterErrorCode.kindNotFound, settings.kindPath ? `No kind binary at ${settings.kindPath}.` : 'kind is not on PATH.', 'Install kind (https://kind.sigs.k8s.io) or set its path in Local clusters → Settings.')
    return { path, env: kindEnv(settings.engine, this.env) }
  }

  /**
   * `kind create cluster` with the config written to a file, kind's phases becoming steps. kind
   * writes its kubeconfig into a private file (never the user's); its entries are returned for the
   * caller to list. On failure kind removes its nodes itself unless retain; on cancel we stop kind
   * and delete what it made, unless retain.
   */
  async create(config: KindConfig, retain: boolean, op: Operation): Promise<ClusterEntries> {
    const name = config.name ?? 'kind'
    const { path, env } = await this.kind()
    const configFile = join(this.workDir, `${name}.kind-config.yaml`)
    const kubeconfig = join(this.workDir, `${name}.kubeconfig`)
    await writeFileAtomic(configFile, renderKindConfig(config))
    await fs.rm(kubeconfig, { force: true })
    const args = ['create', 'cluster', '--name', name, '--config', configFile, '--kubeconfig', kubeconfig, '--wait', '5m', ...(retain ? ['--retain'] : [])]
    op.log(`$ kind ${args.join(' ')}`)
    let current: string | null = null
    try {
      const run = await runKind(path, args, {
        env,
        signal: op.signal,
        onLine: (line) => {
          op.log(line)
          const event = parseKindLine(line)
          if (event.type === 'stepStarted') {
            if (current) op.endStep(current, 'done')
            current = `kind:${event.title}`
            op.addStepBefore(afterKindStep, current, event.title)
            op.startStep(current)
          } else if (event.type === 'stepEnded') {
            const id = `kind:${event.title}`
            op.addStepBefore(afterKindStep, id, event.title)
            op.endStep(id, event.ok ? 'done' : 'failed')
            if (current === id) current = null
          }
        },
      })
      if (run.cancelled) {
        if (!retain) await this.deleteQuietly(name, op)
        op.checkCancelled()
      }
      if (run.code !== 0) throw kindFailure(run.output, { name, action: `create cluster "${name}"` })
      const doc = parse(await fs.readFile(kubeconfig, 'utf8')) as KubeconfigDoc
      const entries = entriesOf(doc, contextNameFor('kind', name))
      if (!entries) throw new MeshdeckError(LocalClusterErrorCode.kindFailed, `kind created "${name}" but wrote no context ${contextNameFor('kind', name)}.`, 'Run `kind get kubeconfig --name ' + name + '` to see what kind has.')
      return entries
    } finally {
      await fs.rm(kubeconfig, { force: true })
    }
  }

  private async deleteQuietly(name: string, op: Operation): Promise<void> {
    const { path, env } = await this.kind()
    op.log(`$ kind delete cluster --name ${name}  (cleaning up after cancel)`)
    const scratch = join(this.workDir, `${name}.delete.kubeconfig`)
    await runKind(path, ['delete', 'cluster', '--name', name, '--kubeconfig', scratch], { env, onLine: (line) => op.log(line) })
    await fs.rm(scratch, { force: true })
  }

  async delete(name: string, op: Operation): Promise<void> {
    const { path, env } = await this.kind()
    // kind also removes the cluster's entries from the kubeconfig it is given: a scratch file here.
    const scratch = join(this.workDir, `${name}.delete.kubeconfig`)
    const args = ['delete', 'cluster', '--name', name, '--kubeconfig', scratch]
    op.log(`$ kind ${args.join(' ')}`)
    try {
      const run = await runKind(path, args, { env, signal: op.signal, onLine: (line) => op.log(line) })
      op.checkCancelled()
      if (run.code !== 0) throw kindFailure(run.output, { name, action: `delete cluster "${name}"` })
    } finally {
      await fs.rm(scratch, { force: true })
    }
  }

  /** `kind load docker-image IMAGE` or `kind load image-archive FILE` into every node of the cluster. */
  async loadImage(name: string, source: { image?: string; archive?: string }, op: Operation): Promise<void> {
    const { path, env } = await this.kind()
    const args = source.archive ? ['load', 'image-archive', source.archive, '--name', name] : ['load', 'docker-image', source.image ?? '', '--name', name]
    op.log(`$ kind ${args.join(' ')}`)
    const run = await runKind(path, args, { env, signal: op.signal, onLine: (line) => op.log(line) })
    op.checkCancelled()
    if (run.code !== 0) throw kindFailure(run.output, { name, action: `load ${source.archive ?? source.image ?? 'the image'} into "${name}"` })
  }

  /** The cluster's entries from `kind get kubeconfig --name NAME` (a cluster made outside Meshdeck). */
  async kubeconfigEntries(name: string): Promise<ClusterEntries> {
    const { path, env } = await this.kind()
    const out: string[] = []
    const run = await runKind(path, ['get', 'kubeconfig', '--name', name], { env, onLine: (line, stream) => stream === 'stdout' && out.push(line) })
    if (run.code !== 0) throw kindFailure(run.output, { name, action: `read the kubeconfig of "${name}"` })
    const entries = entriesOf(parse(out.join('\n')) as KubeconfigDoc, contextNameFor('kind', name))
    if (!entries) throw new MeshdeckError(LocalClusterErrorCode.kindFailed, `kind get kubeconfig --name ${name} has no context ${contextNameFor('kind', name)}.`, 'Check the cluster with kind.')
    return entries
  }

  /** `kind export logs DIR --name NAME`. */
  async exportLogs(name: string, dir: string): Promise<string> {
    const { path, env } = await this.kind()
    const lines: string[] = []
    const run = await runKind(path, ['export', 'logs', dir, '--name', name], { env, onLine: (line) => lines.push(line) })
    if (run.code !== 0) throw kindFailure(run.output, { name, action: `export the logs of "${name}"` })
    return dir
  }
}
