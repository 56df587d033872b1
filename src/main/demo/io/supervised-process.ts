import { spawn, type ChildProcess } from 'node:child_process'
import type { DemoWorkloadState } from '../../../shared/contract/demo'
import { trackDisposable, type Disposable } from '../../lib/disposable'
import { childMessageSchema, type ChildMessage, type ParentMessage } from '../ipc'
import { LogBuffer } from '../log-buffer'
import { defaultRestartPolicy, restartDelay, type RestartPolicy } from '../restart-policy'

export interface Launch {
  command: string
  args: string[]
  env: NodeJS.ProcessEnv
  cwd?: string
}

export interface SupervisedProcessOptions {
  name: string
  /** Built fresh on every (re)start, so a restarted workload comes back with the current knobs. */
  launch: () => Launch
  restartPolicy?: RestartPolicy
  /** SIGTERM first; SIGKILL when the process is still there after this long. */
  stopGraceMs?: number
  logLines?: number
  /** A process that exits with one of these codes is not restarted (e.g. a bad command line). */
  fatalExitCodes?: number[]
  /** Whether the workload counts as running as soon as it is spawned (the load generator) or only once it says it is serving. */
  runningOnSpawn?: boolean
  /** Shown while starting, e.g. what a server is waiting for before it serves. */
  startingMessage?: string
  onMessage?: (message: ChildMessage) => void
  onChange?: () => void
}

/**
 * One child process kept alive: started, watched, restarted with backoff when it crashes, its
 * output kept in a bounded log, and stopped (SIGTERM, then SIGKILL after a grace period) on dispose.
 */
export class SupervisedProcess implements Disposable {
  readonly logs: LogBuffer
  private child: ChildProcess | null = null
  private state_: DemoWorkloadState = 'stopped'
  private message_: string | undefined
  private restarts_ = 0
  private crashesInRow = 0
  private startedAt = 0
  private restartTimer: NodeJS.Timeout | null = null
  /** Set while a restart someone asked for waits for the old process to exit: that exit is no crash. */
  private restartRequested = false
  private disposed = false
  private readonly policy: RestartPolicy

  constructor(private readonly options: SupervisedProcessOptions) {
    this.logs = new LogBuffer(options.logLines)
    this.policy = options.restartPolicy ?? defaultRestartPolicy
    trackDisposable(this)
  }

  get state(): DemoWorkloadState {
    return this.state_
  }
  get pid(): number | null {
    return this.child?.pid ?? null
  }
  get restarts(): number {
    return this.restarts_
  }
  get message(): string | undefined {
    return this.message_
  }

  start(): void {
    if (this.disposed) throw new Error(`${this.options.name} is disposed`)
    const launch = this.options.launch()
    this.startedAt = Date.now()
    const child = spawn(launch.command, launch.args, {
      cwd: launch.cwd,
      env: launch.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    })
    this.child = child
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.logs.write('stdout', chunk))
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.logs.write('stderr', chunk))
    child.on('message', (raw) => {
      const parsed = childMessageSchema.safeParse(raw)
      if (!parsed.success) return
      if (parsed.data.type === 'serving' && this.state_ === 'starting') {
        this.setState('running', undefined)
      }
      this.options.onMessage?.(parsed.data)
    })
    child.on('error', (err) => {
      this.logs.note(`could not start: ${err.message}`)
      // A process that never spawned emits no 'exit'; treat it as a crash so backoff applies.
      if (child.pid === undefined) this.onExit(child, null, null)
    })
    child.on('exit', (code, signal) => this.onExit(child, code, signal))
    this.logs.note(`started pid ${child.pid ?? '?'}: ${launch.args.join(' ')}`)
    if (this.options.runningOnSpawn) this.setState('running', undefined)
    else this.setState('starting', this.options.startingMessage)
  }

  /** Sends a message to the running process; false when there is none to send to. */
  send(message: ParentMessage): boolean {
    const child = this.child
    if (!child || !child.connected) return false
    child.send(message)
    return true
  }

  /**
   * Stops the process (SIGTERM, then SIGKILL after the grace period) and starts it again at once: a
   * restart someone asked for, so no backoff and no crash counted. One in backoff starts now.
   */
  async restart(): Promise<void> {
    if (this.disposed) throw new Error(`${this.options.name} is disposed`)
    if (this.restartTimer) clearTimeout(this.restartTimer)
    this.restartTimer = null
    const child = this.child
    this.logs.note('restart requested')
    if (child && child.exitCode === null && child.signalCode === null) {
      this.restartRequested = true
      await this.stopChild(child)
      return // onExit starts the new process
    }
    this.restarts_++
    this.crashesInRow = 0
    this.start()
  }

  async dispose(): Promise<void> {
    if (this.disposed) return
    this.disposed = true
    if (this.restartTimer) clearTimeout(this.restartTimer)
    this.restartTimer = null
    const child = this.child
    if (child && child.exitCode === null && child.signalCode === null) await this.stopChild(child)
    this.setState('stopped', undefined)
  }

  /** SIGTERM, then SIGKILL when the process is still there after the grace period. */
  private async stopChild(child: ChildProcess): Promise<void> {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill('SIGTERM')
    const grace = new Promise<'timeout'>((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), this.options.stopGraceMs ?? 5_000)
      void exited.then(() => clearTimeout(timer))
    })
    if ((await Promise.race([exited, grace])) === 'timeout') {
      this.logs.note(`pid ${child.pid ?? '?'} ignored SIGTERM for ${this.options.stopGraceMs ?? 5_000} ms; sending SIGKILL`)
      child.kill('SIGKILL')
      await exited
    }
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return
    const how = signal ? `signal ${signal}` : code === null ? 'no process (spawn failed)' : `code ${code}`
    this.logs.note(`pid ${child.pid ?? '?'} exited with ${how}`)
    if (this.disposed) return
    if (this.restartRequested) {
      this.restartRequested = false
      this.restarts_++
      this.crashesInRow = 0
      this.start()
      return
    }
    if (code !== null && (this.options.fatalExitCodes ?? []).includes(code)) {
      this.setState('failed', `exited with ${how}; not restarting (see its log for why)`)
      return
    }
    const { delayMs, crashesInRow } = restartDelay(this.policy, this.crashesInRow, Date.now() - this.startedAt)
    this.crashesInRow = crashesInRow
    this.logs.note(`restarting in ${delayMs} ms (crash ${crashesInRow} in a row)`)
    this.setState('backoff', `exited with ${how}; restarting in ${Math.round(delayMs / 100) / 10}s`)
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null
      if (this.disposed) return
      this.restarts_++
      this.start()
    }, delayMs)
  }

  private setState(state: DemoWorkloadState, message: string | undefined): void {
    this.state_ = state
    this.message_ = message
    try {
      this.options.onChange?.()
    } catch (err) {
      // A listener's failure must not stop supervision (this runs inside child-process handlers).
      this.logs.note(`state listener failed: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
}
