/** The part of a peer certificate (node:tls's PeerCertificate) identity checks read. */
export interface PeerCertificateSans {
  subjectaltname?: string
}

/** The SPIFFE IDs in a peer certificate's URI SANs (Node formats them "URI:spiffe://…, DNS:…"). */
export function spiffeIdsOf(cert: PeerCertificateSans | undefined): string[] {
  const san = cert?.subjectaltname ?? ''
  return san
    .split(/,\s*/)
    .filter((entry) => entry.startsWith('URI:spiffe://'))
    .map((entry) => entry.slice('URI:'.length))
}

/**
 * A TLS checkServerIdentity for mesh peers: workload certificates carry no DNS name, so instead of
 * the hostname check the server must present one of the expected SPIFFE IDs. Pass it to
 * grpc.credentials.createSsl(..., { checkServerIdentity }) or a certificate-provider credential.
 */
export function checkSpiffeServerIdentity(expected: string | string[] | ((id: string) => boolean)) {
  const accepts = typeof expected === 'function' ? expected : (id: string) => (Array.isArray(expected) ? expected : [expected]).includes(id)
  return (_host: string, cert: PeerCertificateSans): Error | undefined => {
    const ids = spiffeIdsOf(cert)
    if (ids.some(accepts)) return undefined
    const wanted = typeof expected === 'function' ? 'an accepted SPIFFE ID' : ([] as string[]).concat(expected).join(' or ')
    return new Error(`server identity ${ids.length > 0 ? ids.join(', ') : '(no SPIFFE ID)'} is not ${wanted}`)
  }
}
