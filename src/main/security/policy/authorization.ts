import { ipInBlock } from '../../lib/ip-address'
import type { FieldMatch, OperationField, PolicyModel, RuleModel, SourceField, ValueMatcher, WorkloadAuthorization } from '../../mesh'
import {
  defaultRootNamespace,
  hasSelector,
  refOf,
  selectorMatches,
  type AuthorizationOperationLike,
  type AuthorizationPolicyLike,
  type AuthorizationRuleLike,
  type AuthorizationSourceLike,
  type PolicyWorkload,
} from './types'

// The compiled shape lives in mesh/ (xds/translate reads it too); security builds it.
export type { FieldMatch, OperationField, PolicyModel, RuleModel, SourceField, ValueMatcher, WorkloadAuthorization }

export function parseMatcher(value: string): ValueMatcher {
  if (value === '*') return { kind: 'any', value: '' }
  if (value.endsWith('*')) return { kind: 'prefix', value: value.slice(0, -1) }
  if (value.startsWith('*')) return { kind: 'suffix', value: value.slice(1) }
  return { kind: 'exact', value }
}

function field(values: string[] | undefined, notValues: string[] | undefined): FieldMatch | undefined {
  if (values === undefined && notValues === undefined) return undefined
  return { values: values === undefined ? null : values.map(parseMatcher), notValues: (notValues ?? []).map(parseMatcher) }
}

function compact<K extends string>(entries: [K, FieldMatch | undefined][]): Partial<Record<K, FieldMatch>> {
  const out: Partial<Record<K, FieldMatch>> = {}
  for (const [key, value] of entries) if (value) out[key] = value
  return out
}

function sourceModel(s: AuthorizationSourceLike): Partial<Record<SourceField, FieldMatch>> {
  return compact<SourceField>([
    ['principal', field(s.principals, s.notPrincipals)],
    ['namespace', field(s.namespaces, s.notNamespaces)],
    ['ipBlock', field(s.ipBlocks, s.notIpBlocks)],
    ['remoteIpBlock', field(s.remoteIpBlocks, s.notRemoteIpBlocks)],
    ['requestPrincipal', field(s.requestPrincipals, s.notRequestPrincipals)],
    ['serviceAccount', field(s.serviceAccounts, s.notServiceAccounts)],
  ])
}

function operationModel(o: AuthorizationOperationLike): Partial<Record<OperationField, FieldMatch>> {
  return compact<OperationField>([
    ['host', field(o.hosts, o.notHosts)],
    ['port', field(o.ports, o.notPorts)],
    ['method', field(o.methods, o.notMethods)],
    ['path', field(o.paths, o.notPaths)],
  ])
}

export function ruleModel(rule: AuthorizationRuleLike): RuleModel {
  return {
    from: (rule.from ?? []).map((f) => sourceModel(f.source ?? {})),
    to: (rule.to ?? []).map((t) => operationModel(t.operation ?? {})),
    when: (rule.when ?? []).map((w) => ({
      key: w.key,
      values: w.values === undefined ? null : w.values.map(parseMatcher),
      notValues: (w.notValues ?? []).map(parseMatcher),
    })),
  }
}

/** Which AuthorizationPolicies apply to a workload (root namespace: mesh-wide, or by selector in any namespace). */
export function authorizationPoliciesFor(
  policies: AuthorizationPolicyLike[],
  workload: PolicyWorkload,
  rootNamespace = defaultRootNamespace,
): AuthorizationPolicyLike[] {
  return policies.filter((p) => {
    const ns = p.metadata?.namespace ?? 'default'
    if (p.spec?.targetRef !== undefined || (p.spec?.targetRefs?.length ?? 0) > 0) return false
    if (ns !== workload.namespace && ns !== rootNamespace) return false
    return !hasSelector(p.spec?.selector) || selectorMatches(p.spec?.selector, workload.labels)
  })
}

export function authorizationFor(
  policies: AuthorizationPolicyLike[],
  workload: PolicyWorkload,
  rootNamespace = defaultRootNamespace,
): WorkloadAuthorization {
  const result: WorkloadAuthorization = {
    workload: `${workload.namespace}/${workload.name}`,
    deny: [],
    allow: [],
    audit: [],
    custom: [],
    notes: [],
  }
  for (const policy of authorizationPoliciesFor(policies, workload, rootNamespace)) {
    const action = policy.spec?.action ?? 'ALLOW'
    const model: PolicyModel = { policy: refOf('AuthorizationPolicy', policy.metadata), action, rules: (policy.spec?.rules ?? []).map(ruleModel) }
    if (action === 'CUSTOM') result.notes.push(`${model.policy} uses action CUSTOM (an external authorizer), which Meshdeck does not run.`)
    if (model.rules.some((r) => r.from.some((f) => f.requestPrincipal))) {
      result.notes.push(`${model.policy} matches requestPrincipals (JWT); without a RequestAuthentication no request has one.`)
    }
    result[action === 'ALLOW' ? 'allow' : action === 'DENY' ? 'deny' : action === 'AUDIT' ? 'audit' : 'custom'].push(model)
  }
  return result
}

