import { join } from 'node:path'
import { weightProblems, type Weights } from '@shared/canary/weights'
import { MeshdeckError } from '@shared/contract'
import type { CanaryTarget, CanaryTargetRef, RolloutStateDto } from '@shared/contract/canary'
import type { EditAnalysis, Finding } from '../../analysis'
import type { AnalysisService } from '../../analysis/io'
import type { KubeClient } from '../../cluster/io'
import type { Disposable } from '../../lib/disposable'
import type { EdgeLatency } from '../../traces'
import type { ControlPlane } from '../../xds/io'
import type { CanaryMetrics } from '../analysis'
import { canaryMetrics } from '../canary-metrics'
import { LocalCanaryEditor } from './canary-service'
import { ClusterCanaryEditor } from './cluster/cluster-editor'
import { clusterCanaryEnvironment } from './cluster/cluster-environment'
import { IstioApi } from './cluster/istio-api'
import { noClusterAckSource, propagationText, type ClusterAckSource, type SettleOptions } from './cluster/propagation'
import { AnnotatedRolloutStore, rolloutsOn } from './cluster/rollout-annotation'
import { routedEnvironment } from './environment-router'
import { localCanaryEnvironment } from './local-environment'
import { isFinished, planProblems, weightsFor, type RolloutPlan, type RolloutSpec, type RolloutState } from '../rollout-machine'
import { RolloutRunner } from './rollout-runner'
import { RolloutStore } from './rollout-store'
import { requireServedWeights, servedRouteWeights } from '../served-weights'
import { prometheus, type CanaryTemplateVars } from '../../telemetry'
import type { PrometheusClient } from '../../telemetry/io'
import { canaryVersion, localSubsetLabels } from '../canary-version'
import { subsetLabelsFor } from '../cluster/cluster-targets'
import { prometheusCanaryMetrics } from './prometheus-metrics'

export interface CanaryRuntimeOptions {
  /** The running control plane, or an error saying why there is none. */
  controlPlane: () => ControlPlane
  edges: EdgeLatency
  dataDir: string
  onRollout: (state: RolloutStateDto) => void
  /** The API client of a kubeconfig context (connecting if needed); without it cluster targets are refused. */
  clusterClient?: (context: string) => Promise<KubeClient>
  /** Which clusters Meshdeck's own control plane serves, and their ACKs; by default none. */
  clusterAcks?: ClusterAckSource
  /** How long a cluster step waits where nobody reports ACKs. */
  clusterSettle?: SettleOptions
  /** The mesh analysis; without it edits are not analysed before they are written. */
  analysis?: Pick<AnalysisService, 'checkFileEdit' | 'checkClusterEdit'>
  /**
   * Prometheus for analysis: null scope is the local demo's, else a context's (found through its
   * API server). Without it, analysis reads only load reports and spans.
   */
  prometheus?: CanaryPrometheus
}

/** What analysis needs of Prometheus: whose there is, and a client to it. */
export interface CanaryPrometheus {
  /** Whether a scope has a Prometheus to try (the local demo: a URL is set; a context: always, by discovery). */
  isConfigured(scope: string | null): Promise<boolean>
  resolve(scope: string | null): Promise<{ client: PrometheusClient }>
  noteProblem?(scope: string | null, err: unknown): void
}

type Preview = Awaited<ReturnType<LocalCanaryEditor['preview']>>
type ApplyResult = Awaited<ReturnType<LocalCanaryEditor['apply']>>

const runningPhases = ['applying', 'analysing', 'paused']

/**
 * Canary on the embedded control plane's mesh folder and on connected clusters: weight edits, and
 * rollouts that write weights, wait for ACKs (or the best a cluster offers) and judge the canary on
 * span latency and errors (falling back to load reports, which carry counts but no latency).
 */
