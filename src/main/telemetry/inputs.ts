import type { ConfigRef } from '@shared/contract'

/**
 * What the topology is built from. Every field is plain data so any source can feed it: the
 * embedded control plane (mesh config + LRS load reports), the demo mesh, a cluster watcher, or
 * an outside script through `topology.feed`.
 */

/** A service callers address, e.g. `reviews.default.svc.cluster.local`. */
export interface ServiceInput {
  /** The host callers use (a Kubernetes service FQDN, a ServiceEntry host, or an xDS listener name). */
  host: string
  namespace: string
  /** The `app` label of the workloads behind it, when there is one. */
  app: string | null
  ports: { name: string; port: number; protocol: string }[]
  /** Subsets from the DestinationRule for this host: name → labels a workload must carry. */
  subsets: { name: string; labels: Record<string, string> }[]
  /** Objects behind it (Service, ServiceEntry, DestinationRule) for links in the UI. */
  refs: ConfigRef[]
}

/** Something that runs: a Deployment, a WorkloadEntry, a demo process. */
export interface WorkloadInput {
  name: string
  namespace: string
  app: string | null
  version: string | null
  /** All labels; subsets are matched against these. `app`/`version` are added if missing. */
  labels: Record<string, string>
  /** Hosts of the services this workload serves (its endpoints belong to them). */
  services: string[]
  /** Replicas (or processes) ready and wanted; health comes from these. */
  ready: number
  desired: number
  refs: ConfigRef[]
}

/**
 * One weighted destination of a VirtualService HTTP/gRPC route: callers of `host` (all callers, or
 * only those of one source service) are sent to `destinationHost`/`subset` with `weight` percent.
 */
export interface RouteInput {
  source: 'any' | { host: string }
  host: string
  destinationHost: string
  subset: string | null
  weight: number
  /** The VirtualService this came from. */
  origin: ConfigRef
}

/** Who sent the requests of an observed edge. LRS reports identify the client node (a workload). */
export type TrafficSource = { workload: { namespace: string; name: string } } | { service: string } | 'unknown'

/** Observed traffic from one source to one service subset over the last report interval. */
export interface EdgeStatsInput {
  source: TrafficSource
  destinationHost: string
  /** The subset the requests went to (from the LRS cluster name), or null when not split. */
  subset: string | null
  /**
   * The `version` label of the workloads that answered, when the source knows versions rather than
   * subsets (Prometheus's destination_version); used when `subset` is null.
   */
  destinationVersion?: string | null
  /** Requests per second finished in the interval (successful + failed). */
  rps: number
  /** Failed requests per second. */
  errorRps: number
  /** Latency percentiles when a source of them exists (spans); LRS alone has none. */
  p50Ms: number | null
  /** Only a source with histograms (Prometheus) has it. */
  p95Ms?: number | null
  p99Ms: number | null
  /** Requests in progress at report time. */
  inFlight: number
  /** Whether the traffic used mTLS, when known. */
  mtls: boolean | null
}

export interface TopologyInput {
  services: ServiceInput[]
  workloads: WorkloadInput[]
  routes: RouteInput[]
  stats: EdgeStatsInput[]
}

/** Error-rate thresholds, in percent, for the health colours of edges and nodes. */
export interface HealthThresholds {
  degradedErrorPct: number
  failingErrorPct: number
}

export const defaultHealthThresholds: HealthThresholds = { degradedErrorPct: 1, failingErrorPct: 10 }

export const emptyTopologyInput = (): TopologyInput => ({ services: [], workloads: [], routes: [], stats: [] })
