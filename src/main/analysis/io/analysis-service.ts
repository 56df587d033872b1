import type { AnalysisStateDto, ClusterAnalysisDto, EventPayload } from '@shared/contract'
import type { KubeClient } from '../../cluster/io'
import { trackDisposable, type Disposable } from '../../lib/disposable'
import { createSnapshot, parseMeshYaml, toMeshObject, type MeshObject, type MeshSnapshot } from '../../mesh'
import { readClusterMesh, type ClusterMesh } from '../../mesh/io'
import type { ControlPlane } from '../../xds/io'
import { analyzeMesh, type AnalysisResult } from '../analyze'
import { analyzers } from '../analyzers'
import { clusterAnalysisPlan, inventoryLists } from '../cluster'
import type { AnalysisInput } from '../context'
import { compareAnalyses, withFileObjects, withObject, type EditAnalysis } from '../edit'
import { countLevels } from '../filter'
import { findingKey } from '../finding'

export interface AnalysisServiceOptions {
  /** The running control plane, or null when there is none (nothing to analyse then). */
  controlPlane: () => ControlPlane | null
  /** SPIFFE IDs known to exist besides the workloads' (the certificates the mesh CA issued). */
  identities?: () => readonly string[]
  /** The mesh CA's trust domain, asked once at start. */
  trustDomain?: () => Promise<string>
  onChanged: (payload: EventPayload<'analysis.changed'>) => void
  /** How long a config read waits before it is analysed, so a burst of edits is analysed once. Default 100 ms. */
  debounceMs?: number
  /** How long a cluster read for an edit check is reused (a slider drag checks many edits). Default 5 s. */
  clusterReadTtlMs?: number
}

/** What one cluster read for edit checks holds, and until when it is reused. */
interface ClusterRead {
  at: number
  mesh: Promise<ClusterMesh>
}

/**
 * The analysis, live: every config the control plane reads (served or not — a broken edit is
 * analysed as written) is analysed within one debounce, and `analysis.changed` says so. It also
 * checks edits before they are written (a canary weight change, a rollout): what findings the mesh
 * would have with the edit, against what it has now.
 */
export class AnalysisService implements Disposable {
  private timer: NodeJS.Timeout | null = null
  private subscription: Disposable | null = null
  private result: (AnalysisResult & { version: number; at: Date; durationMs: number }) | null = null
  private trustDomain: string | undefined
  private readonly clusterReads = new Map<string, ClusterRead>()
  private disposed = false

  constructor(private readonly options: AnalysisServiceOptions) {
    trackDisposable(this)
  }

  /** Follows the control plane (when one runs) and analyses what it has now. */
  async start(): Promise<void> {
    this.trustDomain = await this.options.trustDomain?.().catch(() => undefined)
    const plane = this.options.controlPlane()
    if (!plane || this.disposed) return
    this.subscription = plane.onEvent((event) => {
      if (event.kind === 'read' || event.kind === 'sourcesChanged') this.schedule()
    })
    this.analyseNow()
  }

  /** Analyses within one debounce of the first read since the last analysis; later reads in that window join it. */
  private schedule(): void {
    if (this.timer || this.disposed) return
    this.timer = setTimeout(() => {
      this.timer = null
      this.analyseNow()
    }, this.options.debounceMs ?? 100)
  }

  private input(snapshot: MeshSnapshot, sourceProblems: AnalysisInput['sourceProblems'] = []): AnalysisInput {
    return { snapshot, sourceProblems, identities: this.options.identities?.() ?? [], trustDomain: this.trustDomain }
  }

  /** Analyses the control plane's config as written now. */
  analyseNow(): void {
    const plane = this.options.controlPlane()
    if (!plane || this.disposed) return
    const written = plane.written()
    const started = performance.now()
    const result = analyzeMesh(this.input(written.snapshot, written.sourceProblems))
    const previous = this.result
    this.result = { ...result, version: written.snapshot.version, at: new Date(), durationMs: Math.round(performance.now() - started) }
    const same = previous && previous.version === this.result.version && previous.findings.map(findingKey).join('\n') === result.findings.map(findingKey).join('\n')
    if (!same) this.options.onChanged({ version: this.result.version, counts: countLevels(result.findings) })
  }

