import type { Weights } from '@shared/canary/weights'
import type { Disposable } from '../../lib/disposable'
import type { CanaryMetrics } from '../analysis'
import {
  isFinished,
  progressDeadlineOf,
  reduceRollout,
  sameWeights,
  startRollout,
  type RolloutAction,
  type RolloutEvent,
  type RolloutSpec,
  type RolloutState,
  type Transition,
} from '../rollout-machine'
import type { RolloutPersistence } from './rollout-store'
import { sleepUnlessAborted } from '../../lib/io/abortable-sleep'

/** What a rollout needs from the mesh: write weights, know when clients have them, measure. */
export interface CanaryEnvironment {
  /** Validates and writes the route's weights (atomically locally; server-side apply in a cluster). */
  applyWeights(spec: RolloutSpec, weights: Weights): Promise<void>
  /** Resolves once every client affected by the rollout's route has ACKed the current config. */
  waitForAck(spec: RolloutSpec, signal: AbortSignal): Promise<void>
  /** The clients (node ids) that have not ACKed the current config yet, for a missed deadline. */
  pendingAcks(spec: RolloutSpec): Promise<string[]> | string[]
  /** Telemetry for the canary subset over the last `windowSeconds` (the rollout's spec says whose, and which checks). */
  canaryMetrics(host: string, subset: string, windowSeconds: number, spec?: RolloutSpec): Promise<CanaryMetrics>
  /** The route's weights as the mesh has them now (null: unknown), checked before a step is judged. */
  routeWeights?(spec: RolloutSpec): Promise<Weights | null>
}

/** One rollout in flight, with what it last wrote to its route. */
interface Running {
  state: RolloutState
  pending: AbortController
  /** The weights this run last wrote; anything else found on the route was written by someone else. */
  written?: Weights
  /** Writes in progress: meanwhile the route may show the previous step's weights, which is no conflict. */
  writing: number
}

export interface RolloutRunnerOptions {
  environment: CanaryEnvironment
  store: RolloutPersistence
  onChange: (state: RolloutState) => void
  now?: () => number
}

/**
 * Drives rollouts: performs the machine's actions, feeds results back as events, persists after
 * every transition. One in-flight operation per rollout; pause/abort cancel it.
 */
export class RolloutRunner implements Disposable {
  private readonly running = new Map<string, Running>()
  private readonly now: () => number

  constructor(private readonly options: RolloutRunnerOptions) {
    this.now = options.now ?? Date.now
  }

  /** After a restart: every unfinished rollout writes its current step again and carries on. */
  async resumeAll(filter: (state: RolloutState) => boolean = () => true): Promise<RolloutState[]> {
    const resumed: RolloutState[] = []
    for (const state of (await this.options.store.active()).filter(filter)) resumed.push(await this.adopt(state))
    return resumed
  }

  /**
   * Takes over one unfinished rollout found in storage (a file, or a cluster's annotation) and
   * writes its step again. One that cannot be written now (cluster unreachable, a conflict) is
   * held paused with the reason rather than left half-way: a person resumes it.
   */
  async adopt(state: RolloutState): Promise<RolloutState> {
    const existing = this.running.get(state.spec.id)
    if (existing && !isFinished(existing.state.phase)) return existing.state
    this.running.set(state.spec.id, { state, pending: new AbortController(), writing: 0 })
    try {
      await this.dispatch(state.spec.id, { type: 'restarted', at: this.now() })
    } catch (err) {
      await this.failed(state.spec.id, err)
    }
    return this.running.get(state.spec.id)!.state
  }

  async start(spec: RolloutSpec): Promise<RolloutState> {
    const existing = this.running.get(spec.id)
    if (existing && !isFinished(existing.state.phase)) throw new Error(`rollout ${spec.id} is already running`)
    const transition = startRollout(spec, this.now())
    this.running.set(spec.id, { state: transition.state, pending: new AbortController(), writing: 0 })
    try {
      await this.commit(spec.id, transition)
    } catch (err) {
      // Never saved: it never started. Saved but its first weights failed: hold it paused, visible.
      if (!(await this.options.store.load(spec.id).catch(() => undefined))) this.running.delete(spec.id)
      else await this.failed(spec.id, err)
      throw err
    }
    return this.running.get(spec.id)!.state
  }

  /** The states of the rollouts this runner drives (finished ones stay until disposed). */
  states(): RolloutState[] {
    return [...this.running.values()].map((entry) => entry.state)
  }

  get(id: string): RolloutState | undefined {
    return this.running.get(id)?.state
  }

  async control(id: string, type: 'pause' | 'resume' | 'abort' | 'promoteNow'): Promise<RolloutState> {
    if (!this.running.has(id)) throw new Error(`no rollout ${id}`)
    await this.dispatch(id, { type, at: this.now() } as RolloutEvent)
    return this.running.get(id)!.state
  }

  /**
   * The mesh reloaded its config (a file edit, a watch event): every running rollout whose route no
   * longer has the weights it wrote pauses, saying the route was changed outside the rollout.
   */
  async observeRoutes(weightsOf: (spec: RolloutSpec) => Weights | null): Promise<void> {
    for (const [id, entry] of [...this.running]) {
      const found = this.changedOutside(entry, () => weightsOf(entry.state.spec))
      if (found) await this.dispatch(id, { type: 'changedOutside', at: this.now(), found }).catch((err: unknown) => this.failed(id, err))
    }
  }

