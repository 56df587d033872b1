/**
 * Canary: weight editing (validated, diffed, written atomically, conflicts surfaced) and progressive
 * rollouts (a pure state machine driven by a runner, persisted after every step).
 */
export { CanaryRuntime, type CanaryRuntimeOptions } from './canary-runtime'
export { LocalCanaryEditor, fileVersion } from './canary-service'
export { listCanaryTargets } from './canary-targets'
export { controllerOwnership } from './ownership'
export { setRouteWeights, readRouteDestinations, type RouteSelector } from './virtual-service-weights'
export { analyse, type CanaryMetrics, type AnalysisThresholds } from './analysis'
export type { RolloutPlan, RolloutSpec, RolloutState } from './rollout-machine'
