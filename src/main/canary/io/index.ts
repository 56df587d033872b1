/**
 * Canary, the I/O part: the editors that write weights (a mesh folder, or a cluster by server-side
 * apply), the rollout runner and its stores. A control plane that serves clusters plugs its ACKs in
 * as a ClusterAckSource.
 */
export { CanaryRuntime, type CanaryRuntimeOptions } from './canary-runtime'
export { LocalCanaryEditor, fileVersion } from './canary-service'
export { ClusterCanaryEditor } from './cluster/cluster-editor'
export { IstioApi, fieldManager } from './cluster/istio-api'
export { controlPlaneClusterAcks } from './cluster/control-plane-acks'
export { noClusterAckSource, type ClusterAckSource, type SettleOptions, type WrittenObject } from './cluster/propagation'
export { registerCanaryApi, type CanaryApiDeps } from './canary-api'