/** What is known about a request when it is authorized. */
export interface RequestAttributes {
  /** The peer's principal from its mTLS certificate ("cluster.local/ns/a/sa/b"), null for plaintext. */
  principal: string | null
  path: string
  method: string
  port: number
  host?: string
  sourceIp?: string
  headers?: Record<string, string>
}

export interface AuthorizationDecision {
  allowed: boolean
  /** The policy that decided, or null when the default did. */
  policy: string | null
  reason: 'denied-by-policy' | 'allowed-by-policy' | 'no-allow-policy-matched' | 'no-allow-policies'
}

function matches(m: ValueMatcher, value: string): boolean {
  switch (m.kind) {
    case 'any':
      return value !== ''
    case 'exact':
      return value === m.value
    case 'prefix':
      return value.startsWith(m.value)
    case 'suffix':
      return value.endsWith(m.value)
  }
}

/** A missing attribute never satisfies `values` and always satisfies `notValues` (as Envoy's RBAC does). */
function fieldMatches(match: FieldMatch, value: string | null, test: (m: ValueMatcher, v: string) => boolean = matches): boolean {
  if (match.values !== null && (value === null || !match.values.some((m) => test(m, value)))) return false
  return value === null || !match.notValues.some((m) => test(m, value))
}

const ipTest = (m: ValueMatcher, ip: string): boolean => ipInBlock(m.value, ip)

function namespaceOfPrincipal(principal: string | null): string | null {
  return principal ? (/\/ns\/([^/]+)\//.exec(principal)?.[1] ?? null) : null
}

function serviceAccountOfPrincipal(principal: string | null): string | null {
  const match = principal ? /\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(principal) : null
  return match ? `${match[1]}/${match[2]}` : null
}

function sourceMatches(source: Partial<Record<SourceField, FieldMatch>>, r: RequestAttributes): boolean {
  const checks: [FieldMatch | undefined, string | null, ((m: ValueMatcher, v: string) => boolean)?][] = [
    [source.principal, r.principal],
    [source.namespace, namespaceOfPrincipal(r.principal)],
    [source.serviceAccount, serviceAccountOfPrincipal(r.principal)],
    [source.ipBlock, r.sourceIp ?? null, ipTest],
    [source.remoteIpBlock, r.sourceIp ?? null, ipTest],
    [source.requestPrincipal, null],
  ]
  return checks.every(([m, value, test]) => !m || fieldMatches(m, value, test))
}

function operationMatches(op: Partial<Record<OperationField, FieldMatch>>, r: RequestAttributes): boolean {
  return (
    (!op.host || fieldMatches(op.host, r.host?.toLowerCase() ?? null, (m, v) => matches({ ...m, value: m.value.toLowerCase() }, v))) &&
    (!op.port || fieldMatches(op.port, String(r.port))) &&
    (!op.method || fieldMatches(op.method, r.method)) &&
    (!op.path || fieldMatches(op.path, r.path))
  )
}

function conditionValue(key: string, r: RequestAttributes): string | null {
  const header = /^request\.headers\[(.+)\]$/.exec(key)
  if (header) return r.headers?.[header[1]!.toLowerCase()] ?? null
  switch (key) {
    case 'source.principal':
      return r.principal
    case 'source.namespace':
      return namespaceOfPrincipal(r.principal)
    case 'source.ip':
    case 'remote.ip':
      return r.sourceIp ?? null
    case 'destination.port':
      return String(r.port)
    default:
      return null
  }
}

function ruleMatches(rule: RuleModel, r: RequestAttributes): boolean {
  return (
    (rule.from.length === 0 || rule.from.some((s) => sourceMatches(s, r))) &&
    (rule.to.length === 0 || rule.to.some((o) => operationMatches(o, r))) &&
    rule.when.every((c) => {
      const test = c.key === 'source.ip' || c.key === 'remote.ip' ? ipTest : matches
      return fieldMatches({ values: c.values, notValues: c.notValues }, conditionValue(c.key, r), test)
    })
  )
}

/** Istio's order: any matching DENY denies; with no ALLOW policy, allow; else some ALLOW must match. */
export function evaluateAuthorization(authz: WorkloadAuthorization, request: RequestAttributes): AuthorizationDecision {
  const deny = authz.deny.find((p) => p.rules.some((rule) => ruleMatches(rule, request)))
  if (deny) return { allowed: false, policy: deny.policy, reason: 'denied-by-policy' }
  if (authz.allow.length === 0) return { allowed: true, policy: null, reason: 'no-allow-policies' }
  const allow = authz.allow.find((p) => p.rules.some((rule) => ruleMatches(rule, request)))
  if (allow) return { allowed: true, policy: allow.policy, reason: 'allowed-by-policy' }
  return { allowed: false, policy: null, reason: 'no-allow-policy-matched' }
}
