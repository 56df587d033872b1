import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { MeshdeckError, type ApiError, type PrometheusEndpoint, type PrometheusScopeStatus } from '@shared/contract'
import type { KubeClient } from '../../../cluster/io'
import { trackDisposable, type Disposable } from '../../../lib/disposable'
import { writeFileAtomic } from '../../../lib/io/atomic-write'
import { asMeshdeckError, directTransport, parsePrometheusUrl, PrometheusClient } from './prometheus-client'
import { discoverPrometheus, type DiscoveryAttempt } from './prometheus-discovery'

export interface PrometheusSourcesOptions {
  dataDir: string
  /** `--prometheus URL`: the local demo's Prometheus for this run, over any saved setting. */
  flagUrl?: string
  /** A context's API client (connecting if needed), for discovery through the service proxy. */
  clusterClient?: (context: string) => Promise<KubeClient>
}

const settingsSchema = z.object({ local: z.string().nullable().default(null), contexts: z.record(z.string(), z.string()).default({}) })
type Settings = z.infer<typeof settingsSchema>

export interface ResolvedPrometheus {
  client: PrometheusClient
  endpoint: PrometheusEndpoint
}

/** Where a scope's Prometheus is: null is the local demo, a string a kubeconfig context. */
export type PrometheusScope = string | null

const scopeKey = (scope: PrometheusScope): string => scope ?? ''

/**
 * Which Prometheus each scope uses, and why: for the local demo, `--prometheus` or the saved URL;
 * for a context, the saved URL or the one found through its API server. Resolved once and kept
 * until a query through it fails or the setting changes; the last problem of each scope is kept
 * for the status, so the UI can say why there are no numbers.
 */
export class PrometheusSources implements Disposable {
  private readonly file: string
  private readonly resolved = new Map<string, ResolvedPrometheus>()
  private readonly pending = new Map<string, Promise<ResolvedPrometheus>>()
  private readonly problems = new Map<string, ApiError>()
  private readonly seen = new Set<string>([''])

  constructor(private readonly options: PrometheusSourcesOptions) {
    this.file = join(options.dataDir, 'telemetry', 'prometheus.json')
    if (options.flagUrl !== undefined) parsePrometheusUrl(options.flagUrl)
    trackDisposable(this)
  }

  /** The scope's Prometheus, found or checked now if not known yet; the reason in the error otherwise. */
  async resolve(scope: PrometheusScope, signal?: AbortSignal): Promise<ResolvedPrometheus> {
    const key = scopeKey(scope)
    this.seen.add(key)
    const known = this.resolved.get(key)
    if (known) return known
    let running = this.pending.get(key)
    if (!running) {
      running = this.find(scope, signal).finally(() => this.pending.delete(key))
      this.pending.set(key, running)
    }
    try {
      const found = await running
      this.resolved.set(key, found)
      this.problems.delete(key)
      return found
    } catch (err) {
      const failure = asMeshdeckError(err)
      this.noteProblem(scope, failure)
      throw failure
    }
  }

  /** Whether a scope has a Prometheus to try: the local demo when a URL is given; a context always (discovery looks). */
  async isConfigured(scope: PrometheusScope): Promise<boolean> {
    if (scope !== null) return true
    return this.options.flagUrl !== undefined || (await this.settings()).local !== null
  }

  /** A query through this scope's Prometheus failed: remember why, and look again next time. */
  noteProblem(scope: PrometheusScope, err: unknown): void {
    const key = scopeKey(scope)
    const failure = asMeshdeckError(err)
    if (failure instanceof MeshdeckError) this.problems.set(key, { code: failure.code, message: failure.message, hint: failure.hint })
    else this.problems.set(key, { code: 'internal', message: String(failure), hint: '' })
    this.resolved.delete(key)
  }

  noteSuccess(scope: PrometheusScope): void {
    this.problems.delete(scopeKey(scope))
  }

