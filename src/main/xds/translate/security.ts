import type { MeshSecurity } from '../../mesh'
import type { XdsResource } from '../resource-types'

export type { MeshSecurity }

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