  /** analysis.findings */
  findings(): AnalysisStateDto {
    const plane = this.options.controlPlane()
    const r = this.result
    if (!plane || !r) {
      return { state: plane ? 'pending' : 'off', version: null, analysedAt: null, durationMs: null, objects: 0, counts: { Error: 0, Warning: 0, Info: 0 }, findings: [] }
    }
    return {
      state: this.timer ? 'pending' : 'ready',
      version: r.version,
      analysedAt: r.at.toISOString(),
      durationMs: r.durationMs,
      objects: r.objects,
      counts: countLevels(r.findings),
      findings: r.findings,
    }
  }

  /**
   * What rewriting one file of the mesh folder (`file` as the folder names it) from `current` to
   * `proposed` would add to the findings, in the mesh the control plane reads. Both sides put the
   * file's text in, so a change the control plane has not read yet is no difference. Null without a
   * control plane: nothing to compare with.
   */
  checkFileEdit(file: string, current: string, proposed: string): EditAnalysis | null {
    const plane = this.options.controlPlane()
    if (!plane) return null
    const snapshot = plane.written().snapshot
    const analyse = (text: string) => analyzeMesh(this.input(withFileObjects(snapshot, file, parseMeshYaml(text, file).objects))).findings
    return compareAnalyses(analyse(current), analyse(proposed))
  }

  /**
   * What replacing one object in a cluster, `current` as just read, with `proposed` (Istio objects
   * as the API has them) would add to the findings, against the rest of the cluster as read
   * recently (one read reused for a few seconds: a slider drag checks many edits). Both sides put
   * the object in, so a read older than the object is no difference.
   */
  async checkClusterEdit(context: string, client: KubeClient, current: unknown, proposed: unknown): Promise<EditAnalysis> {
    const mesh = await this.clusterMesh(context, client)
    const before = toMeshObject(current)
    const after = toMeshObject(proposed)
    if (!('object' in before) || !('object' in after)) return { introduced: [], blocking: [] }
    const snapshot = createSnapshot(1, mesh.objects, mesh.services)
    const analyse = (object: MeshObject) => analyzeMesh({ ...this.input(withObject(snapshot, object)), pods: mesh.pods, namespaces: mesh.namespaces ?? undefined }).findings
    const result = compareAnalyses(analyse(before.object), analyse(after.object))
    // A user who may not list Services, endpoints or Pods cannot tell a subset nobody serves from
    // one they cannot see: the findings are shown, but they stop nothing.
    const blind = mesh.unlisted.some((label) => inventoryLists.includes(label))
    return blind ? { introduced: result.introduced, blocking: [] } : result
  }

  /**
   * analysis.clusterFindings: a cluster's Istio objects analysed against its Services, endpoints
   * and Pods, from the same recent read the edit checks use. What the user may not list leaves out
   * the analyzers that need it (a route to a Service one cannot see is no error), and `note` says so.
   */
  async clusterFindings(context: string, client: KubeClient): Promise<ClusterAnalysisDto> {
    const mesh = await this.clusterMesh(context, client)
    const plan = clusterAnalysisPlan(
      analyzers.map((a) => a.name),
      mesh.unlisted,
      context,
    )
    const started = performance.now()
    const result = analyzeMesh({
      ...this.input(createSnapshot(1, mesh.objects, mesh.services), mesh.problems),
      pods: mesh.pods,
      namespaces: mesh.namespaces ?? undefined,
      analyzers: plan.analyzers,
    })
    const findings = result.findings.filter((f) => !plan.withoutCodes.includes(f.code))
    return {
      context,
      analysedAt: new Date().toISOString(),
      durationMs: Math.round(performance.now() - started),
      objects: result.objects,
      counts: countLevels(findings),
      findings,
      unlisted: mesh.unlisted,
      note: plan.note,
    }
  }

  private clusterMesh(context: string, client: KubeClient): Promise<ClusterMesh> {
    const now = Date.now()
    const known = this.clusterReads.get(context)
    if (known && now - known.at < (this.options.clusterReadTtlMs ?? 5000)) return known.mesh
    const mesh = readClusterMesh(client, context)
    // A read that fails is not kept: the next check tries again.
    mesh.catch(() => this.clusterReads.delete(context))
    this.clusterReads.set(context, { at: now, mesh })
    return mesh
  }

  dispose(): void {
    this.disposed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.subscription?.dispose()
    this.subscription = null
  }
}
