import { isIPv6 } from 'node:net'
import { endpointPort, endpointServes, type MeshService } from '../../mesh'
import { anyTypes, type XdsResource } from '../resource-types'
import { dialNames, routeConfigName } from './names'
import type { WorkloadAuthorization } from '../../security'
import { rbacFilters } from './rbac'
import { faultFilterName } from './routes'
import { downstreamTransportSocket, type MeshSecurity } from './security'

const router = { name: 'envoy.filters.http.router', typed_config: { '@type': anyTypes.router } }

/**
 * A client listener (api_listener) per name a client may dial. Its HttpConnectionManager fetches
 * routes by RDS; the fault filter sits before the router (gRPC requires the router last) and does
 * nothing unless a route carries a fault override.
 */
function clientListener(name: string, routeConfig: string): XdsResource {
  return {
    name,
    api_listener: {
      api_listener: {
        '@type': anyTypes.httpConnectionManager,
        rds: { route_config_name: routeConfig, config_source: { ads: {}, resource_api_version: 'V3' } },
        http_filters: [{ name: faultFilterName, typed_config: { '@type': anyTypes.fault } }, router],
      },
    },
  }
}

/**
 * A server listener for an xDS-enabled gRPC server listening at address:port. gRPC asks for the
 * name made from the bootstrap's server_listener_resource_name_template and checks the address.
 */
function serverListener(name: string, address: string, port: number, mtls: MeshSecurity | undefined, authz: WorkloadAuthorization | null): XdsResource {
  const listener: XdsResource = {
    name,
    address: { socket_address: { address, port_value: port } },
    default_filter_chain: {
      name: 'inbound',
      filters: [
        {
          name: 'envoy.filters.network.http_connection_manager',
          typed_config: {
            '@type': anyTypes.httpConnectionManager,
            // Differs by TLS mode on purpose: grpc-js-xds 1.14.1 compares a new server listener with
            // the one in use by filters first and mis-compares transport sockets, so without this a
            // switch between mTLS and plaintext would be ignored by a running server.
            stat_prefix: mtls ? 'inbound_mtls' : 'inbound',
            route_config: {
              name: `inbound|${port}`,
              virtual_hosts: [{ name: 'inbound', domains: ['*'], routes: [{ match: { prefix: '' }, non_forwarding_action: {} }] }],
            },
            // RBAC (AuthorizationPolicy) before the router, which gRPC requires last.
            http_filters: [...rbacFilters(authz), router],
          },
        },
      ],
      ...(mtls ? { transport_socket: downstreamTransportSocket(mtls) } : {}),
    },
  }
  return listener
}

export function formatListeningAddress(address: string, port: number): string {
  return isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`
}

export function listeners(services: readonly MeshService[], serverListenerTemplate: string, security?: MeshSecurity): Map<string, XdsResource> {
  const out = new Map<string, XdsResource>()
  for (const service of services) {
    for (const port of service.ports) {
      const routeConfig = routeConfigName(service, port.number)
      for (const name of dialNames(service, port.number)) {
        if (!out.has(name)) out.set(name, clientListener(name, routeConfig))
      }
      for (const endpoint of service.endpoints) {
        if (!endpointServes(endpoint, port)) continue
        const portValue = endpointPort(endpoint, port)
        const name = serverListenerTemplate.replace('%s', formatListeningAddress(endpoint.address, portValue))
        const workload = { namespace: endpoint.namespace, labels: endpoint.labels, port: portValue }
        const strict = security?.serverRequiresMtls(workload)
        const authz = security?.authorization?.(workload) ?? null
        if (!out.has(name)) out.set(name, serverListener(name, endpoint.address, portValue, strict ? security : undefined, authz))
      }
    }
  }
  return out
}
