import { join } from 'node:path'
import type { Weights } from '@shared/canary/weights'
import { MeshdeckError } from '@shared/contract'
import type { CanaryTarget, CanaryTargetRef, RolloutStateDto } from '@shared/contract/canary'
import type { Disposable } from '../lib/disposable'
import type { EdgeLatency } from '../traces'
import type { ControlPlane } from '../xds'
import type { CanaryMetrics } from './analysis'
import { LocalCanaryEditor } from './canary-service'
import { localCanaryEnvironment } from './local-environment'
import { planProblems, type RolloutPlan, type RolloutSpec, type RolloutState } from './rollout-machine'
import { RolloutRunner } from './rollout-runner'
import { RolloutStore } from './rollout-store'

export interface CanaryRuntimeOptions {
  /** The running control plane, or an error saying why there is none. */
  controlPlane: () => ControlPlane
  edges: EdgeLatency
  dataDir: string
  onRollout: (state: RolloutStateDto) => void
}

/**
 * Canary on the embedded control plane: weight edits on its mesh folder, and rollouts that write
 * weights, wait for ACKs and judge the canary on span latency and errors (falling back to load
 * reports, which carry counts but no latency, when no spans arrive).
 */
export class CanaryRuntime implements Disposable {
  private readonly store: RolloutStore
  private runner: RolloutRunner | undefined

  constructor(private readonly options: CanaryRuntimeOptions) {
    this.store = new RolloutStore(join(options.dataDir, 'rollouts'))
  }

  /** Picks up rollouts a previous run left unfinished: their current step is written again. */
  async resume(): Promise<RolloutState[]> {
    return this.ensureRunner().resumeAll()
  }

  targets(): CanaryTarget[] {
    return this.editor().targets()
  }

  preview(ref: CanaryTargetRef, weights: Weights): ReturnType<LocalCanaryEditor['preview']> {
    return this.editor().preview(ref, weights)
  }

  async apply(ref: CanaryTargetRef, weights: Weights, baseVersion?: string): ReturnType<LocalCanaryEditor['apply']> {
    const result = await this.editor().apply(ref, weights, baseVersion)
    if (result.outcome === 'applied') await this.options.controlPlane().refresh()
    return result
  }

  async start(ref: CanaryTargetRef, stable: string, canary: string, plan: RolloutPlan): Promise<RolloutState> {
    const target = this.targets().find((t) => JSON.stringify(t.ref) === JSON.stringify(ref))
    if (!target) throw new MeshdeckError('unknown_target', `No splittable route ${ref.namespace}/${ref.name}.`, 'Reload the Canary page.')
    if (target.ownedBy) throw new MeshdeckError('owned_by_controller', `${target.label} is managed elsewhere: ${target.ownedBy}`, 'Meshdeck leaves it alone.')
    const keys = [...new Set([...target.destinations.map((d) => d.key), ...target.subsets])]
    for (const subset of [stable, canary]) {
      if (!keys.includes(subset)) throw new MeshdeckError('unknown_subset', `Unknown subset "${subset}".`, `Use one of: ${keys.join(', ')}.`)
    }
    if (stable === canary) throw new MeshdeckError('invalid_plan', 'Stable and canary are the same subset.', 'Pick two different subsets.')
    const problems = planProblems(plan)
    if (problems.length > 0) throw new MeshdeckError('invalid_plan', problems.join(' '), 'Fix the plan; nothing was changed.')
    const id = `${ref.namespace}.${ref.name}.${'name' in ref.route ? ref.route.name : ref.route.index}`
    const existing = this.ensureRunner().get(id)
    if (existing && ['applying', 'analysing', 'paused'].includes(existing.phase)) {
      throw new MeshdeckError('rollout_running', `A rollout of ${target.label} is already running.`, 'Pause, abort or promote it first.')
    }
    const spec: RolloutSpec = { id, host: target.host, stable, canary, others: keys.filter((k) => k !== stable && k !== canary), plan, target: ref }
    return this.ensureRunner().start(spec)
  }

  async control(id: string, action: 'pause' | 'resume' | 'abort' | 'promoteNow'): Promise<RolloutState> {
    const runner = this.ensureRunner()
    if (!runner.get(id)) {
      const stored = await this.store.load(id)
      if (!stored) throw new MeshdeckError('not_found', `No rollout ${id}.`, 'See rollout.list for the rollouts there are.')
      throw new MeshdeckError('rollout_finished', `Rollout ${id} has finished (${stored.phase}).`, 'Start a new rollout.')
    }
    return runner.control(id, action)
  }

  async list(): Promise<RolloutState[]> {
    return (await this.store.list()).rollouts.map((stored) => this.runner?.get(stored.spec.id) ?? stored)
  }

  dispose(): void {
    this.runner?.dispose()
  }

  private editor(): LocalCanaryEditor {
    const cp = this.options.controlPlane()
    return new LocalCanaryEditor(() => cp.snapshot(), cp.status().meshDir ?? '')
  }

  private ensureRunner(): RolloutRunner {
    this.runner ??= new RolloutRunner({
      store: this.store,
      onChange: (state) => this.options.onRollout(state),
      environment: localCanaryEnvironment({
        // Resolved on every use: the control plane may restart while a rollout runs.
        editor: { apply: (...args) => this.editor().apply(...args) },
        controlPlane: {
          refresh: () => this.options.controlPlane().refresh(),
          status: () => this.options.controlPlane().status(),
          clients: () => this.options.controlPlane().clients(),
        },
        metrics: (host, subset, windowSeconds) => this.metrics(host, subset, windowSeconds),
      }),
    })
    return this.runner
  }

  /** What the canary subset did over the window, as its callers saw it. */
  private metrics(host: string, subset: string, windowSeconds: number): CanaryMetrics {
    const service = host.split('.')[0] ?? host
    const edges = this.options.edges.window(windowSeconds, { destination: service, subset })
    if (edges.length > 0) {
      const requests = edges.reduce((a, e) => a + e.requests, 0)
      const errors = edges.reduce((a, e) => a + e.errors, 0)
      const p99s = edges.map((e) => e.p99Ms).filter((v): v is number => v !== null)
      // Several callers: the worst p99 is the bound a user of the canary may hit.
      return { requests, errorRate: requests === 0 ? 0 : errors / requests, p99Ms: p99s.length > 0 ? Math.max(...p99s) : null }
    }
    const loads = this.options.controlPlane().loadStats(windowSeconds * 1000).filter((l) => l.host === host && l.subset === subset)
    const rate = loads.reduce((a, l) => a + l.requestRate, 0)
    const errorRate = rate === 0 ? 0 : loads.reduce((a, l) => a + l.requestRate * l.errorRate, 0) / rate
    return { requests: Math.round(rate * windowSeconds), errorRate, p99Ms: null }
  }
}
