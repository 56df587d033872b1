/** Telemetry, the I/O part: the TopologyService that merges feeders, throttles updates and keeps series. */
export { TopologyService, mergeFeeders, type TopologyServiceOptions } from './topology-service'
export { startMeshTopologyFeed, type MeshTopologyFeedOptions } from './mesh-topology-feed'
export { ClusterTopologyFeeds, startClusterTopologyFeed, type ClusterTopologyFeedOptions } from './cluster-topology-feed'
export { registerTopologyApi, type TopologyApiDeps } from './topology-api'
