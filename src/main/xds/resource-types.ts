/** The four xDS resource types proxyless gRPC uses, short key ↔ type URL. */
export const typeUrls = {
  LDS: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  RDS: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  CDS: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  EDS: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
} as const

export type ResourceType = keyof typeof typeUrls
export const resourceTypes: readonly ResourceType[] = ['LDS', 'RDS', 'CDS', 'EDS']

export function typeOfUrl(url: string): ResourceType | undefined {
  return resourceTypes.find((type) => typeUrls[type] === url)
}

export const anyTypes = {
  httpConnectionManager: 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
  router: 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router',
  fault: 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault',
  rbac: 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC',
} as const

/** A resource in Envoy config-dump JSON: snake_case fields, nested Any as `{ "@type": url, … }`. */
export type XdsResource = Record<string, unknown>

/** Every resource of a snapshot, by type and name. The ADS server sends each client the ones it asks for. */
export type XdsResources = Record<ResourceType, ReadonlyMap<string, XdsResource>>

/** gRPC's default for the bootstrap's server_listener_resource_name_template. */
export const defaultServerListenerTemplate = 'grpc/server?xds.resource.listening_address=%s'
