import type { InformerItem, KubeClient, KubeObject, Informer } from '../../cluster'
import { objectKey, type MeshKind, type MeshObject } from '../model'
import type { MeshProblem } from '../problems'
import { createSnapshot } from '../snapshot'
import type { MeshConfigSource, MeshSourceInfo, MeshSourceUpdate } from '../source'
import { toMeshObject, type ConvertedObject } from '../to-mesh-object'
import { ApiDiscovery, type ServedResource } from './api-discovery'
import { WatchedKinds } from './watched-kinds'

/** The Istio kinds the embedded control plane reads, where they live, and the versions it accepts (newest first). */
export const istioResources: readonly { kind: MeshKind; group: string; plural: string }[] = [
  { kind: 'VirtualService', group: 'networking.istio.io', plural: 'virtualservices' },
  { kind: 'DestinationRule', group: 'networking.istio.io', plural: 'destinationrules' },
  { kind: 'ServiceEntry', group: 'networking.istio.io', plural: 'serviceentries' },
  { kind: 'WorkloadEntry', group: 'networking.istio.io', plural: 'workloadentries' },
  { kind: 'PeerAuthentication', group: 'security.istio.io', plural: 'peerauthentications' },
  { kind: 'AuthorizationPolicy', group: 'security.istio.io', plural: 'authorizationpolicies' },
]
export const istioVersions = ['v1', 'v1beta1', 'v1alpha3'] as const

interface CrdItem extends InformerItem {
  converted: ConvertedObject
}

export interface IstioCrdSourceOptions {
  client: KubeClient
  context: string
  onChange: (update: MeshSourceUpdate) => void
  debounceMs?: number
}

/**
 * A cluster's Istio CRDs as a mesh config source: an informer (list + watch, all namespaces) per
 * kind at the newest version the server serves. Same contract as the folder: one update per
 * settled change (debounced), and an object that cannot be read keeps its last readable version
 * (problems name kind, namespace, name and field; there is no file or line in a cluster). Objects
 * that read but do not validate are the control plane's to guard (guardSnapshot), as for files.
 */
export class IstioCrdSource implements MeshConfigSource {
  private readonly kinds: WatchedKinds
  private readonly informers: { resource: ServedResource; kind: MeshKind; informer: Informer<CrdItem> }[] = []
  private readonly absent: string[] = []
  /** Last readable version per uid, served while a later version cannot be read. */
  private readonly lastReadable = new Map<string, MeshObject>()
  private version = 0
  private fingerprint = ''
  private state: MeshSourceUpdate = { snapshot: createSnapshot(0, []), problems: [] }
  private groupsMissing = false

  constructor(private readonly options: IstioCrdSourceOptions) {
    this.kinds = new WatchedKinds(options.client, () => this.rebuild(), options.debounceMs ?? 100)
  }

  async start(): Promise<void> {
    const discovery = new ApiDiscovery(this.options.client)
    const networking = await discovery.groupServed('networking.istio.io')
    const security = await discovery.groupServed('security.istio.io')
    this.groupsMissing = networking === null && security === null
    for (const { kind, group, plural } of istioResources) {
      const resource = await discovery.resolve(group, plural, istioVersions)
      if (!resource) {
        this.absent.push(kind)
        continue
      }
      const apiVersion = `${group}/${resource.version}`
      const toItem = (o: KubeObject): CrdItem => {
        const uid = String((o.metadata as { uid?: unknown } | undefined)?.uid ?? '')
        // List items of custom resources carry kind and apiVersion, watch events too; set them anyway
        // so what we read never depends on it.
        return { uid, converted: toMeshObject({ ...o, kind, apiVersion }) }
      }
      this.informers.push({ resource, kind, informer: this.kinds.watch(`${kind}s (${apiVersion})`, resource.path, toItem) })
    }
    await this.kinds.firstAnswers()
    this.rebuild()
  }

  current(): MeshSourceUpdate {
    return this.state
  }

  info(): MeshSourceInfo {
    const context = this.options.context
    if (this.groupsMissing) return { kind: 'cluster', name: context, detail: `Context "${context}" has no Istio CRDs: no mesh config, every service routes to all its endpoints.` }
    const served = this.informers.map((i) => `${i.kind} ${i.resource.version}`).join(', ')
    return { kind: 'cluster', name: context, detail: `Istio CRDs of context "${context}": ${served}${this.absent.length > 0 ? `; not served: ${this.absent.join(', ')}` : ''}.` }
  }

  async refresh(): Promise<void> {
    this.kinds.flush()
  }

  private absenceProblems(): MeshProblem[] {
    if (this.groupsMissing) {
      return [
        {
          severity: 'warning',
          message: `Context "${this.options.context}" has no Istio CRDs (networking.istio.io and security.istio.io are not served), so there is no VirtualService, DestinationRule or policy to apply.`,
          hint: 'Kubernetes Services are still served, each routing to all its ready endpoints. Install Istio\'s CRDs (e.g. kubectl apply -f resources/istio/crds.yaml) and serve again to use mesh config.',
        },
      ]
    }
    return this.absent.map((kind) => ({
      severity: 'warning' as const,
      message: `The cluster serves no ${kind} CRD in ${istioVersions.join(', ')}; ${kind} objects are not read.`,
      hint: `Install Istio's ${kind} CRD and serve again.`,
    }))
  }

  private rebuild(): void {
    const objects: MeshObject[] = []
    const problems: MeshProblem[] = [...this.absenceProblems(), ...this.kinds.problems()]
    const live = new Set<string>()
    for (const { informer } of this.informers) {
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
