/*
 * What translation needs to know about mTLS and authorization, in a neutral shape: security/
 * decides it (from PeerAuthentication, DestinationRule TLS and AuthorizationPolicy) and
 * xds/translate turns it into TLS contexts and RBAC filters. It sits here, below both, so that
 * neither imports the other for it: security depends on xds, never the reverse.
 */

/** One Istio string match: "abc" exact, "abc*" prefix, "*abc" suffix, "*" any non-empty value. */
export interface ValueMatcher {
  kind: 'exact' | 'prefix' | 'suffix' | 'any'
  value: string
}

/** A constrained attribute: it must match one of `values` (when given) and none of `notValues`. */
export interface FieldMatch {
  values: ValueMatcher[] | null
  notValues: ValueMatcher[]
}

export type SourceField = 'principal' | 'namespace' | 'ipBlock' | 'remoteIpBlock' | 'requestPrincipal' | 'serviceAccount'
export type OperationField = 'host' | 'port' | 'method' | 'path'

export interface RuleModel {
  /** Any one source may match (OR); within a source every field must (AND). Empty: any source. */
  from: Partial<Record<SourceField, FieldMatch>>[]
  /** Any one operation may match; empty: any operation. */
  to: Partial<Record<OperationField, FieldMatch>>[]
  /** Every condition must match. */
  when: { key: string; values: ValueMatcher[] | null; notValues: ValueMatcher[] }[]
}

export interface PolicyModel {
  policy: string
  action: 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM'
  /** No rules: an ALLOW policy allows nothing, a DENY policy denies nothing (Istio's rule). */
  rules: RuleModel[]
}

/**
 * The authorization that applies to one workload, in a neutral shape: the xDS translator turns
 * `deny` into a DENY RBAC filter and `allow` into an ALLOW one (absent when `allow` is empty).
 */
export interface WorkloadAuthorization {
  workload: string
  deny: PolicyModel[]
  allow: PolicyModel[]
  audit: PolicyModel[]
  custom: PolicyModel[]
  /** Parts of policies that cannot take effect here, for the UI. */
  notes: string[]
}

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
