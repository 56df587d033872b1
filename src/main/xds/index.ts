/**
 * xDS for proxyless gRPC, the pure part: translate() (MeshSnapshot → xDS resources), resource
 * names and type URLs, and workload bootstraps. The server (ADS, LRS, the control plane) is in ./io.
 *
 *   translate(snapshot, { security })      // listeners, routes, clusters, endpoints
 *   renderBootstrap({ nodeId, xdsAddress, certificateProviders })
 */
export { renderBootstrap, type BootstrapOptions, type XdsBootstrap } from './bootstrap'
export { maxNackMessageBytes } from './nack-message'
export type { ClusterLoad, CallerLoad } from './load-report'
export { translate, clusterName, routeConfigName, dialNames, formatListeningAddress, type TranslateOptions, type MeshSecurity } from './translate'
export {
  typeUrls,
  resourceTypes,
  defaultServerListenerTemplate,
  type ResourceType,
  type XdsResource,
  type XdsResources,
} from './resource-types'
export { meshObjectView, type MeshObjectView } from './mesh-object-view'
