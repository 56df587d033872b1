import type { AuthorizationPolicySpec, DestinationRuleSpec, ObjectMetaLike, PeerAuthenticationSpec, WorkloadSelector as SelectorLike } from '../../model'

/*
 * The Istio objects the mTLS logic reads: metadata and spec, whose types are the model's
 * (src/main/model/istio). They are structural subsets of Istio's own schema, so objects parsed from
 * YAML, read from a cluster, or built with @kubernetes-models/istio can be passed as they are.
 */
export type {
  ObjectMetaLike,
  PeerAuthenticationMode,
  ClientTlsMode,
  WorkloadSelector as SelectorLike,
  ClientTlsSettings as TlsSettingsLike,
  PortTrafficPolicy as PortTrafficPolicyLike,
  TrafficPolicy as TrafficPolicyLike,
  AuthorizationSource as AuthorizationSourceLike,
  AuthorizationOperation as AuthorizationOperationLike,
  AuthorizationRule as AuthorizationRuleLike,
} from '../../model'

export interface PeerAuthenticationLike {
  metadata?: ObjectMetaLike
  spec?: PeerAuthenticationSpec
}

export interface DestinationRuleLike {
  metadata?: ObjectMetaLike
  spec?: DestinationRuleSpec
}

export interface AuthorizationPolicyLike {
  metadata?: ObjectMetaLike
  spec?: AuthorizationPolicySpec
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
