/**
 * Canary: weight editing (validated, diffed, written atomically to the mesh folder or by
 * server-side apply to a cluster, conflicts surfaced) and progressive rollouts (a pure state
 * machine driven by a runner, persisted after every step: a file, and on a cluster an annotation
 * on the VirtualService). A control plane that serves clusters plugs its ACKs in as a ClusterAckSource.
 */
export { CanaryRuntime, type CanaryRuntimeOptions } from './io/canary-runtime'
export { LocalCanaryEditor, fileVersion } from './io/canary-service'
export { listCanaryTargets } from './canary-targets'
export { controllerOwnership } from './ownership'
export { ClusterCanaryEditor } from './io/cluster/cluster-editor'
export { IstioApi, fieldManager } from './io/cluster/istio-api'
export { rolloutAnnotation } from './cluster/virtual-service-object'
export { controlPlaneClusterAcks } from './io/cluster/control-plane-acks'
export { noClusterAckSource, type ClusterAckSource, type SettleOptions, type WrittenObject } from './io/cluster/propagation'
export { setRouteWeights, readRouteDestinations, type RouteSelector } from './virtual-service-weights'
export { analyse, type CanaryMetrics, type AnalysisThresholds } from './analysis'
export type { RolloutPlan, RolloutSpec, RolloutState } from './rollout-machine'
