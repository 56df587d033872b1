import type { DestinationRule, ServicePort, SourceLocation, Subset, WorkloadEntry } from './model'
import type { MeshSnapshot } from './snapshot'

/** One backend instance of a service: a ServiceEntry endpoint or a selected WorkloadEntry. */
export interface ServiceEndpoint {
  address: string
  /** The workload's namespace (the ServiceEntry's for inline endpoints). */
  namespace: string
  /** Port name → port, as in WorkloadEntry.ports; a missing name means "the service port". */
  ports: Record<string, number>
  labels: Record<string, string>
  /** `region/zone/subzone`, possibly partial or empty. */
  locality: string
  weight: number
  /** The Kubernetes service account its Pod runs as (its SPIFFE identity); WorkloadEntries carry theirs in the spec. */
  serviceAccount?: string
  /** Which object declared it (`WorkloadEntry/ns/name`, `ServiceEntry/ns/name#i`, `Pod/ns/name`). */
  origin: string
  source?: SourceLocation
  /**
   * Kubernetes endpoints serve exactly the ports their EndpointSlice (or Endpoints subset) lists;
   * a port missing from `ports` is not served, rather than served on the service port number.
   */
  listedPortsOnly?: boolean
}

/** A service the mesh routes to: a ServiceEntry host or a Kubernetes Service, with its ports and endpoints. */
export interface MeshService {
  /** The fully qualified host, as written in the ServiceEntry (`name.ns.svc.<domain>` for a Kubernetes Service). */
  host: string
  /** The first DNS label, which clients may dial too (`reviews` for `reviews.demo.svc.cluster.local`). */
  shortName: string
  /** Other names that mean this service (`reviews.demo`, `reviews.demo.svc` for a Kubernetes Service). */
  aliases: string[]
  namespace: string
  ports: ServicePort[]
  endpoints: ServiceEndpoint[]
  /** The object that declares the service. */
  definedBy: { kind: 'ServiceEntry' | 'Service'; namespace: string; name: string }
  /** Labels its workloads carry (ServiceEntry workloadSelector, Service selector), when it has one. */
  selector?: Record<string, string>
}

function matchesLabels(labels: Record<string, string>, selector: Record<string, string> | undefined): boolean {
  return Object.entries(selector ?? {}).every(([key, value]) => labels[key] === value)
}

/**
 * Every ServiceEntry host as a service with its endpoints (inline endpoints + selected
 * WorkloadEntries), then every Kubernetes Service whose host no ServiceEntry already declares
 * (a ServiceEntry is what a person wrote for this mesh, so it wins).
 */
export function resolveServices(snapshot: MeshSnapshot): MeshService[] {
  let services = resolved.get(snapshot)
  if (!services) resolved.set(snapshot, (services = computeServices(snapshot)))
  return services
}

/**
 * Snapshots are immutable, so their services are resolved once: validation, translation, the
 * security decisions and the analysis all ask for the same snapshot's (callers never change the list).
 */
const resolved = new WeakMap<MeshSnapshot, MeshService[]>()

function computeServices(snapshot: MeshSnapshot): MeshService[] {
  const services: MeshService[] = []
  // A ServiceEntry selects WorkloadEntries of its own namespace only.
  const workloadsByNamespace = new Map<string, WorkloadEntry[]>()
  for (const workload of snapshot.workloadEntries) {
    const list = workloadsByNamespace.get(workload.namespace) ?? []
    list.push(workload)
    workloadsByNamespace.set(workload.namespace, list)
  }
  for (const entry of snapshot.serviceEntries) {
    const endpoints: ServiceEndpoint[] = []
    for (const [index, endpoint] of (entry.spec.endpoints ?? []).entries()) {
      endpoints.push({
        address: endpoint.address ?? '',
        namespace: entry.namespace,
        ports: endpoint.ports ?? {},
        labels: endpoint.labels ?? {},
        locality: endpoint.locality ?? '',
        weight: endpoint.weight ?? 1,
        origin: `ServiceEntry/${entry.namespace}/${entry.name}#${index}`,
        source: entry.source,
      })
    }
    const selector = entry.spec.workloadSelector?.labels
    if (selector) {
      for (const workload of workloadsByNamespace.get(entry.namespace) ?? []) {
        if (!matchesLabels(workload.spec.labels ?? {}, selector)) continue
        endpoints.push({
          address: workload.spec.address ?? '',
          namespace: workload.namespace,
          ports: workload.spec.ports ?? {},
          labels: workload.spec.labels ?? {},
          locality: workload.spec.locality ?? '',
          weight: workload.spec.weight ?? 1,
          origin: `WorkloadEntry/${workload.namespace}/${workload.name}`,
          source: workload.source,
        })
      }
    }
    for (const host of entry.spec.hosts ?? []) {
      services.push({
        host,
        shortName: host.split('.')[0] ?? host,
        aliases: [],
        namespace: entry.namespace,
        ports: entry.spec.ports ?? [],
        endpoints,
        definedBy: { kind: 'ServiceEntry', namespace: entry.namespace, name: entry.name },
        selector: entry.spec.workloadSelector?.labels,
      })
    }
  }
  const declared = new Set(services.map((service) => service.host))
  for (const kube of snapshot.kubernetesServices) {
    if (declared.has(kube.host)) continue
    services.push({
      host: kube.host,
      shortName: kube.name,
      aliases: [`${kube.name}.${kube.namespace}`, `${kube.name}.${kube.namespace}.svc`],
      namespace: kube.namespace,
      ports: [...kube.ports],
      endpoints: [...kube.endpoints],
      definedBy: { kind: 'Service', namespace: kube.namespace, name: kube.name },
      selector: kube.selector,
    })
  }
  return services
}

