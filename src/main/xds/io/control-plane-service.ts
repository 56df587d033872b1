import { ErrorCode, MeshdeckError, type AppStatus, type ControlPlaneStatus, type EventPayload } from '@shared/contract'
import { trackDisposable, type Disposable } from '../../lib/disposable'
import type { BootstrapOptions, XdsBootstrap } from '../bootstrap'
import { startControlPlane, type ControlPlane, type ControlPlaneOptions } from './control-plane'
import type { ControlPlaneSources } from './source-set'

export interface ControlPlaneNotifications {
  changed(payload: EventPayload<'controlPlane.changed'>): void
  clientNacked(payload: EventPayload<'controlPlane.clientNacked'>): void
  /** useSources() switched what is served (sent at once: it answers a person's choice). */
  sourceChanged(payload: EventPayload<'controlPlane.sourceChanged'>): void
  /** The status bar's view (state, address, connected count) may have changed. */
  statusChanged(): void
}

/** Connect storms (hundreds of clients) become at most a few UI updates per second. */
const notifyEveryMs = 250

/**
 * The control plane as the app sees it: optional (only with a mesh folder), never fatal (a port in
 * use shows as state "failed" with the reason), and chatty only at a bounded rate.
 */
export class ControlPlaneService implements Disposable {
  private plane: ControlPlane | null = null
  private failure: string | null = null
  private failureHint: string | null = null
  private subscription: Disposable | null = null
  private timer: NodeJS.Timeout | null = null
  private nackTimer: NodeJS.Timeout | null = null
  /** The latest NACK held back while the window is closed. */
  private pendingNack: EventPayload<'controlPlane.clientNacked'> | null = null

  constructor(
    private readonly options: ControlPlaneOptions | null,
    private readonly notify: ControlPlaneNotifications,
  ) {
    trackDisposable(this)
  }

  async start(): Promise<void> {
    if (!this.options) return
    try {
      this.plane = await startControlPlane(this.options)
    } catch (err) {
      // A refusal with its own reason (istiod in the cluster, an unknown context) keeps its words.
      this.failure = err instanceof MeshdeckError ? err.message : `The xDS server could not start: ${(err as Error).message}`
      this.failureHint = err instanceof MeshdeckError ? (err.hint ?? null) : null
      return
    }
    this.subscription = this.plane.onEvent((event) => {
      if (event.kind === 'nacked') this.nacked({ nodeId: event.nodeId, streamId: event.streamId, type: event.type, version: event.version, message: event.message })
      if (event.kind === 'sourcesChanged') {
        this.notify.sourceChanged({ servedVersion: event.version, configSource: event.configSource, endpointSource: event.endpointSource })
        this.notify.statusChanged()
      }
      this.scheduleChanged()
    })
  }

  /** The running control plane, for services that feed on it (demo mesh, topology); null when off. */
  get controlPlane(): ControlPlane | null {
    return this.plane
  }

  /**
   * A config a thousand clients reject is a thousand NACKs, and each makes the renderer re-read the
   * client list: the first goes out at once, then at most one per window (the latest), and the
   * per-stream detail is in the client list anyway.
   */
  private nacked(payload: EventPayload<'controlPlane.clientNacked'>): void {
    if (this.nackTimer) {
      this.pendingNack = payload
      return
    }
    this.notify.clientNacked(payload)
    this.nackTimer = setTimeout(() => {
      this.nackTimer = null
      const pending = this.pendingNack
      this.pendingNack = null
      if (pending) this.nacked(pending)
    }, notifyEveryMs)
  }

  private scheduleChanged(): void {
    if (this.timer) return
    this.timer = setTimeout(() => {
      this.timer = null
      const status = this.status()
      this.notify.changed({ servedVersion: status.servedVersion, streams: status.streams, problems: status.problems.length })
      this.notify.statusChanged()
    }, notifyEveryMs)
  }

  status(): ControlPlaneStatus {
    if (this.plane) return this.plane.status()
    return {
      state: this.failure ? 'failed' : 'stopped',
      address: null,
      meshDir: this.options?.meshDir ?? null,
      configSource: null,
      endpointSource: null,
      servedVersion: 0,
      sourceVersion: 0,
      streams: 0,
      nodes: 0,
      byStatus: { SYNCED: 0, STALE: 0, NACKED: 0, 'NOT SERVED': 0, 'NOT SENT': 0 },
      problems: [],
      rejected: [],
      lastPushAt: null,
    }
  }

  /** What the status bar shows. */
  appStatus(): AppStatus['controlPlane'] {
    if (this.plane) return { state: 'running', address: this.plane.address, connectedClients: this.plane.status().streams }
    return this.failure
      ? { state: 'failed', address: null, connectedClients: 0, message: this.failure }
      : { state: 'stopped', address: null, connectedClients: 0 }
  }

  running(): ControlPlane {
    if (this.plane) return this.plane
    throw new MeshdeckError(
      ErrorCode.unavailable,
      this.failure ?? 'The embedded control plane is not running.',
      this.failureHint ??
        (this.failure ? 'Free the xDS port or pick another with --xds-port, then restart Meshdeck.' : 'Start Meshdeck with --mesh-dir DIR or --mesh-context CONTEXT [--xds-port PORT].'),
    )
  }

  /**
   * Switches the running control plane to other sources and returns its new status. Without a
   * running control plane there is nothing to switch: the security binding, topology feed and demo
   * bind to it when Meshdeck starts, so one started later would serve without them.
   */
  async useSources(sources: ControlPlaneSources): Promise<ControlPlaneStatus> {
    if (!this.plane) {
      throw new MeshdeckError(
        ErrorCode.unavailable,
        this.failure
          ? `The embedded control plane is not running (${this.failure}), so it cannot switch what it serves.`
          : 'This Meshdeck was started without the embedded control plane (no mesh folder or cluster), so there is nothing to switch.',
        'Start Meshdeck with `meshdeck serve --mesh-dir DIR`, `--demo` or `--mesh-context CONTEXT` (the desktop app runs the demo mesh when the kubeconfig has no context), then switch here.',
      )
    }
    await this.plane.useSources(sources)
    return this.plane.status()
  }

  bootstrap(options: Omit<BootstrapOptions, 'xdsAddress' | 'serverListenerTemplate'>): XdsBootstrap {
    return this.running().bootstrap(options)
  }

  async dispose(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    if (this.nackTimer) clearTimeout(this.nackTimer)
    this.subscription?.dispose()
    await this.plane?.dispose()
    this.plane = null
  }
}
