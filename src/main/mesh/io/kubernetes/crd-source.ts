import type { KubeObject } from '../../../cluster'
import type { InformerItem, KubeClient, Informer } from '../../../cluster/io'
import { trackDisposable } from '../../../lib/disposable'
import { CustomResourceDefinition, collectionPath, istioKinds, isEstablished, meshKinds, readObjectMeta, servedVersions, type KindInfo } from '../../../model'
import { objectKey, type MeshKind, type MeshObject } from '../../model'
import type { MeshProblem } from '../../problems'
import { createSnapshot } from '../../snapshot'
import type { MeshConfigSource, MeshSourceInfo, MeshSourceUpdate } from '../../source'
import { toMeshObject, type ConvertedObject } from '../../to-mesh-object'
import { ApiDiscovery, type ServedResource } from './api-discovery'
import { WatchedKinds } from './watched-kinds'

/** The Istio kinds the embedded control plane reads, where they live, and the versions it accepts (newest first): the model's. */
export const istioResources: readonly (KindInfo & { kind: MeshKind })[] = meshKinds.map((kind) => ({ ...istioKinds[kind], kind }))
export { istioVersions } from '../../../model'

interface CrdItem extends InformerItem {
  converted: ConvertedObject
}

export interface IstioCrdSourceOptions {
  client: KubeClient
  context: string
  onChange: (update: MeshSourceUpdate) => void
  debounceMs?: number
}

/** What the source reads of a CustomResourceDefinition: enough to know which Istio kinds are served where. */
interface CrdInfo extends InformerItem {
  group: string
  plural: string
  served: string[]
  established: boolean
}

function readCrd(o: KubeObject): CrdInfo {
  const crd = CustomResourceDefinition.read(o)
  return {
    uid: crd.metadata.uid,
    group: crd.spec.group ?? '',
    plural: crd.spec.names.plural ?? '',
    served: servedVersions(crd),
    established: isEstablished(crd),
  }
}

function servedFromCrds(crds: Iterable<CrdInfo>, { group, plural, versions }: KindInfo): ServedResource | null {
  const crd = [...crds].find((c) => c.group === group && c.plural === plural && c.established)
  const version = versions.find((v) => crd?.served.includes(v))
  return crd && version ? { group, version, plural, path: `/apis/${group}/${version}/${plural}` } : null
}

/**
 * A cluster's Istio CRDs as a mesh config source: an informer (list + watch, all namespaces) per
 * kind at the newest version the server serves. Same contract as the folder: one update per
 * settled change (debounced), and an object that cannot be read keeps its last readable version
 * (problems name kind, namespace, name and field; there is no file or line in a cluster). Objects
 * that read but do not validate are the control plane's to guard (guardSnapshot), as for files.
 * Where the user may read CustomResourceDefinitions, the source follows them too, so Istio's CRDs
 * installed (or removed, or given a newer version) later are picked up without a restart.
 */
export class IstioCrdSource implements MeshConfigSource {
  private readonly kinds: WatchedKinds
  private readonly informers = new Map<MeshKind, { resource: ServedResource; informer: Informer<CrdItem> }>()
  private crds: Informer<CrdInfo> | undefined
  /** Last readable version per uid, served while a later version cannot be read. */
  private readonly lastReadable = new Map<string, MeshObject>()
  private version = 0
  private fingerprint = ''
  private state: MeshSourceUpdate = { snapshot: createSnapshot(0, []), problems: [] }

  constructor(private readonly options: IstioCrdSourceOptions) {
    this.kinds = new WatchedKinds(options.client, () => this.rebuild(), options.debounceMs ?? 100)
    trackDisposable(this)
  }

  async start(): Promise<void> {
    // Discovery answers for every authenticated user; the CRD watch below only for some.
    const discovery = new ApiDiscovery(this.options.client)
    const desired = new Map<MeshKind, ServedResource | null>()
    for (const resource of istioResources) desired.set(resource.kind, await discovery.resolve(resource.group, resource.plural, resource.versions))
    this.reconcile(desired)
    this.crds = this.kinds.watch("CustomResourceDefinitions (to notice Istio's CRDs being installed)", collectionPath(CustomResourceDefinition, null), readCrd)
    await this.kinds.firstAnswers()
    this.rebuild()
  }