export class CanaryRuntime implements Disposable {
  private readonly local: RolloutStore
  private readonly store: AnnotatedRolloutStore
  private readonly apis = new Map<string, { client: KubeClient; api: IstioApi; editor: ClusterCanaryEditor }>()
  private runner: RolloutRunner | undefined
  /** The control plane whose config reloads are checked against running rollouts, and that subscription. */
  private watched: { plane: ControlPlane; subscription: Disposable } | undefined

  constructor(private readonly options: CanaryRuntimeOptions) {
    this.local = new RolloutStore(join(options.dataDir, 'rollouts'))
    this.store = new AnnotatedRolloutStore(this.local, (context) => this.api(context))
  }

  /** Picks up local rollouts a previous run left unfinished (their current step is written again); needs the control plane. */
  async resume(): Promise<RolloutState[]> {
    try {
      this.options.controlPlane()
    } catch {
      return []
    }
    return this.ensureRunner().resumeAll((s) => !s.spec.target.context)
  }

  /**
   * Picks up cluster rollouts a previous run left unfinished, for every context the local history
   * names, from their VirtualService's annotation (the authority for a cluster rollout). A context
   * that cannot be reached now is skipped; `resumeCluster` retries it.
   */
  async resumeClusters(): Promise<RolloutState[]> {
    const contexts = new Set((await this.local.active()).map((s) => s.spec.target.context).filter((c): c is string => !!c))
    const resumed: RolloutState[] = []
    for (const context of contexts) resumed.push(...(await this.resumeCluster(context).catch(() => [])))
    return resumed
  }

  /** Adopts every unfinished rollout recorded on the context's VirtualServices. */
  async resumeCluster(context: string): Promise<RolloutState[]> {
    const recorded = rolloutsOn(await (await this.api(context)).listVirtualServices()).rollouts
    const resumed: RolloutState[] = []
    for (const state of recorded.filter((s) => !isFinished(s.phase) && s.spec.target.context === context)) resumed.push(await this.ensureRunner().adopt(state))
    return resumed
  }

  targets(): CanaryTarget[] {
    return this.editor().targets()
  }

  async clusterTargets(context: string): Promise<CanaryTarget[]> {
    return (await this.clusterEditor(context)).targets()
  }

  async preview(ref: CanaryTargetRef, weights: Weights): Promise<Preview> {
    const preview = ref.context ? await (await this.clusterEditor(ref.context)).preview(ref, weights) : await this.editor().preview(ref, weights)
    if (preview.problems.length > 0) return preview
    const check = await this.wouldBe(ref, weights)
    return check ? { ...preview, findings: check.introduced } : preview
  }

  /**
   * What the mesh analysis would find with these weights that it does not find now (null when there
   * is no analysis). The edit is computed as Apply would make it; nothing is written.
   */
  private async wouldBe(ref: CanaryTargetRef, weights: Weights): Promise<EditAnalysis | null> {
    const analysis = this.options.analysis
    if (!analysis) return null
    if (ref.context) {
      const { current, proposed } = await (await this.clusterEditor(ref.context)).proposal(ref, weights)
      return analysis.checkClusterEdit(ref.context, (await this.connection(ref.context)).client, current, proposed)
    }
    const { file, current, proposed } = await this.editor().proposal(ref, weights)
    return analysis.checkFileEdit(file, current, proposed)
  }

  /** Refuses weights the analysis finds an Error in (a Warning never blocks), naming the finding and its fix. */
  private async requireNoNewErrors(ref: CanaryTargetRef, weights: Weights, what: string): Promise<void> {
    const blocking = (await this.wouldBe(ref, weights))?.blocking ?? []
    const first: Finding | undefined = blocking[0]
    if (!first) return
    const more = blocking.length > 1 ? ` (and ${blocking.length - 1} more)` : ''
    throw new MeshdeckError(
      'analysis_blocked',
      `${what} would introduce ${first.level} [${first.code}] on ${first.kind} ${first.namespace}/${first.name}: ${first.message}${more}`,
      `${first.fix} Nothing was written.`,
    )
  }

