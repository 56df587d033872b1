import {
  endpointPort,
  endpointServes,
  resolveServices,
  type KubePodInfo,
  type MeshObject,
  type MeshProblem,
  type MeshService,
  type MeshSnapshot,
} from '../mesh'

/** What the analysis reads: a snapshot of the mesh as written, and what else is known about where it runs. */
export interface AnalysisInput {
  /** The config as written (not what the control plane kept serving), with a cluster's Services and endpoints when there is one. */
  snapshot: MeshSnapshot
  /** Problems reading the config (a file that does not parse, an unknown kind): reported as MDK0007/MDK0008. */
  sourceProblems?: readonly MeshProblem[]
  /** A cluster's Pods (labels and service account), beyond those behind Services' endpoints: selectors and principals match them too. */
  pods?: readonly KubePodInfo[]
  /** The namespaces that exist (a cluster's); by default those the objects and workloads are in. */
  namespaces?: readonly string[]
  /** SPIFFE IDs or principals known to exist besides the workloads' (certificates the mesh CA issued). */
  identities?: readonly string[]
  /** The mesh's trust domain; default cluster.local. */
  trustDomain?: string
  /** Istio's root namespace (mesh-wide policies); default istio-system. */
  rootNamespace?: string
  /** Only these analyzers (by name); default all. */
  analyzers?: readonly string[]
}

/** A workload policies can select and principals can name: a WorkloadEntry or a Pod. */
export interface MeshWorkload {
  /** `WorkloadEntry/ns/name` or `Pod/ns/name`, as endpoints name their origin. */
  origin: string
  kind: 'WorkloadEntry' | 'Pod'
  namespace: string
  name: string
  labels: Record<string, string>
  serviceAccount?: string
  /** The ports it serves (workload ports), or null when not known (a Pod behind no endpoint). */
  ports: Set<number> | null
}

export const defaultTrustDomain = 'cluster.local'
export const defaultRootNamespace = 'istio-system'

export function matchesLabels(labels: Record<string, string>, selector: Record<string, string> | undefined): boolean {
  return Object.entries(selector ?? {}).every(([key, value]) => labels[key] === value)
}

/** Kubernetes' label selector text (`app=reviews,version=v2`), as Istio prints a selector. */
export function selectorText(selector: Record<string, string> | undefined): string {
  return Object.entries(selector ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join(',')
}

/**
 * What every analyzer reads, computed once per analysis: the services with their endpoints, the
 * workloads, the namespaces and identities that exist. Pure; lazily built, since the CLI may run
 * one analyzer.
 */
export class AnalysisContext {
  readonly snapshot: MeshSnapshot
  readonly trustDomain: string
  readonly rootNamespace: string
  private servicesCache: MeshService[] | undefined
  private workloadsCache: MeshWorkload[] | undefined
  private namespacesCache: Set<string> | undefined
  private identitiesCache: Set<string> | undefined

  constructor(readonly input: AnalysisInput) {
    this.snapshot = input.snapshot
    this.trustDomain = input.trustDomain ?? defaultTrustDomain
    this.rootNamespace = input.rootNamespace ?? defaultRootNamespace
  }

  get services(): MeshService[] {
    return (this.servicesCache ??= resolveServices(this.snapshot))
  }

  /** Every object of the snapshot, in kind order. */
  objects(): MeshObject[] {
    const s = this.snapshot
    return [...s.serviceEntries, ...s.workloadEntries, ...s.destinationRules, ...s.virtualServices, ...s.peerAuthentications, ...s.authorizationPolicies]
  }

  /** WorkloadEntries, the Pods behind Services' endpoints, and the cluster's other Pods. */
  get workloads(): MeshWorkload[] {
    if (this.workloadsCache) return this.workloadsCache
    const byOrigin = new Map<string, MeshWorkload>()
    for (const entry of this.snapshot.workloadEntries) {
      const origin = `WorkloadEntry/${entry.namespace}/${entry.name}`
      byOrigin.set(origin, {
        origin,
        kind: 'WorkloadEntry',
        namespace: entry.namespace,
        name: entry.name,
        labels: entry.spec.labels ?? {},
        // Istio gives a WorkloadEntry without one the namespace's default service account.
        serviceAccount: entry.spec.serviceAccount ?? 'default',
        ports: null,
      })
    }
    for (const service of this.services) {
      for (const endpoint of service.endpoints) {
        let workload = byOrigin.get(endpoint.origin)
        if (!workload && endpoint.origin.startsWith('Pod/')) {
          const [, namespace = '', name = ''] = endpoint.origin.split('/')
          workload = { origin: endpoint.origin, kind: 'Pod', namespace, name, labels: endpoint.labels, serviceAccount: endpoint.serviceAccount, ports: null }
          byOrigin.set(endpoint.origin, workload)
        }
        if (!workload) continue
        const ports = (workload.ports ??= new Set())
        for (const port of service.ports) if (endpointServes(endpoint, port)) ports.add(endpointPort(endpoint, port))
      }
    }
    // A WorkloadEntry no service selects still serves the ports it names.
    for (const entry of this.snapshot.workloadEntries) {
      const workload = byOrigin.get(`WorkloadEntry/${entry.namespace}/${entry.name}`)!
      if (workload.ports === null && Object.keys(entry.spec.ports ?? {}).length > 0) workload.ports = new Set(Object.values(entry.spec.ports ?? {}))
    }
    for (const pod of this.input.pods ?? []) {
      const origin = `Pod/${pod.namespace}/${pod.name}`
      if (!byOrigin.has(origin)) byOrigin.set(origin, { origin, kind: 'Pod', namespace: pod.namespace, name: pod.name, labels: pod.labels, serviceAccount: pod.serviceAccount, ports: null })
    }
    return (this.workloadsCache = [...byOrigin.values()])
  }

  private workloadsByNamespace: Map<string, MeshWorkload[]> | undefined

  workloadsIn(namespace: string): MeshWorkload[] {
    if (!this.workloadsByNamespace) {
      this.workloadsByNamespace = new Map()
      for (const w of this.workloads) {
        const list = this.workloadsByNamespace.get(w.namespace) ?? []
        list.push(w)
        this.workloadsByNamespace.set(w.namespace, list)
      }
    }
    return this.workloadsByNamespace.get(namespace) ?? []
  }

  /** The namespaces that exist: the cluster's when known, else those of the objects, workloads and services. */
  get namespaces(): Set<string> {
    if (this.namespacesCache) return this.namespacesCache
    const known = new Set<string>(this.input.namespaces ?? [])
    if (!this.input.namespaces) {
      for (const object of this.objects()) known.add(object.namespace)
      for (const workload of this.workloads) known.add(workload.namespace)
      for (const service of this.services) known.add(service.namespace)
      known.add(this.rootNamespace)
    }
    return (this.namespacesCache = known)
  }

  /** Principals (`<trust domain>/ns/<ns>/sa/<sa>`) some workload can present. */
  get identities(): Set<string> {
    if (this.identitiesCache) return this.identitiesCache
    const known = new Set<string>()
    for (const workload of this.workloads) if (workload.serviceAccount) known.add(`${this.trustDomain}/ns/${workload.namespace}/sa/${workload.serviceAccount}`)
    for (const identity of this.input.identities ?? []) known.add(identity.replace(/^spiffe:\/\//, ''))
    return (this.identitiesCache = known)
  }
}
