/**
 * The embedded xDS control plane for proxyless gRPC (@grpc/grpc-js-xds).
 *
 *   const cp = await startControlPlane({ meshDir, port: 15010 })   // host defaults to 127.0.0.1
 *   cp.address                 // '127.0.0.1:15010'
 *   cp.status() / cp.clients() / cp.configDump(nodeId)
 *   cp.onEvent((e) => …)       // pushed / acked / nacked / connected / disconnected / applied / rejected
 *   renderBootstrap({ nodeId, xdsAddress: cp.address, certificateProviders })
 *   await cp.dispose()
 *
 * translate() is pure (MeshSnapshot → resources) and usable on its own.
 */
export {
  startControlPlane,
  problemToDto,
  type ControlPlane,
  type ControlPlaneEvent,
  type ControlPlaneOptions,
  type SecuritySource,
} from './io/control-plane'
export type { ControlPlaneSources } from './io/source-set'
export { ControlPlaneService, type ControlPlaneNotifications } from './io/control-plane-service'
export { renderBootstrap, type BootstrapOptions, type XdsBootstrap } from './bootstrap'
export type { AdsEvent } from './io/ads-server'
export { maxNackMessageBytes } from './nack-message'
export type { ClusterLoad, CallerLoad } from './io/load-stats'
export { translate, clusterName, routeConfigName, dialNames, formatListeningAddress, type TranslateOptions, type MeshSecurity } from './translate'
export {
  typeUrls,
  resourceTypes,
  defaultServerListenerTemplate,
  type ResourceType,
  type XdsResource,
  type XdsResources,
} from './resource-types'