  async apply(ref: CanaryTargetRef, weights: Weights, baseVersion?: string): Promise<ApplyResult> {
    // A running rollout owns its route: a hand edit now would be judged as the rollout's step.
    const owner = this.runner?.states().find((s) => sameRef(s.spec.target, ref) && (s.phase === 'applying' || s.phase === 'analysing'))
    if (owner) {
      throw new MeshdeckError(
        'rollout_running',
        `A rollout of ${ref.name} (${owner.spec.stable} → ${owner.spec.canary}) owns this route; nothing was written.`,
        'Rollout in progress — pause or abort it to edit the weights.',
      )
    }
    // Weights the editor refuses anyway (a target managed elsewhere, weights that do not add up)
    // get its own error, which names the problem; only writable weights are analysed.
    const target = (ref.context ? await this.clusterTargets(ref.context) : this.targets()).find((t) => sameRef(t.ref, ref))
    if (target && !target.ownedBy && weightProblems(weights, subsetKeys(target)).length === 0) {
      await this.requireNoNewErrors(ref, weights, `Weights ${Object.entries(weights).map(([k, w]) => `${k} ${w}`).join(', ')}`)
    }
    if (ref.context) return (await this.clusterEditor(ref.context)).apply(ref, weights, baseVersion)
    const editor = this.editor()
    const file = editor.fileOf(ref)
    const result = await editor.apply(ref, weights, baseVersion)
    if (result.outcome === 'applied') {
      const cp = this.options.controlPlane()
      await cp.refresh()
      // Written is not served: say so when the control plane kept the old weights.
      requireServedWeights(cp.snapshot(), cp.problems(), ref, weights, file)
    }
    return result
  }

  async start(ref: CanaryTargetRef, stable: string, canary: string, plan: RolloutPlan): Promise<RolloutState> {
    const targets = ref.context ? await this.clusterTargets(ref.context) : this.targets()
    const target = targets.find((t) => sameRef(t.ref, ref))
    if (!target) throw new MeshdeckError('unknown_target', `No splittable route ${ref.namespace}/${ref.name}.`, 'Reload the Canary page.')
    if (target.ownedBy) throw new MeshdeckError('owned_by_controller', `${target.label} is managed elsewhere: ${target.ownedBy}`, 'Meshdeck leaves it alone.')
    const keys = subsetKeys(target)
    for (const subset of [stable, canary]) {
      if (!keys.includes(subset)) throw new MeshdeckError('unknown_subset', `Unknown subset "${subset}".`, `Use one of: ${keys.join(', ')}.`)
    }
    if (stable === canary) throw new MeshdeckError('invalid_plan', 'Stable and canary are the same subset.', 'Pick two different subsets.')
    const problems = planProblems(plan)
    for (const check of plan.analysis.checks ?? []) {
      try {
        prometheus.renderCheckQuery(check.query, { host: target.host, namespace: ref.namespace, version: canary, subset: canary, intervalSeconds: plan.intervalSeconds })
      } catch (err) {
        problems.push(`Check "${check.name}": ${err instanceof Error ? err.message : String(err)}.`)
      }
    }
    if (problems.length > 0) throw new MeshdeckError('invalid_plan', problems.join(' '), 'Fix the plan; nothing was changed.')
    const running = (await this.list()).find((r) => sameRef(r.spec.target, target.ref) && runningPhases.includes(r.phase))
    if (running) throw new MeshdeckError('rollout_running', `A rollout of ${target.label} is already running.`, 'Pause, abort or promote it first.')
    // Each run gets its own id (route + start time), so finished rollouts stay as history.
    const route = 'name' in ref.route ? ref.route.name : ref.route.index
    const id = `${ref.context ? `${ref.context}.` : ''}${ref.namespace}.${ref.name}.${route}.${Date.now().toString(36)}`
    const spec: RolloutSpec = { id, host: target.host, stable, canary, others: keys.filter((k) => k !== stable && k !== canary), plan, target: target.ref }
    // A step sends traffic to stable and canary, promotion to canary alone: those are all the
    // destinations a rollout can give weight to, so the first step and the end are analysed.
    for (const percent of [...new Set([plan.steps[0]!, 100])]) await this.requireNoNewErrors(ref, weightsFor(spec, percent), `This rollout (${canary} at ${percent}%)`)
    return this.ensureRunner().start(spec)
  }

