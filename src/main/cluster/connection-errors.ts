import { MeshdeckError } from '@shared/contract'

/** What went wrong on one request to an API server, in plain data (so the classifier stays pure). */
export interface KubeFailure {
  server: string
  /** HTTP status when the server answered. */
  status?: number
  /** Node's error code (ECONNREFUSED, CERT_HAS_EXPIRED, ...) when it did not. */
  errno?: string
  /** The apiserver's Status.message or the socket error text. */
  detail: string
  /** When the client certificate stops being valid, if the user has one. */
  clientCertNotAfter?: Date
  now?: Date
}

const unreachable = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'EPIPE', 'TIMEOUT'])

/** Turns a failure into an error with its cause and the fix, as a person would want to read it. */
export function classifyKubeFailure(f: KubeFailure): MeshdeckError {
  const now = f.now ?? new Date()
  if (f.errno && unreachable.has(f.errno)) {
    return new MeshdeckError('cluster_unreachable', `Cannot reach the API server at ${f.server} (${f.errno}).`, 'Check that the cluster is running and that the server address in the kubeconfig is right (VPN or tunnel down?).')
  }
  if (f.errno && (/CERT|SELF_SIGNED|UNABLE_TO|ALTNAME|TLS|SSL/i.test(f.errno))) {
    const expired = f.errno === 'CERT_HAS_EXPIRED'
    return new MeshdeckError(
      'cluster_tls',
      `The TLS connection to ${f.server} failed: ${expired ? "the server's certificate has expired" : f.detail} (${f.errno}).`,
      expired ? "Renew the API server's certificate." : 'The certificate-authority in the kubeconfig does not match the server: refresh the kubeconfig from your cluster provider.',
    )
  }
  if (f.status === 401) {
    if (f.clientCertNotAfter && f.clientCertNotAfter.getTime() < now.getTime()) {
      return new MeshdeckError('credentials_expired', `Your client certificate for ${f.server} expired on ${f.clientCertNotAfter.toISOString()}.`, 'Get a fresh kubeconfig (or renew the certificate) from your cluster provider.')
    }
    return new MeshdeckError('cluster_unauthorized', `The API server at ${f.server} rejected your credentials (401 Unauthorized).`, 'The token or certificate is wrong or has expired: log in again or refresh the kubeconfig.')
  }
  if (f.status === 403) {
    return new MeshdeckError('cluster_forbidden', `Access denied by ${f.server}: ${f.detail}`, 'Ask a cluster admin for a Role or ClusterRole that allows it.')
  }
  if (f.status !== undefined) {
    return new MeshdeckError('cluster_error', `The API server at ${f.server} answered ${f.status}: ${f.detail}`, 'Retry; if it persists, check the API server logs.')
  }
  return new MeshdeckError('cluster_error', `Request to ${f.server} failed: ${f.detail}`, 'Check the cluster and the kubeconfig.')
}
