/**
 * The embedded xDS control plane for proxyless gRPC (@grpc/grpc-js-xds), the I/O part of xds/.
 *
 *   const cp = await startControlPlane({ meshDir, port: 15010 })   // host defaults to 127.0.0.1
 *   cp.address                 // '127.0.0.1:15010'
 *   cp.status() / cp.clients() / cp.configDump(nodeId)
 *   cp.onEvent((e) => …)       // pushed / acked / nacked / connected / disconnected / applied / rejected
 *   await cp.dispose()
 */
export {
  startControlPlane,
  problemToDto,
  type ControlPlane,
  type ControlPlaneEvent,
  type ControlPlaneOptions,
  type SecuritySource,
  type WrittenConfig,
} from './control-plane'
export type { ControlPlaneSources } from './source-set'
export { ControlPlaneService, type ControlPlaneNotifications } from './control-plane-service'
export type { AdsEvent } from './ads-server'
export { sourcesForChoice, startupChoice, controlPlaneOptions, clusterSourceFactories, type SourceChoiceContext, type StartupSources } from './source-choice'
export { registerControlPlaneApi, type ControlPlaneApiDeps } from './control-plane-api'