/** The lookups findService makes, by name: built once per list of services. */
interface ServiceIndex {
  size: number
  byHost: Map<string, MeshService>
  byAlias: Map<string, MeshService>
  /** `shortName/namespace` → the first such service. */
  byShortNameIn: Map<string, MeshService>
  byShortName: Map<string, MeshService>
}

/**
 * Indexes per services list, so that a lookup costs a map read instead of a scan: validation,
 * translation and analysis look up a host for every route, destination and rule, which made a
 * mesh of 1,000 services take seconds. Lists are never changed once resolved; the size check
 * only guards against a caller that does.
 */
const indexes = new WeakMap<readonly MeshService[], ServiceIndex>()

function indexOf(services: readonly MeshService[]): ServiceIndex {
  const known = indexes.get(services)
  if (known && known.size === services.length) return known
  const index: ServiceIndex = { size: services.length, byHost: new Map(), byAlias: new Map(), byShortNameIn: new Map(), byShortName: new Map() }
  // First one wins everywhere, as the scans this replaces did.
  const first = <K>(map: Map<K, MeshService>, key: K, service: MeshService): void => {
    if (!map.has(key)) map.set(key, service)
  }
  for (const service of services) {
    first(index.byHost, service.host, service)
    for (const alias of service.aliases) first(index.byAlias, alias, service)
    first(index.byShortNameIn, `${service.shortName}/${service.namespace}`, service)
    first(index.byShortName, service.shortName, service)
  }
  indexes.set(services, index)
  return index
}

/**
 * Finds the service a VirtualService/DestinationRule host names: the exact host, or the short name
 * of a service in the same namespace (Istio resolves short names relative to the namespace).
 */
export function findService(services: readonly MeshService[], host: string, namespace: string): MeshService | undefined {
  const index = indexOf(services)
  return index.byHost.get(host) ?? index.byAlias.get(host) ?? index.byShortNameIn.get(`${host}/${namespace}`) ?? index.byShortName.get(host)
}

/** The port an endpoint serves a service port on (Istio: ports[portName], else the service port number). */
export function endpointPort(endpoint: ServiceEndpoint, port: ServicePort): number {
  return (port.name !== undefined ? endpoint.ports[port.name] : undefined) ?? port.targetPort ?? port.number
}

/** Whether an endpoint serves a service port at all (Kubernetes endpoints list theirs). */
export function endpointServes(endpoint: ServiceEndpoint, port: ServicePort): boolean {
  return !endpoint.listedPortsOnly || (port.name !== undefined && endpoint.ports[port.name] !== undefined)
}

export function endpointInSubset(endpoint: ServiceEndpoint, subset: Subset | undefined): boolean {
  return subset === undefined || matchesLabels(endpoint.labels, subset.labels)
}

/** Per rules list and services list: service host → the first rule (namespace/name order) naming it. */
const ruleIndexes = new WeakMap<readonly DestinationRule[], WeakMap<readonly MeshService[], { size: number; byHost: Map<string, DestinationRule> }>>()

/** All DestinationRules whose host names each service, in namespace/name order (first is the one that applies). */
export function destinationRulesByHost(rules: readonly DestinationRule[], services: readonly MeshService[]): ReadonlyMap<string, readonly DestinationRule[]> {
  const byHost = new Map<string, DestinationRule[]>()
  for (const rule of rules) {
    const service = findService(services, rule.spec.host ?? '', rule.namespace)
    if (!service) continue
    const list = byHost.get(service.host) ?? []
    list.push(rule)
    byHost.set(service.host, list)
  }
  return byHost
}

/** The DestinationRule that applies to a service, if any (first by namespace/name order). */
export function destinationRuleFor(
  rules: readonly DestinationRule[],
  services: readonly MeshService[],
  service: MeshService,
): DestinationRule | undefined {
  let perServices = ruleIndexes.get(rules)
  if (!perServices) ruleIndexes.set(rules, (perServices = new WeakMap()))
  let index = perServices.get(services)
  if (!index || index.size !== rules.length) {
    const byHost = new Map<string, DestinationRule>()
    for (const [host, list] of destinationRulesByHost(rules, services)) byHost.set(host, list[0]!)
    index = { size: rules.length, byHost }
    perServices.set(services, index)
  }
  return index.byHost.get(service.host)
}
