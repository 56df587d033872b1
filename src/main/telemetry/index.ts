/**
 * Telemetry: the live service topology and its time series.
 *
 * Feed it with `TopologyService.update(feeder, { services, workloads, routes, stats })`; the input
 * types below say what each field means. `buildTopology` is the pure core, usable on its own;
 * TopologyService (timers, events) is in ./io.
 */
export type { EdgeStatsInput, HealthThresholds, RouteInput, ServiceInput, TopologyInput, TrafficSource, WorkloadInput } from './inputs'
export { defaultHealthThresholds, emptyTopologyInput } from './inputs'
export { buildTopology, type BuildOptions, type TopologyElements } from './build-topology'
export { diffTopology, isEmptyChange, type TopologyChanges } from './diff-topology'
export { TopologySeriesStore, type SeriesStoreOptions } from './series-store'
export { topologyIds } from './ids'
export { routesFromSnapshot, servicesFromSnapshot, statsFromLoads, workloadOfNodeId, workloadsFromSnapshot, type StatsContext } from './mesh-topology-inputs'
export { clusterServiceItem, clusterWorkloadItem, topologyFromCluster, serviceHost, type ClusterServiceItem, type ClusterWorkloadItem, type ClusterWorkloadKind } from './cluster-topology-inputs'
export * as prometheus from './prometheus'
export { PrometheusAnswerError, type PrometheusProblem, type QueryResult, type CanaryTemplateVars } from './prometheus'