  async control(id: string, action: 'pause' | 'resume' | 'abort' | 'promoteNow'): Promise<RolloutState> {
    const runner = this.ensureRunner()
    if (!runner.get(id)) {
      const stored = await this.local.load(id)
      if (!stored) throw new MeshdeckError('not_found', `No rollout ${id}.`, 'See rollout.list for the rollouts there are.')
      throw new MeshdeckError('rollout_finished', `Rollout ${id} has finished (${stored.phase}).`, 'Start a new rollout.')
    }
    return runner.control(id, action)
  }

  /** Running rollouts and the history of finished ones, newest first. */
  async list(): Promise<RolloutState[]> {
    return (await this.local.list()).rollouts.map((stored) => this.runner?.get(stored.spec.id) ?? stored)
  }

  dispose(): void {
    this.watched?.subscription.dispose()
    this.watched = undefined
    this.runner?.dispose()
  }

  private editor(): LocalCanaryEditor {
    const cp = this.options.controlPlane()
    return new LocalCanaryEditor(() => cp.snapshot(), cp.status().meshDir ?? '')
  }

  /** One editor per context, kept so a conflict can still show the version a preview was based on. */
  private async clusterEditor(context: string): Promise<ClusterCanaryEditor> {
    return (await this.connection(context)).editor
  }

  private async api(context: string): Promise<IstioApi> {
    return (await this.connection(context)).api
  }

  /** One IstioApi and editor per connection; a reconnect brings a new client and so a fresh discovery. */
  private async connection(context: string): Promise<{ client: KubeClient; api: IstioApi; editor: ClusterCanaryEditor }> {
    if (!this.options.clusterClient) throw new MeshdeckError('no_clusters', 'This Meshdeck has no cluster connections.', 'Start it with a kubeconfig.')
    const client = await this.options.clusterClient(context)
    const known = this.apis.get(context)
    if (known?.client === client) return known
    const api = new IstioApi(client)
    const entry = { client, api, editor: new ClusterCanaryEditor(context, api, () => propagationText(this.acks(), context, this.options.clusterSettle)) }
    this.apis.set(context, entry)
    return entry
  }

  private acks(): ClusterAckSource {
    return this.options.clusterAcks ?? noClusterAckSource
  }

  /**
   * Every config the control plane applies (a file edit, a reload) is checked against the weights
   * each local rollout last wrote; the plane is looked up again each time, as it may have restarted.
   */
  private watchConfig(runner: RolloutRunner): void {
    let plane: ControlPlane
    try {
      plane = this.options.controlPlane()
    } catch {
      return // no control plane yet: the check before each verdict still runs
    }
    if (this.watched?.plane === plane) return
    this.watched?.subscription.dispose()
    const subscription = plane.onEvent((event) => {
      if (event.kind !== 'applied') return
      void runner.observeRoutes((spec) => (spec.target.context ? null : servedRouteWeights(plane.snapshot(), spec.target)))
    })
    this.watched = { plane, subscription }
  }

  private ensureRunner(): RolloutRunner {
    if (this.runner) {
      this.watchConfig(this.runner)
      return this.runner
    }
    const metrics = (host: string, subset: string, windowSeconds: number, spec?: RolloutSpec): Promise<CanaryMetrics> | CanaryMetrics =>
      spec ? this.analysisMetrics(spec, windowSeconds) : this.metrics(host, subset, windowSeconds)
    this.runner ??= new RolloutRunner({
      store: this.store,
      onChange: (state) => this.options.onRollout(state),
      environment: routedEnvironment(
        localCanaryEnvironment({
          // Resolved on every use: the control plane may restart while a rollout runs.
          editor: { apply: (...args) => this.editor().apply(...args) },
          controlPlane: {
            refresh: () => this.options.controlPlane().refresh(),
            snapshot: () => this.options.controlPlane().snapshot(),
            problems: () => this.options.controlPlane().problems(),
            status: () => this.options.controlPlane().status(),
            clients: () => this.options.controlPlane().clients(),
          },
          metrics,
        }),
        clusterCanaryEnvironment({
          editor: (context) => this.clusterEditor(context),
          api: (context) => this.api(context),
          acks: this.acks(),
          settle: this.options.clusterSettle,
          metrics,
        }),
      ),
    })
    this.watchConfig(this.runner)
    return this.runner
  }

