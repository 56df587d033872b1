/*
 * security.istio.io specs: the slices the mTLS and authorization logic reads
 * (src/main/security/policy). They are structural subsets of Istio's schema, so objects parsed
 * from YAML, read from a cluster, or built with a typed model can be passed as they are.
 */

export type PeerAuthenticationMode = 'UNSET' | 'DISABLE' | 'PERMISSIVE' | 'STRICT'

export interface WorkloadSelector {
  matchLabels?: Record<string, string>
}

export interface PeerAuthenticationSpec {
  selector?: WorkloadSelector
  mtls?: { mode?: PeerAuthenticationMode }
  portLevelMtls?: Record<string, { mode?: PeerAuthenticationMode }>
}

export interface AuthorizationSource {
  principals?: string[]
  notPrincipals?: string[]
  namespaces?: string[]
  notNamespaces?: string[]
  ipBlocks?: string[]
  notIpBlocks?: string[]
  requestPrincipals?: string[]
  notRequestPrincipals?: string[]
  remoteIpBlocks?: string[]
  notRemoteIpBlocks?: string[]
  serviceAccounts?: string[]
  notServiceAccounts?: string[]
}

export interface AuthorizationOperation {
  hosts?: string[]
  notHosts?: string[]
  ports?: string[]
  notPorts?: string[]
  methods?: string[]
  notMethods?: string[]
  paths?: string[]
  notPaths?: string[]
}

export interface AuthorizationRule {
  from?: { source?: AuthorizationSource }[]
  to?: { operation?: AuthorizationOperation }[]
  when?: { key: string; values?: string[]; notValues?: string[] }[]
}

export interface AuthorizationPolicySpec {
  selector?: WorkloadSelector
  action?: 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM'
  rules?: AuthorizationRule[]
  targetRef?: unknown
  targetRefs?: unknown[]
}
