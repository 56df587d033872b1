import { ErrorCode, MeshdeckError } from '../../../shared/contract/errors'
import type { DemoFaultCode, DemoLoad, DemoLogLine, DemoStatus, DemoWorkload } from '../../../shared/contract/demo'
import { trackDisposable, type Disposable } from '../../lib/disposable'
import type { FileSdGroup } from '../scrape-targets'
import { startDemoMesh, type DemoMesh, type DemoMeshOptions } from './demo-mesh'

const notRunning = (): MeshdeckError =>
  new MeshdeckError(ErrorCode.unavailable, 'The demo mesh is not running.', 'Start it with `meshdeck demo` or `meshdeck serve --demo`.')

/**
 * What the demo.* API methods talk to. It exists whether or not a demo runs, so the methods are
 * always registered and answer "not running" with a hint instead of "unknown method".
 */
export class DemoService implements Disposable {
  private mesh: DemoMesh | null = null
  private starting: Promise<DemoMesh> | null = null

  constructor(private readonly emitWorkload: (workload: DemoWorkload) => void) {
    trackDisposable(this)
  }

  /** Starts the demo mesh on a running control plane; a second call returns the running demo. */
  async start(options: Omit<DemoMeshOptions, 'onWorkloadChange'>): Promise<DemoMesh> {
    if (this.mesh) return this.mesh
    this.starting ??= startDemoMesh({ ...options, onWorkloadChange: this.emitWorkload })
    try {
      this.mesh = await this.starting
      return this.mesh
    } finally {
      this.starting = null
    }
  }

  async stop(): Promise<void> {
    const mesh = this.mesh
    this.mesh = null
    await mesh?.dispose()
  }

  status(): DemoStatus {
    return this.mesh?.status() ?? { running: false, meshDir: null, workloads: [], load: null }
  }

  setLoad(rps: number): DemoLoad {
    return this.running().setLoad(rps)
  }

  setFault(params: { workload: string; errorRate: number; latencyMs: number; errorCode?: DemoFaultCode }): DemoWorkload {
    const { workload, ...fault } = params
    return this.running().setFault(workload, fault)
  }

  /** The running demo's /metrics addresses (Prometheus file_sd groups); none when it is not running. */
  scrapeTargets(): FileSdGroup[] {
    return this.mesh?.scrapeTargets() ?? []
  }

  logs(params: { workload: string; tail?: number }): { workload: string; lines: DemoLogLine[] } {
    return { workload: params.workload, lines: this.running().logs(params.workload, params.tail ?? 200) }
  }

  restart(params: { workload: string }): Promise<DemoWorkload> {
    return this.running().restart(params.workload)
  }

  dispose(): Promise<void> {
    return this.stop()
  }

  private running(): DemoMesh {
    if (!this.mesh) throw notRunning()
    return this.mesh
  }
}
