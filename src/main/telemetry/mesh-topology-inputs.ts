import type { ConfigRef } from '@shared/contract'
import { destinationRuleFor, findService, resolveServices, type MeshService, type MeshSnapshot } from '../mesh'
import { effectiveWeight } from '../model'
import type { EdgeStatsInput, RouteInput, ServiceInput, TrafficSource, WorkloadInput } from './inputs'
import type { EdgeKey, EdgeWindowStats } from '../traces'
import type { ClusterLoad } from '../xds'

/**
 * The embedded control plane's view turned into topology inputs. Pure: the served MeshSnapshot,
 * the LRS loads and a span window in, plain TopologyInput parts out (telemetry/io/mesh-topology-feed.ts
 * does the timing).
 */

const ref = (kind: string, namespace: string, name: string): ConfigRef => ({ kind, namespace, name })

/** Services from ServiceEntries, with the subsets their DestinationRule names. */
export function servicesFromSnapshot(snapshot: MeshSnapshot): ServiceInput[] {
  const services = resolveServices(snapshot)
  return services.map((service) => {
    const rule = destinationRuleFor(snapshot.destinationRules, services, service)
    return {
      host: service.host,
      namespace: service.namespace,
      app: appOf(service),
      ports: service.ports.map((p) => ({ name: p.name ?? '', port: p.number, protocol: p.protocol ?? '' })),
      subsets: (rule?.spec.subsets ?? []).map((s) => ({ name: s.name, labels: { ...(s.labels ?? {}) } })),
      refs: [ref(service.definedBy.kind, service.definedBy.namespace, service.definedBy.name), ...(rule ? [ref('DestinationRule', rule.namespace, rule.name)] : [])],
    }
  })
}

/** Weighted destinations of every VirtualService route that applies to all callers (no header match). */
export function routesFromSnapshot(snapshot: MeshSnapshot): RouteInput[] {
  const services = resolveServices(snapshot)
  const routes: RouteInput[] = []
  for (const vs of snapshot.virtualServices) {
    // Header-matched routes serve only some requests (a tester's header); the weights a graph shows
    // are those every other caller gets, so only routes without header matches count.
    const general = (vs.spec.http ?? []).filter((route) => !(route.match ?? []).some((m) => m.headers && Object.keys(m.headers).length > 0))
    for (const host of vs.spec.hosts ?? []) {
      const service = findService(services, host, vs.namespace)
      const from = service?.host ?? host
      for (const route of general) {
        const destinations = route.route ?? []
        for (const d of destinations) {
          routes.push({
            source: 'any',
            host: from,
            destinationHost: findService(services, d.destination.host, vs.namespace)?.host ?? d.destination.host,
            subset: d.destination.subset ?? null,
            // Istio: a lone destination takes all traffic; with several, a missing weight is 0.
            weight: effectiveWeight(d.weight, destinations.length),
            origin: ref('VirtualService', vs.namespace, vs.name),
          })
        }
      }
    }
  }
  return routes
}

/** WorkloadEntries as workloads (each one process, counted ready: the config says it is there). */
export function workloadsFromSnapshot(snapshot: MeshSnapshot): WorkloadInput[] {
  // One pass over every endpoint, so a large mesh costs its size per tick, not workloads × services.
  const hostsOf = new Map<string, string[]>()
  for (const service of resolveServices(snapshot)) {
    for (const origin of new Set(service.endpoints.map((e) => e.origin))) hostsOf.set(origin, [...(hostsOf.get(origin) ?? []), service.host])
  }
  return snapshot.workloadEntries.map((entry) => {
    const labels = { ...(entry.spec.labels ?? {}) }
    return {
      name: entry.name,
      namespace: entry.namespace,
      app: labels.app ?? null,
      version: labels.version ?? null,
      labels,
      services: hostsOf.get(`WorkloadEntry/${entry.namespace}/${entry.name}`) ?? [],
      ready: 1,
      desired: 1,
      refs: [ref('WorkloadEntry', entry.namespace, entry.name)],
    }
  })
}

