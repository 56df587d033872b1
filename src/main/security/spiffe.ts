import { MeshdeckError } from '@shared/contract'

/** Kubernetes names (DNS-1123 labels) are what Istio and SPIFFE IDs carry for ns and sa. */
const dnsLabel = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/
/** A SPIFFE trust domain: lowercase letters, digits, dots, dashes and underscores. */
const trustDomainPattern = /^[a-z0-9._-]{1,255}$/

export const defaultTrustDomain = 'cluster.local'

export interface WorkloadIdentity {
  namespace: string
  serviceAccount: string
}

export function checkTrustDomain(trustDomain: string): void {
  if (!trustDomainPattern.test(trustDomain)) {
    throw new MeshdeckError(
      'invalid_trust_domain',
      `"${trustDomain}" is not a valid SPIFFE trust domain.`,
      'Use lowercase letters, digits, dots, dashes or underscores, e.g. cluster.local.',
    )
  }
}

export function checkIdentity(identity: WorkloadIdentity): void {
  for (const [field, value] of [
    ['namespace', identity.namespace],
    ['serviceAccount', identity.serviceAccount],
  ] as const) {
    if (!dnsLabel.test(value)) {
      throw new MeshdeckError(
        'invalid_identity',
        `${field} "${value}" is not a valid Kubernetes name.`,
        'Use lowercase letters, digits and dashes (at most 63), starting and ending with a letter or digit.',
      )
    }
  }
}

/** The workload's SPIFFE ID in Istio's form: spiffe://<trust-domain>/ns/<ns>/sa/<sa>. */
export function spiffeId(trustDomain: string, identity: WorkloadIdentity): string {
  checkTrustDomain(trustDomain)
  checkIdentity(identity)
  return `spiffe://${trustDomain}/ns/${identity.namespace}/sa/${identity.serviceAccount}`
}

/** The inverse of spiffeId, or null when the URI is not an Istio-form SPIFFE ID. */
export function parseSpiffeId(uri: string): ({ trustDomain: string } & WorkloadIdentity) | null {
  const match = /^spiffe:\/\/([^/]+)\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(uri)
  if (!match) return null
  return { trustDomain: match[1]!, namespace: match[2]!, serviceAccount: match[3]! }
}

/** Istio's principal form (the SPIFFE ID without the scheme), used by AuthorizationPolicy. */
export function principalOf(trustDomain: string, identity: WorkloadIdentity): string {
  return spiffeId(trustDomain, identity).slice('spiffe://'.length)
}
