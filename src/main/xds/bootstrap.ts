import { defaultServerListenerTemplate } from './resource-types'

export interface BootstrapOptions {
  /** The workload's identity towards the control plane; shown on the Control plane page. */
  nodeId: string
  /** host:port of the xDS server, e.g. 127.0.0.1:15010. */
  xdsAddress: string
  /** Envoy node.cluster; by convention the service the workload serves. */
  cluster?: string
  metadata?: Record<string, unknown>
  locality?: { region?: string; zone?: string; subZone?: string }
  /** Must match the control plane's (the default is gRPC's own). */
  serverListenerTemplate?: string
  /**
   * certificate_providers entries (e.g. file_watcher plugins with cert/key/CA paths) — the CA
   * supplies these; cluster and listener TLS config refer to them by instance name.
   */
  certificateProviders?: Record<string, { plugin_name: string; config: Record<string, unknown> }>
}

/** The gRPC xDS bootstrap JSON (what GRPC_XDS_BOOTSTRAP points at, or GRPC_XDS_BOOTSTRAP_CONFIG holds). */
export interface XdsBootstrap {
  xds_servers: { server_uri: string; channel_creds: { type: string }[]; server_features: string[] }[]
  node: {
    id: string
    cluster: string
    locality: { region?: string; zone?: string; sub_zone?: string }
    metadata: Record<string, unknown>
  }
  server_listener_resource_name_template: string
  certificate_providers?: BootstrapOptions['certificateProviders']
  [field: string]: unknown
}

/**
 * Renders a bootstrap for one workload. The channel to the control plane is plaintext on
 * loopback; workload-to-workload TLS comes from certificate_providers once the CA supplies them.
 */
export function renderBootstrap(options: BootstrapOptions): XdsBootstrap {
  const locality: XdsBootstrap['node']['locality'] = {}
  if (options.locality?.region) locality.region = options.locality.region
  if (options.locality?.zone) locality.zone = options.locality.zone
  if (options.locality?.subZone) locality.sub_zone = options.locality.subZone
  const bootstrap: XdsBootstrap = {
    // ignore_resource_deletion (gRFC A53): a Listener or Cluster missing from a response keeps its
    // last version. Without it grpc-js-xds drops the resource, and when the same resource comes back
    // it compares equal to the dropped copy and is never used again: a mesh file deleted and
    // restored left every workload UNAVAILABLE until restarted.
    xds_servers: [{ server_uri: options.xdsAddress, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3', 'ignore_resource_deletion'] }],
    node: {
      id: options.nodeId,
      cluster: options.cluster ?? '',
      // gRPC refuses a bootstrap whose node has no locality object.
      locality,
      metadata: options.metadata ?? {},
    },
    server_listener_resource_name_template: options.serverListenerTemplate ?? defaultServerListenerTemplate,
  }
  if (options.certificateProviders) bootstrap.certificate_providers = options.certificateProviders
  return bootstrap
}