/**
 * Istio's proxyless node id `sidecar~IP~NAME.NAMESPACE~NAMESPACE.svc.cluster.local` names the
 * calling workload; anything else is an unknown caller.
 */
export function workloadOfNodeId(nodeId: string): { namespace: string; name: string } | null {
  const part = nodeId.split('~')[2]
  if (!part) return null
  const dot = part.lastIndexOf('.')
  if (dot <= 0 || dot === part.length - 1) return null
  return { name: part.slice(0, dot), namespace: part.slice(dot + 1) }
}

export interface StatsContext {
  services: readonly ServiceInput[]
  workloads: readonly WorkloadInput[]
  /** Span edges over a recent window (traces.edges.window): latency per caller app → callee app/version. */
  spanEdges: readonly EdgeWindowStats[]
  /** Whether calls on an edge are mutual TLS on the wire (configured and ACKed); null when unknown. */
  mtlsOf?: (edge: { source: TrafficSource; destinationHost: string; subset: string | null }) => boolean | null
}

/**
 * One edge stat per caller and cluster: rates from LRS (what the gRPC clients counted), latency
 * p50/p99 from joined client/server spans (LRS carries none). A caller is matched to spans by its
 * `app`, the callee by the service's app and the subset's `version` label, because that is what
 * the workloads put in service.name and service.version.
 */
export function statsFromLoads(loads: readonly ClusterLoad[], context: StatsContext): EdgeStatsInput[] {
  const services = new Map(context.services.map((s) => [s.host, s]))
  const workloads = new Map(context.workloads.map((w) => [`${w.namespace}/${w.name}`, w]))
  const stats: EdgeStatsInput[] = []
  for (const load of loads) {
    const service = services.get(load.host)
    const subset = load.subset === '' ? null : load.subset
    const destinationApp = service?.app ?? load.host.split('.')[0] ?? load.host
    const version = subset === null ? null : (service?.subsets.find((s) => s.name === subset)?.labels.version ?? subset)
    const callers = load.byCaller.length > 0 ? load.byCaller : [{ nodeId: '', requestRate: load.requestRate, errorRate: load.errorRate, inFlight: load.inFlight }]
    for (const caller of callers) {
      const workload = workloadOfNodeId(caller.nodeId)
      const source: TrafficSource = workload ? { workload } : 'unknown'
      const sourceApp = workload ? (workloads.get(`${workload.namespace}/${workload.name}`)?.app ?? null) : null
      const latency = sourceApp ? spanLatency(context.spanEdges, { source: sourceApp, destination: destinationApp, subset: version }) : null
      stats.push({
        source,
        destinationHost: load.host,
        subset,
        rps: caller.requestRate,
        errorRps: caller.requestRate * caller.errorRate,
        p50Ms: latency?.p50Ms ?? null,
        p99Ms: latency?.p99Ms ?? null,
        inFlight: caller.inFlight,
        mtls: context.mtlsOf?.({ source, destinationHost: load.host, subset }) ?? null,
      })
    }
  }
  return stats
}

/**
 * Percentiles of one edge; for a cluster without subsets (subset null) every callee version counts,
 * and the slowest one's figures stand for the edge (percentiles of parts cannot be merged exactly,
 * and an upper bound never hides a slow version).
 */
function spanLatency(edges: readonly EdgeWindowStats[], key: EdgeKey): { p50Ms: number | null; p99Ms: number | null } | null {
  const matching = edges.filter((e) => e.source === key.source && e.destination === key.destination && (key.subset === null || e.subset === key.subset))
  if (matching.length === 0) return null
  const max = (values: (number | null)[]): number | null => values.reduce<number | null>((m, v) => (v === null ? m : m === null ? v : Math.max(m, v)), null)
  return { p50Ms: max(matching.map((e) => e.p50Ms)), p99Ms: max(matching.map((e) => e.p99Ms)) }
}

function appOf(service: MeshService): string | null {
  return service.selector?.app ?? service.endpoints.find((e) => e.labels.app)?.labels.app ?? null
}
