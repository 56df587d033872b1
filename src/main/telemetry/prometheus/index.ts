/**
 * Prometheus as a telemetry source, the pure part: Istio's standard metrics asked the way Kiali
 * draws its graph and Flagger checks a canary, answers read strictly, and a cluster's Prometheus
 * picked out of its Services. The clients, discovery and the feed are in ../io/prometheus.
 */
export * from './answers'
export * from './queries'
export { bucketQuantile, quantilesFromBuckets } from './histogram'
export { edgeStatsFromAnswers, type TopologyAnswers } from './edges'
export { elementMatchers, elementSeriesQueries } from './element-queries'
export { prometheusCandidates, serviceProxyPath, serviceSummary, wellKnownPrometheusServices, type PrometheusCandidate, type ServiceSummary } from './discovery'