  dispose(): void {
    for (const entry of this.running.values()) entry.pending.abort()
    this.running.clear()
  }

  private async dispatch(id: string, event: RolloutEvent): Promise<void> {
    const entry = this.running.get(id)
    if (!entry) return
    await this.commit(id, reduceRollout(entry.state, event))
  }

  private async commit(id: string, transition: Transition): Promise<void> {
    const entry = this.running.get(id)
    if (!entry) return
    const previous = entry.state
    entry.state = transition.state
    // From the moment the new state shows until its weights are written, the route still has the
    // old ones: that is this run's own write on its way, not someone else's.
    const writes = transition.actions.some((a) => a.type === 'applyWeights')
    if (writes) entry.writing++
    try {
      try {
        // Saved before anything is written, so storage is never behind the weights: at worst it
        // names a step whose weights are not written yet, and a restart writes that step again.
        await this.options.store.save(transition.state)
      } catch (err) {
        entry.state = previous
        throw err
      }
      this.options.onChange(transition.state)
      await this.perform(id, transition.actions)
    } finally {
      if (writes) entry.writing--
    }
  }

  /** The weights found on a running rollout's route when they are not the ones it wrote; null otherwise. */
  private changedOutside(entry: Running, found: () => Weights | null): Weights | null {
    if (!entry.written || entry.writing > 0 || (entry.state.phase !== 'applying' && entry.state.phase !== 'analysing')) return null
    const weights = found()
    return weights && !sameWeights(weights, entry.written) ? weights : null
  }

  /** An operation failed: pause with the reason; if even that cannot be saved, hold it paused in memory and say so. */
  private async failed(id: string, err: unknown): Promise<void> {
    const message = err instanceof Error ? err.message : String(err)
    try {
      await this.dispatch(id, { type: 'operationFailed', at: this.now(), message })
    } catch (saveErr) {
      const entry = this.running.get(id)
      if (!entry) return
      entry.pending.abort()
      const reason = saveErr instanceof Error ? saveErr.message : String(saveErr)
      const why = reason === message ? `${message} (the pause could not be saved either)` : `${message} (and the pause could not be saved: ${reason})`
      entry.state = reduceRollout(entry.state, { type: 'operationFailed', at: this.now(), message: why }).state
      this.options.onChange(entry.state)
    }
  }

  private async perform(id: string, actions: RolloutAction[]): Promise<void> {
    for (const action of actions) {
      const entry = this.running.get(id)
      if (!entry) return
      switch (action.type) {
        case 'cancelPending':
          entry.pending.abort()
          entry.pending = new AbortController()
          break
        case 'applyWeights':
          await this.options.environment.applyWeights(entry.state.spec, action.weights)
          entry.written = action.weights
          break
        case 'awaitAck':
          if (isFinished(entry.state.phase)) break
          this.background(id, entry.pending.signal, (signal) => this.ackOrDeadline(entry.state.spec, signal))
          break
        case 'analyse':
          this.background(id, entry.pending.signal, async (signal) => {
            await sleepUnlessAborted(action.windowSeconds * 1000, signal)
            // A change no reload reported (a cluster without a watch here) is caught before the verdict.
            const now = await this.options.environment.routeWeights?.(entry.state.spec)
            const found = now === undefined ? null : this.changedOutside(entry, () => now)
            if (found) return { type: 'changedOutside', at: this.now(), found }
            const metrics = await this.options.environment.canaryMetrics(entry.state.spec.host, entry.state.spec.canary, action.windowSeconds, entry.state.spec)
            return { type: 'analysed', at: this.now(), metrics }
          })
          break
      }
    }
  }

  /**
   * Waits for every client's ACK, but not past the plan's progress deadline: then the clients
   * still waited for are named, and the machine pauses or rolls back as the plan says.
   */
  private async ackOrDeadline(spec: RolloutSpec, signal: AbortSignal): Promise<RolloutEvent> {
    const step = new AbortController()
    const stop = (): void => step.abort()
    signal.addEventListener('abort', stop, { once: true })
    try {
      const acked = this.options.environment.waitForAck(spec, step.signal).then(() => true)
      const expired = sleepUnlessAborted(progressDeadlineOf(spec.plan) * 1000, step.signal).then(() => false)
      // The loser is cancelled below and rejects with a CancelledError; nobody else awaits it.
      acked.catch(() => undefined)
      expired.catch(() => undefined)
      if (await Promise.race([acked, expired])) return { type: 'acked', at: this.now() }
      step.abort()
      return { type: 'progressDeadline', at: this.now(), pending: await this.options.environment.pendingAcks(spec) }
    } finally {
      step.abort()
      signal.removeEventListener('abort', stop)
    }
  }

  /** Runs one wait in the background; its result becomes the next event unless it was cancelled. */
  private background(id: string, signal: AbortSignal, work: (signal: AbortSignal) => Promise<RolloutEvent>): void {
    void work(signal)
      .then((event) => (signal.aborted ? undefined : this.dispatch(id, event)))
      .catch((err: unknown) => {
        if (signal.aborted) return
        return this.failed(id, err)
      })
  }
}
