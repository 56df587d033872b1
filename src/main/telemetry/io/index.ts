/** Telemetry, the I/O part: the TopologyService that merges feeders, throttles updates and keeps series. */
export { TopologyService, mergeFeeders, prometheusFeeder, type TopologyServiceOptions } from './topology-service'
export { startMeshTopologyFeed, meshLatencyWindowSeconds, type MeshTopologyFeedOptions } from './mesh-topology-feed'
export { ClusterTopologyFeeds, startClusterTopologyFeed, type ClusterTopologyFeedOptions } from './cluster-topology-feed'
export { registerTopologyApi, type TopologyApiDeps } from './topology-api'
export { PrometheusSources, type PrometheusScope, type ResolvedPrometheus } from './prometheus/prometheus-sources'
export { PrometheusTopology } from './prometheus/prometheus-topology'
export { PrometheusClient, directTransport, serviceProxyTransport, parsePrometheusUrl, asMeshdeckError as prometheusError } from './prometheus/prometheus-client'
export { discoverPrometheus } from './prometheus/prometheus-discovery'
