/*
 * The slices of Istio's security and networking resources the mTLS logic reads. They are
 * structural subsets of @kubernetes-models/istio's types, so those objects (and plain YAML
 * parsed into objects) can be passed as they are.
 */

export type PeerAuthenticationMode = 'UNSET' | 'DISABLE' | 'PERMISSIVE' | 'STRICT'
export type ClientTlsMode = 'DISABLE' | 'SIMPLE' | 'MUTUAL' | 'ISTIO_MUTUAL'

export interface ObjectMetaLike {
  name?: string
  namespace?: string
  creationTimestamp?: string | Date
}

export interface SelectorLike {
  matchLabels?: Record<string, string>
}

export interface PeerAuthenticationLike {
  metadata?: ObjectMetaLike
  spec?: {
    selector?: SelectorLike
    mtls?: { mode?: PeerAuthenticationMode }
    portLevelMtls?: Record<string, { mode?: PeerAuthenticationMode }>
  }
}

export interface TlsSettingsLike {
  mode?: ClientTlsMode
}

export interface PortTrafficPolicyLike {
  port?: { number?: number }
  tls?: TlsSettingsLike
}

export interface TrafficPolicyLike {
  tls?: TlsSettingsLike
  portLevelSettings?: PortTrafficPolicyLike[]
}

export interface DestinationRuleLike {
  metadata?: ObjectMetaLike
  spec?: {
    host?: string
    exportTo?: string[]
    trafficPolicy?: TrafficPolicyLike
    subsets?: { name?: string; labels?: Record<string, string>; trafficPolicy?: TrafficPolicyLike }[]
  }
}

export interface AuthorizationSourceLike {
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

export interface AuthorizationOperationLike {
  hosts?: string[]
  notHosts?: string[]
  ports?: string[]
  notPorts?: string[]
  methods?: string[]
  notMethods?: string[]
  paths?: string[]
  notPaths?: string[]
}

export interface AuthorizationRuleLike {
  from?: { source?: AuthorizationSourceLike }[]
  to?: { operation?: AuthorizationOperationLike }[]
  when?: { key: string; values?: string[]; notValues?: string[] }[]
}

export interface AuthorizationPolicyLike {
  metadata?: ObjectMetaLike
  spec?: {
    selector?: SelectorLike
    action?: 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM'
    rules?: AuthorizationRuleLike[]
    targetRef?: unknown
    targetRefs?: unknown[]
  }
}

/** A workload as the policy logic sees it: where it runs, who it is, and its labels. */
export interface PolicyWorkload {
  namespace: string
  name: string
  serviceAccount: string
  labels: Record<string, string>
}

/** A service: its host name, ports (service port → workload port) and which workloads it selects. */
export interface PolicyService {
  namespace: string
  name: string
  /** Fully qualified host; default <name>.<namespace>.svc.<domainSuffix>. */
  host?: string
  ports: { port: number; targetPort?: number; name?: string }[]
  selector: Record<string, string>
}

export interface MeshPolicyOptions {
  /** Istio's mesh root namespace: policies there without a selector apply mesh-wide. */
  rootNamespace?: string
  domainSuffix?: string
  /** Istio's enableAutoMtls: with no DestinationRule TLS, clients use mTLS when the server accepts it. */
  autoMtls?: boolean
}

export interface MeshPolicyInput extends MeshPolicyOptions {
  peerAuthentications: PeerAuthenticationLike[]
  destinationRules: DestinationRuleLike[]
  authorizationPolicies: AuthorizationPolicyLike[]
  workloads: PolicyWorkload[]
  services: PolicyService[]
}

export const defaultRootNamespace = 'istio-system'
export const defaultDomainSuffix = 'cluster.local'

/** "Kind namespace/name", how the UI and messages name a resource. */
export function refOf(kind: string, meta: ObjectMetaLike | undefined): string {
  return `${kind} ${meta?.namespace ?? 'default'}/${meta?.name ?? '(unnamed)'}`
}

export function selectorMatches(selector: SelectorLike | undefined, labels: Record<string, string>): boolean {
  const wanted = selector?.matchLabels ?? {}
  return Object.entries(wanted).every(([key, value]) => labels[key] === value)
}

export function hasSelector(selector: SelectorLike | undefined): boolean {
  return Object.keys(selector?.matchLabels ?? {}).length > 0
}

/** Istio breaks ties between policies at the same level by age: the oldest wins, then the name. */
export function oldestFirst<T extends { metadata?: ObjectMetaLike }>(a: T, b: T): number {
  const time = (x: T): number => (x.metadata?.creationTimestamp ? new Date(x.metadata.creationTimestamp).getTime() : 0)
  return time(a) - time(b) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '')
}