  /** Starts, moves or stops informers so each kind is watched at the version given (null: not at all). */
  private reconcile(desired: ReadonlyMap<MeshKind, ServedResource | null>): void {
    for (const [kind, resource] of desired) {
      const current = this.informers.get(kind)
      if (current?.resource.path === resource?.path) continue
      if (current) {
        this.kinds.stop(current.informer)
        this.informers.delete(kind)
      }
      if (!resource) continue
      const apiVersion = `${resource.group}/${resource.version}`
      const toItem = (o: KubeObject): CrdItem => {
        const uid = readObjectMeta(o.metadata).uid
        // List items of custom resources carry kind and apiVersion, watch events too; set them anyway
        // so what we read never depends on it.
        return { uid, converted: toMeshObject({ ...o, kind, apiVersion }) }
      }
      this.informers.set(kind, { resource, informer: this.kinds.watch(`${kind}s (${apiVersion})`, resource.path, toItem) })
    }
  }

  private absentKinds(): MeshKind[] {
    return istioResources.map((r) => r.kind).filter((kind) => !this.informers.has(kind))
  }

  current(): MeshSourceUpdate {
    return this.state
  }

  info(): MeshSourceInfo {
    const context = this.options.context
    if (this.informers.size === 0) return { kind: 'cluster', name: context, detail: `Context "${context}" has no Istio CRDs: no mesh config, every service routes to all its endpoints.` }
    const served = [...this.informers].map(([kind, i]) => `${kind} ${i.resource.version}`).join(', ')
    const absent = this.absentKinds()
    return { kind: 'cluster', name: context, detail: `Istio CRDs of context "${context}": ${served}${absent.length > 0 ? `; not served: ${absent.join(', ')}` : ''}.` }
  }

  async refresh(): Promise<void> {
    this.kinds.flush()
  }

  private absenceProblems(): MeshProblem[] {
    const followed = this.crds?.isSynced() === true
    const then = followed ? 'Meshdeck picks them up once installed' : 'serve again once they are installed'
    if (this.informers.size === 0) {
      return [
        {
          severity: 'warning',
          message: `Context "${this.options.context}" has no Istio CRDs (networking.istio.io and security.istio.io are not served), so there is no VirtualService, DestinationRule or policy to apply.`,
          hint: `Kubernetes Services are still served, each routing to all its ready endpoints. Install Istio's CRDs (e.g. kubectl apply -f resources/istio/crds.yaml); ${then}.`,
        },
      ]
    }
    return this.absentKinds().map((kind) => ({
      severity: 'warning' as const,
      message: `The cluster serves no ${kind} CRD in ${istioKinds[kind].versions.join(', ')}; ${kind} objects are not read.`,
      hint: `Install Istio's ${kind} CRD; ${then}.`,
    }))
  }

  private rebuild(): void {
    if (this.crds?.isSynced()) {
      const crds = [...this.crds.store.values()]
      this.reconcile(new Map(istioResources.map((resource) => [resource.kind, servedFromCrds(crds, resource)])))
    }
    const objects: MeshObject[] = []
    const problems: MeshProblem[] = [...this.absenceProblems(), ...this.kinds.problems()]
    const live = new Set<string>()
    for (const { informer } of this.informers.values()) {
      for (const item of informer.store.values()) {
        live.add(item.uid)
        const converted = item.converted
        if ('object' in converted) {
          this.lastReadable.set(item.uid, converted.object)
          objects.push(converted.object)
        } else if ('problem' in converted) {
          const previous = this.lastReadable.get(item.uid)
          problems.push(previous ? { ...converted.problem, hint: `${converted.problem.hint} Its last readable version keeps serving.` } : converted.problem)
          if (previous) objects.push(previous)
        }
      }
    }
    for (const uid of [...this.lastReadable.keys()]) if (!live.has(uid)) this.lastReadable.delete(uid)
    objects.sort((a, b) => objectKey(a).localeCompare(objectKey(b)))
    const fingerprint = JSON.stringify(objects.map((o) => [o.kind, o.namespace, o.name, o.spec]))
    const problemsChanged = JSON.stringify(problems) !== JSON.stringify(this.state.problems)
    if (fingerprint === this.fingerprint && !problemsChanged && this.version > 0) return
    if (fingerprint !== this.fingerprint || this.version === 0) {
      this.version += 1
      this.fingerprint = fingerprint
      this.state = { snapshot: createSnapshot(this.version, objects), problems }
    } else {
      this.state = { snapshot: this.state.snapshot, problems }
    }
    this.options.onChange(this.state)
  }

  dispose(): void {
    this.kinds.dispose()
  }
}