  /**
   * One window of a rollout: from Prometheus when the plan says so, or (auto) where the target has
   * one — a cluster's, found through its API server, or the URL set for the local demo — and
   * otherwise from spans and load reports. Prometheus that cannot be reached makes the window
   * unavailable (the rollout pauses with the reason), never a silent fall-back.
   */
  private async analysisMetrics(spec: RolloutSpec, windowSeconds: number): Promise<CanaryMetrics> {
    const from = spec.plan.metricsFrom ?? 'auto'
    const scope = spec.target.context ?? null
    const prometheus = this.options.prometheus
    const checks = spec.plan.analysis.checks ?? []
    const wanted = from === 'prometheus' || checks.length > 0 || (from === 'auto' && prometheus !== undefined && (await prometheus.isConfigured(scope)))
    if (from === 'mesh' || !wanted) return this.metrics(spec.host, spec.canary, windowSeconds)
    const unavailable = (reason: string): CanaryMetrics => ({ requests: 0, errorRate: 0, p99Ms: null, sources: { requests: null, errorRate: null, p99Ms: null }, unavailable: reason })
    if (!prometheus) return unavailable('The plan reads Prometheus, but this Meshdeck has none to read.')
    let client: PrometheusClient
    try {
      client = (await prometheus.resolve(scope)).client
    } catch (err) {
      return unavailable(err instanceof Error ? `${err.message}${err instanceof MeshdeckError && err.hint ? ` ${err.hint}` : ''}` : String(err))
    }
    const vars = await this.templateVars(spec, windowSeconds)
    const metrics = await prometheusCanaryMetrics(client, vars, checks)
    if (metrics.unavailable) prometheus.noteProblem?.(scope, new Error(metrics.unavailable))
    return metrics
  }

  private async templateVars(spec: RolloutSpec, windowSeconds: number): Promise<CanaryTemplateVars> {
    const namespace = spec.host.split('.')[1] ?? spec.target.namespace
    let labels: Record<string, string> | null = null
    try {
      labels = spec.target.context
        ? subsetLabelsFor(spec.host, spec.canary, spec.target.namespace, await (await this.api(spec.target.context)).listDestinationRules())
        : localSubsetLabels(this.options.controlPlane().snapshot(), spec.host, spec.target.namespace, spec.canary)
    } catch {
      // the rule cannot be read now: the subset's name stands for its version
    }
    return { host: spec.host, namespace, version: canaryVersion(spec.canary, labels), subset: spec.canary, intervalSeconds: windowSeconds }
  }

  /** Spans, then load reports from the embedded control plane when one runs. */
  private metrics(host: string, subset: string, windowSeconds: number): CanaryMetrics {
    return canaryMetrics(
      this.options.edges,
      (withinMs) => {
        try {
          return this.options.controlPlane().loadStats(withinMs)
        } catch {
          return [] // no control plane: no load reports
        }
      },
      host,
      subset,
      windowSeconds,
    )
  }
}

/** What weights may name on a target: the route's destinations and its DestinationRule's subsets. */
const subsetKeys = (target: CanaryTarget): string[] => [...new Set([...target.destinations.map((d) => d.key), ...target.subsets])]

const sameRef = (a: CanaryTargetRef, b: CanaryTargetRef): boolean =>
  (a.context ?? null) === (b.context ?? null) && a.namespace === b.namespace && a.name === b.name && JSON.stringify(a.route) === JSON.stringify(b.route)
