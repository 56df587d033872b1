import type { ConfigRef } from '@shared/contract'
import type { KubeObject } from '../cluster'
import { Deployment, Service, StatefulSet } from '../model'
import type { ServiceInput, WorkloadInput } from './inputs'

/**
 * A connected cluster's Services and workloads (Deployments, StatefulSets) turned into topology
 * inputs. Pure: compact items from the informers in, TopologyInput parts out
 * (telemetry/io/cluster-topology-feed.ts does the watching). Traffic is not here: it comes from
 * Meshdeck's control plane where it serves the cluster's workloads, keyed by the same hosts.
 */

/** What the informer keeps of a Service: only what the graph needs. */
export interface ClusterServiceItem {
  uid: string
  name: string
  namespace: string
  labels: Record<string, string>
  /** spec.selector; a Service without one (ExternalName, manual Endpoints) selects no workload. */
  selector: Record<string, string>
  ports: { name: string; port: number; protocol: string }[]
}

export type ClusterWorkloadKind = 'Deployment' | 'StatefulSet'

/** What the informer keeps of a Deployment or StatefulSet. */
export interface ClusterWorkloadItem {
  uid: string
  kind: ClusterWorkloadKind
  name: string
  namespace: string
  /** The pod template's labels: what Services select and what app/version come from. */
  podLabels: Record<string, string>
  desired: number
  ready: number
}

export function clusterServiceItem(o: KubeObject): ClusterServiceItem {
  const { metadata: meta, spec } = Service.read(o)
  return {
    uid: meta.uid,
    name: meta.name,
    namespace: meta.namespace ?? '',
    labels: meta.labels,
    selector: spec.selector,
    // appProtocol (grpc, http) says more than the transport (TCP) when it is set.
    ports: spec.ports.map((p) => ({ name: p.name ?? '', port: p.port ?? 0, protocol: p.appProtocol ?? p.protocol ?? '' })),
  }
}

const workloadKinds = { Deployment, StatefulSet }

export function clusterWorkloadItem(kind: ClusterWorkloadKind): (o: KubeObject) => ClusterWorkloadItem {
  return (o) => {
    const { metadata: meta, spec, status } = workloadKinds[kind].read(o)
    return {
      uid: meta.uid,
      kind,
      name: meta.name,
      namespace: meta.namespace ?? '',
      podLabels: spec.template.metadata.labels,
      // The API defaults replicas to 1 when the manifest leaves it out.
      desired: spec.replicas ?? 1,
      ready: status.readyReplicas ?? 0,
    }
  }
}

const appOf = (labels: Record<string, string>): string | null => labels.app ?? labels['app.kubernetes.io/name'] ?? null
const versionOf = (labels: Record<string, string>): string | null => labels.version ?? labels['app.kubernetes.io/version'] ?? null
const ref = (kind: string, namespace: string, name: string): ConfigRef => ({ kind, namespace, name })

/** The cluster-local name callers use, as kube-dns serves it. */
export const serviceHost = (s: { name: string; namespace: string }): string => `${s.name}.${s.namespace}.svc.cluster.local`

function selects(service: ClusterServiceItem, workload: ClusterWorkloadItem): boolean {
  const wanted = Object.entries(service.selector)
  return wanted.length > 0 && wanted.every(([k, v]) => workload.podLabels[k] === v)
}

export function topologyFromCluster(services: readonly ClusterServiceItem[], workloads: readonly ClusterWorkloadItem[]): { services: ServiceInput[]; workloads: WorkloadInput[] } {
  // Selectors only reach their own namespace: matching per namespace keeps a big cluster linear-ish.
  const byNamespace = new Map<string, ClusterServiceItem[]>()
  for (const s of services) {
    const list = byNamespace.get(s.namespace)
    if (list) list.push(s)
    else byNamespace.set(s.namespace, [s])
  }
  return {
    services: services.map((s) => ({
      host: serviceHost(s),
      namespace: s.namespace,
      app: appOf(s.selector) ?? appOf(s.labels),
      ports: s.ports,
      // Subsets are the mesh's word (DestinationRules); the control plane's feed adds them.
      subsets: [],
      refs: [ref('Service', s.namespace, s.name)],
    })),
    workloads: workloads.map((w) => ({
      name: w.name,
      namespace: w.namespace,
      app: appOf(w.podLabels),
      version: versionOf(w.podLabels),
      labels: w.podLabels,
      services: (byNamespace.get(w.namespace) ?? []).filter((s) => selects(s, w)).map(serviceHost),
      ready: w.ready,
      desired: w.desired,
      refs: [ref(w.kind, w.namespace, w.name)],
    })),
  }
}
