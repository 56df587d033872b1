/**
 * Monitoring: Meshdeck's own metrics on a monitoring port (istiod's 15014), named as istiod names
 * them. This entry is the pure part; the registry and the HTTP server are in ./io.
 */
export { controlPlaneMetrics, convergenceBuckets, pushTimeBuckets, xdsTypeLabel, rejectedConfigLabels, ConvergenceTracker } from './control-plane-metrics'
