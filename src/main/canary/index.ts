/**
 * Canary: weight editing (validated, diffed, written atomically to the mesh folder or by
 * server-side apply to a cluster, conflicts surfaced) and progressive rollouts (a pure state
 * machine driven by a runner, persisted after every step: a file, and on a cluster an annotation
 * on the VirtualService). This entry is the pure part: target listing, weight edits on a route,
 * ownership, analysis and the rollout state machine. The editors, the runner and the stores are in ./io.
 */
export { listCanaryTargets } from './canary-targets'
export { controllerOwnership } from './ownership'
export { rolloutAnnotation } from './cluster/virtual-service-object'
export { setRouteWeights, readRouteDestinations, type RouteSelector } from './virtual-service-weights'
export { analyse, type CanaryMetrics, type AnalysisThresholds } from './analysis'
export type { RolloutPlan, RolloutSpec, RolloutState } from './rollout-machine'