  /** Sets (after checking it answers as Prometheus) or forgets a scope's URL. A refused URL saves nothing. */
  async setUrl(scope: PrometheusScope, raw: string | null): Promise<PrometheusScopeStatus> {
    const settings = await this.settings()
    let url: string | null = null
    if (raw !== null) {
      const parsed = parsePrometheusUrl(raw)
      const client = new PrometheusClient(directTransport(parsed))
      try {
        await client.buildInfo()
      } catch (err) {
        throw asMeshdeckError(err)
      }
      url = parsed.href.replace(/\/$/, '')
    }
    if (scope === null) settings.local = url
    else if (url === null) delete settings.contexts[scope]
    else settings.contexts[scope] = url
    await writeFileAtomic(this.file, `${JSON.stringify(settings, null, 2)}\n`)
    this.resolved.delete(scopeKey(scope))
    this.problems.delete(scopeKey(scope))
    this.seen.add(scopeKey(scope))
    return this.scopeStatus(scope, settings)
  }

  async discover(context: string): Promise<{ endpoint: PrometheusEndpoint; attempts: DiscoveryAttempt[] }> {
    const found = await discoverPrometheus(await this.kube(context), context)
    this.resolved.set(context, found)
    this.problems.delete(context)
    this.seen.add(context)
    return { endpoint: found.endpoint, attempts: found.attempts }
  }

  async status(): Promise<{ scopes: PrometheusScopeStatus[] }> {
    const settings = await this.settings()
    const keys = new Set([...this.seen, ...Object.keys(settings.contexts)])
    return { scopes: [...keys].sort().map((key) => this.scopeStatus(key === '' ? null : key, settings)) }
  }

  dispose(): void {
    this.resolved.clear()
  }

  private scopeStatus(scope: PrometheusScope, settings: Settings): PrometheusScopeStatus {
    const key = scopeKey(scope)
    return {
      context: scope,
      configuredUrl: scope === null ? (this.options.flagUrl ?? settings.local) : (settings.contexts[scope] ?? null),
      endpoint: this.resolved.get(key)?.endpoint ?? null,
      error: this.problems.get(key) ?? null,
    }
  }

  private async find(scope: PrometheusScope, signal?: AbortSignal): Promise<ResolvedPrometheus> {
    const settings = await this.settings()
    const given = scope === null ? (this.options.flagUrl ?? settings.local) : settings.contexts[scope]
    if (given) {
      const how = scope === null && this.options.flagUrl ? 'flag' : 'settings'
      const client = new PrometheusClient(directTransport(parsePrometheusUrl(given)))
      const version = await client.buildInfo(signal)
      const why = how === 'flag' ? 'given with --prometheus' : scope === null ? "the demo's Prometheus URL set on the Topology page" : `the Prometheus URL set for ${scope} on the Topology page`
      return { client, endpoint: { context: scope, url: given, service: null, how, why, version } }
    }
    if (scope === null) {
      throw new MeshdeckError(
        'prometheus_not_configured',
        'No Prometheus is set for the local demo.',
        "Give its URL in the Prometheus URL field of the Topology page (or start Meshdeck with --prometheus URL); point its file_sd_configs at the demo's targets file (docs/metrics.md).",
      )
    }
    return discoverPrometheus(await this.kube(scope), scope, signal)
  }

  private async kube(context: string): Promise<KubeClient> {
    if (!this.options.clusterClient) throw new MeshdeckError('prometheus_not_configured', `Meshdeck has no cluster connections to find ${context}'s Prometheus.`, 'Start it with a kubeconfig, or give the URL in the Prometheus URL field of the Topology page.')
    return this.options.clusterClient(context)
  }

  private async settings(): Promise<Settings> {
    try {
      const parsed = settingsSchema.safeParse(JSON.parse(await fs.readFile(this.file, 'utf8')))
      if (parsed.success) return parsed.data
    } catch {
      // none yet
    }
    return { local: null, contexts: {} }
  }
}
