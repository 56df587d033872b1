import type { WorkloadAuthorization } from '../../security'
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
  /**
   * The SPIFFE IDs the destination's workloads hold: a client then accepts only those servers
   * (as Istio's ISTIO_MUTUAL does). Empty or absent: any peer under trustedSanPrefix.
   */
  serverIdentities?(destination: { host: string; namespace: string; port: number; subset?: string }): string[]
  /** AuthorizationPolicy for a server workload port, enforced as an RBAC filter; null: no policy. */
  authorization?(workload: { namespace: string; labels: Record<string, string>; port: number }): WorkloadAuthorization | null
}

export const upstreamTlsType = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext'
export const downstreamTlsType = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext'

function validationContext(security: MeshSecurity, serverIdentities: readonly string[] = []): XdsResource {
  const context: XdsResource = { ca_certificate_provider_instance: { instance_name: security.providerInstance } }
  if (serverIdentities.length > 0) context.match_subject_alt_names = serverIdentities.map((id) => ({ exact: id }))
  else if (security.trustedSanPrefix) context.match_subject_alt_names = [{ prefix: security.trustedSanPrefix }]
  return context
}

/** The cluster side: present our certificate, verify the server's against the CA bundle (and its SPIFFE ID). */
export function upstreamTransportSocket(security: MeshSecurity, serverIdentities: readonly string[] = []): XdsResource {
  return {
    name: 'envoy.transport_sockets.tls',
    typed_config: {
      '@type': upstreamTlsType,
      common_tls_context: {
        tls_certificate_provider_instance: { instance_name: security.providerInstance },
        validation_context: validationContext(security, serverIdentities),
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
