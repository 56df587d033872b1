import { ErrorCode, LocalClusterErrorCode, MeshdeckError, type ApiError, type LocalClusterOperation, type LocalClusterProvider, type OperationStep } from '@shared/contract'

export type OperationKind = LocalClusterOperation['kind']

/** The lines of tool output an operation keeps for its view (a failure's context, not a log file). */
export const operationLogLines = 200

/**
 * One long operation (create, delete, sandbox, …): its steps with timings, the tool's last lines,
 * and how it ended. Every change is reported whole through `onChange`, so a view that missed some
 * events is right again at the next one. The clock is injected; nothing here does I/O.
 */
export class Operation {
  private readonly steps: OperationStep[]
  private readonly lines: string[] = []
  private state: LocalClusterOperation['state'] = 'running'
  private error: ApiError | undefined
  private endedAt: number | null = null
  private context: string | null = null
  readonly startedAt: number
  private readonly abort = new AbortController()

  constructor(
    readonly id: string,
    readonly kind: OperationKind,
    readonly provider: LocalClusterProvider,
    readonly cluster: string,
    steps: { id: string; title: string }[],
    private readonly clock: () => number,
    private readonly onChange: (operation: LocalClusterOperation) => void,
  ) {
    this.startedAt = clock()
    this.steps = steps.map((s) => ({ ...s, state: 'pending', startedAt: null, durationMs: null }))
  }

  /** Aborted when the operation is cancelled: pass it to every child process and request. */
  get signal(): AbortSignal {
    return this.abort.signal
  }

  get finished(): boolean {
    return this.state !== 'running'
  }

  /** Throws the cancellation error when cancel() was called, so a step between awaits stops there. */
  checkCancelled(): void {
    if (this.abort.signal.aborted) throw cancelledError(this.kind)
  }

  addStep(id: string, title: string): void {
    if (!this.steps.some((s) => s.id === id)) this.steps.push({ id, title, state: 'pending', startedAt: null, durationMs: null })
  }

  /** Inserts a step before another (kind's phases go between Meshdeck's own first and last steps). */
  addStepBefore(beforeId: string, id: string, title: string): void {
    if (this.steps.some((s) => s.id === id)) return
    const index = this.steps.findIndex((s) => s.id === beforeId)
    const step: OperationStep = { id, title, state: 'pending', startedAt: null, durationMs: null }
    if (index < 0) this.steps.push(step)
    else this.steps.splice(index, 0, step)
  }

  startStep(id: string, detail?: string): void {
    const step = this.step(id)
    step.state = 'running'
    step.startedAt = this.clock()
    step.durationMs = null
    if (detail === undefined) delete step.detail
    else step.detail = detail
    this.emit()
  }

  endStep(id: string, state: 'done' | 'failed' | 'skipped', detail?: string): void {
    const step = this.step(id)
    const now = this.clock()
    if (step.startedAt === null) step.startedAt = now
    step.state = state
    step.durationMs = now - step.startedAt
    if (detail !== undefined) step.detail = detail
    this.emit()
  }

  /** Runs one step: running → done (or skipped with a reason), failed when it throws. */
  async runStep<T>(id: string, work: (skip: (reason: string) => void) => Promise<T>): Promise<T> {
    this.checkCancelled()
    this.startStep(id)
    let skipped: string | null = null
    try {
      const result = await work((reason) => {
        skipped = reason
      })
      this.checkCancelled()
      this.endStep(id, skipped === null ? 'done' : 'skipped', skipped ?? undefined)
      return result
    } catch (err) {
      // A cancelled step stays running here; fail() marks it cancelled rather than failed.
      if (this.step(id).state === 'running' && !this.abort.signal.aborted) this.endStep(id, 'failed')
      throw err
    }
  }

  log(line: string): void {
    this.lines.push(line)
    if (this.lines.length > operationLogLines) this.lines.splice(0, this.lines.length - operationLogLines)
    this.emit()
  }

  setContext(context: string): void {
    this.context = context
    this.emit()
  }

  succeed(): void {
    if (this.finished) return
    this.state = 'succeeded'
    this.endedAt = this.clock()
    this.emit()
  }

  fail(error: ApiError): void {
    if (this.finished) return
    const cancelled = this.abort.signal.aborted || error.code === LocalClusterErrorCode.cancelled
    this.state = cancelled ? 'cancelled' : 'failed'
    this.error = cancelled ? cancelledError(this.kind).toApiError() : error
    for (const step of this.steps) {
      if (step.state === 'running') {
        step.state = cancelled ? 'cancelled' : 'failed'
        step.durationMs = this.clock() - (step.startedAt ?? this.clock())
      }
    }
    this.endedAt = this.clock()
    this.emit()
  }

  /** Asks the work to stop; it ends as cancelled once the work has cleaned up and called fail(). */
  cancel(): void {
    if (!this.finished) this.abort.abort()
  }

  dto(): LocalClusterOperation {
    return {
      id: this.id,
      kind: this.kind,
      provider: this.provider,
      cluster: this.cluster,
      state: this.state,
      steps: this.steps.map((s) => ({ ...s })),
      startedAt: this.startedAt,
      endedAt: this.endedAt,
      ...(this.error ? { error: this.error } : {}),
      log: [...this.lines],
      context: this.context,
    }
  }

  private step(id: string): OperationStep {
    const step = this.steps.find((s) => s.id === id)
    if (!step) throw new MeshdeckError(ErrorCode.internal, `operation ${this.kind} has no step ${id}`)
    return step
  }

  private emit(): void {
    this.onChange(this.dto())
  }
}

export function cancelledError(kind: OperationKind): MeshdeckError {
  return new MeshdeckError(LocalClusterErrorCode.cancelled, `The ${kind === 'loadImage' ? 'image load' : kind} was cancelled.`, kind === 'create' ? 'Nothing of the half-created cluster was kept.' : 'Run it again when you want.')
}
