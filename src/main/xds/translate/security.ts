import type { XdsResource } from '../resource-types'

/**
 * mTLS decisions translation asks for, answered by the security side (PeerAuthentication and
 * DestinationRule TLS, evaluated there). Translation only turns the answers into the TLS contexts
 * gRPC accepts: certificates and roots come from the bootstrap's certificate_providers instance.
 */
export interface MeshSecurity {
  /** certificate_providers instance (identity certificate + CA bundle) in every workload bootstrap. */
  providerInstance: string
  /** Do clients originate mTLS to this destination (cluster)? */
  clientMtls(destination: { host: string; namespace: string; port: number; subset?: string }): boolean
  /**
   * Does the server at this workload port require mTLS? gRPC servers cannot accept TLS and
   * plaintext on one port, so PERMISSIVE must answer false (plaintext) here.
   */
  serverRequiresMtls(workload: { namespace: string; labels: Record<string, string>; port: number }): boolean
  /** Accept only peers whose URI SAN starts with this, e.g. spiffe://cluster.local/. */
  trustedSanPrefix?: string
}

export const upstreamTlsType = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext'
export const downstreamTlsType = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext'

function validationContext(security: MeshSecurity): XdsResource {
  const context: XdsResource = { ca_certificate_provider_instance: { instance_name: security.providerInstance } }
  if (security.trustedSanPrefix) context.match_subject_alt_names = [{ prefix: security.trustedSanPrefix }]
  return context
}

/** The cluster side: present our certificate, verify the server's against the CA bundle. */
export function upstreamTransportSocket(security: MeshSecurity): XdsResource {
  return {
    name: 'envoy.transport_sockets.tls',
    typed_config: {
      '@type': upstreamTlsType,
      common_tls_context: {
        tls_certificate_provider_instance: { instance_name: security.providerInstance },
        validation_context: validationContext(security),
      },
    },
  }
}

/** The server side (STRICT): present our certificate and require a client certificate from the CA. */
export function downstreamTransportSocket(security: MeshSecurity): XdsResource {
  return {
    name: 'envoy.transport_sockets.tls',
    typed_config: {
      '@type': downstreamTlsType,
      common_tls_context: {
        tls_certificate_provider_instance: { instance_name: security.providerInstance },
        validation_context: { ca_certificate_provider_instance: { instance_name: security.providerInstance } },
      },
      require_client_certificate: { value: true },
    },
  }
}
