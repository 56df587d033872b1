import { isIPv6 } from '../../lib/ip-address'
import { endpointPort, endpointServes, type MeshService, type WorkloadAuthorization } from '../../mesh'
import { anyTypes, type XdsResource } from '../resource-types'
import { dialNames, routeConfigName } from './names'
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
function serverListener(name: string, address: string, port: number, mtls: MeshSecurity | undefined, rbac: XdsResource[]): XdsResource {
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
            http_filters: [...rbac, router],
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

/** What a server workload port is given: mTLS or not, and its AuthorizationPolicy. */
interface Inbound {
  strict: boolean
  authz: WorkloadAuthorization | null
}

/**
 * The inbound config for a server bound to a wildcard address (0.0.0.0 or ::) on a port. istiod
 * picks the node's own workload on that port; Meshdeck's resources are shared by all nodes, so
 * when workloads on the port disagree the server gets what satisfies all of them (fail closed):
 * mTLS if any requires it, and every distinct authorization in turn (a request must pass each).
 */
function wildcardInbound(inbounds: readonly Inbound[]): { strict: boolean; rbac: XdsResource[] } {
  const strict = inbounds.some((i) => i.strict)
  // Distinct by the filters they make (the same policies for two workloads are one).
  const distinct = [...new Map(inbounds.map((i) => rbacFilters(i.authz)).map((filters) => [JSON.stringify(filters), filters])).values()]
  if (distinct.length === 1) return { strict, rbac: distinct[0] ?? [] }
  // gRPC refuses two HTTP filters with one name.
  const rbac = distinct.flatMap((filters, n) => filters.map((f) => ({ ...f, name: `${String(f.name)}.${n}` })))
  return { strict, rbac }
}

/** The wildcard addresses an xDS server may bind to instead of its own (gRPC asks for the address as bound). */
const wildcardAddresses = ['0.0.0.0', '::']

export function listeners(services: readonly MeshService[], serverListenerTemplate: string, security?: MeshSecurity): Map<string, XdsResource> {
  const out = new Map<string, XdsResource>()
  const byPort = new Map<number, Inbound[]>()
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
        const inbound: Inbound = { strict: security?.serverRequiresMtls(workload) ?? false, authz: security?.authorization?.(workload) ?? null }
        byPort.set(portValue, [...(byPort.get(portValue) ?? []), inbound])
        if (!out.has(name)) out.set(name, serverListener(name, endpoint.address, portValue, inbound.strict ? security : undefined, rbacFilters(inbound.authz)))
      }
    }
  }
  for (const [port, inbounds] of byPort) {
    const { strict, rbac } = wildcardInbound(inbounds)
    for (const address of wildcardAddresses) {
      const name = serverListenerTemplate.replace('%s', formatListeningAddress(address, port))
      if (!out.has(name)) out.set(name, serverListener(name, address, port, strict ? security : undefined, rbac))
    }
  }
  return out
}
