/** Telemetry, the I/O part: the TopologyService that merges feeders, throttles updates and keeps series. */
export { TopologyService, mergeFeeders, type TopologyServiceOptions } from './topology-service'
