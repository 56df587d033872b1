import type { FieldMatch, PolicyModel, RuleModel, ValueMatcher, WorkloadAuthorization } from '../../mesh'
import { anyTypes, type XdsResource } from '../resource-types'

/*
 * AuthorizationPolicy → Envoy RBAC HTTP filters on a server listener, the way istiod builds them:
 * one DENY filter (any matching rule denies), then one ALLOW filter (some rule must match) when the
 * workload has ALLOW policies. grpc-js-xds enforces them only with GRPC_XDS_EXPERIMENTAL_RBAC=true.
 * Pure: a WorkloadAuthorization in, filters out.
 */

export const rbacFilterName = 'envoy.filters.http.rbac'

type Expr = XdsResource
type Combinator = { and: (items: Expr[]) => Expr; or: (items: Expr[]) => Expr; not: (item: Expr) => Expr; any: Expr; none: Expr }

const principalOps: Combinator = {
  and: (ids) => (ids.length === 1 ? ids[0]! : { and_ids: { ids } }),
  or: (ids) => (ids.length === 1 ? ids[0]! : { or_ids: { ids } }),
  not: (id) => ({ not_id: id }),
  any: { any: true },
  none: { not_id: { any: true } },
}

const permissionOps: Combinator = {
  and: (rules) => (rules.length === 1 ? rules[0]! : { and_rules: { rules } }),
  or: (rules) => (rules.length === 1 ? rules[0]! : { or_rules: { rules } }),
  not: (rule) => ({ not_rule: rule }),
  any: { any: true },
  none: { not_rule: { any: true } },
}

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** An Istio value match as an Envoy StringMatcher. */
function stringMatcher(m: ValueMatcher, prefix = ''): XdsResource {
  switch (m.kind) {
    case 'exact':
      return { exact: prefix + m.value }
    case 'prefix':
      return { prefix: prefix + m.value }
    case 'suffix':
      return prefix ? { safe_regex: { regex: `${escapeRegex(prefix)}.*${escapeRegex(m.value)}` } } : { suffix: m.value }
    case 'any':
      return { safe_regex: { regex: '.+' } }
  }
}

/** A regex for one segment of a SPIFFE ID (namespace or service account) under an Istio value match. */
function segmentRegex(m: ValueMatcher): string {
  switch (m.kind) {
    case 'exact':
      return escapeRegex(m.value)
    case 'prefix':
      return `${escapeRegex(m.value)}[^/]*`
    case 'suffix':
      return `[^/]*${escapeRegex(m.value)}`
    case 'any':
      return '[^/]+'
  }
}

function headerMatcher(name: string, m: ValueMatcher): XdsResource {
  switch (m.kind) {
    case 'exact':
      return { name, exact_match: m.value }
    case 'prefix':
      return { name, prefix_match: m.value }
    case 'suffix':
      return { name, suffix_match: m.value }
    case 'any':
      return { name, present_match: true }
  }
}

function cidr(block: string): XdsResource {
  const [address = '', bits] = block.split('/')
  const full = address.includes(':') ? 128 : 32
  return { address_prefix: address, prefix_len: { value: bits === undefined ? full : Number(bits) } }
}

/** values (any may match) AND NOT notValues; undefined field: no constraint. */
function field(match: FieldMatch | undefined, ops: Combinator, one: (m: ValueMatcher) => Expr): Expr[] {
  if (!match) return []
  const out: Expr[] = []
  if (match.values !== null) out.push(match.values.length === 0 ? ops.none : ops.or(match.values.map(one)))
  for (const m of match.notValues) out.push(ops.not(one(m)))
  return out
}

const principalName = (matcher: XdsResource): Expr => ({ authenticated: { principal_name: matcher } })

function sourcePrincipal(source: RuleModel['from'][number]): Expr {
  const parts: Expr[] = [
    // Istio principals are SPIFFE IDs without the scheme: cluster.local/ns/a/sa/b.
    ...field(source.principal, principalOps, (m) => principalName(stringMatcher(m, 'spiffe://'))),
    ...field(source.namespace, principalOps, (m) => principalName({ safe_regex: { regex: `spiffe://[^/]+/ns/${segmentRegex(m)}/sa/[^/]+` } })),
    ...field(source.serviceAccount, principalOps, (m) => {
      // "ns/sa", matched as written against the ID's tail.
      const regex = m.kind === 'any' ? '[^/]+/sa/[^/]+' : m.kind === 'exact' ? escapeRegex(m.value).replace('/', '/sa/') : segmentRegex(m)
      return principalName({ safe_regex: { regex: `spiffe://[^/]+/ns/${regex}` } })
    }),
    ...field(source.ipBlock, principalOps, (m) => ({ direct_remote_ip: cidr(m.value) })),
    ...field(source.remoteIpBlock, principalOps, (m) => ({ remote_ip: cidr(m.value) })),
    // No RequestAuthentication runs here, so no request has a JWT principal.
    ...(source.requestPrincipal?.values ? [principalOps.none] : []),
  ]
  return parts.length === 0 ? principalOps.any : principalOps.and(parts)
}

function operationPermission(operation: RuleModel['to'][number]): Expr {
  const parts: Expr[] = [
    ...field(operation.path, permissionOps, (m) => ({ url_path: { path: stringMatcher(m) } })),
    ...field(operation.port, permissionOps, (m) => (m.kind === 'exact' && /^\d+$/.test(m.value) ? { destination_port: Number(m.value) } : permissionOps.none)),
    ...field(operation.method, permissionOps, (m) => ({ header: headerMatcher(':method', m) })),
    ...field(operation.host, permissionOps, (m) => ({ header: headerMatcher(':authority', m) })),
  ]
  return parts.length === 0 ? permissionOps.any : permissionOps.and(parts)
}

/** `when` conditions: the ones about the caller go to principals, the ones about the request to permissions. */
function conditions(rule: RuleModel): { principals: Expr[]; permissions: Expr[] } {
  const principals: Expr[] = []
  const permissions: Expr[] = []
  for (const c of rule.when) {
    const match: FieldMatch = { values: c.values, notValues: c.notValues }
    const header = /^request\.headers\[(.+)\]$/.exec(c.key)
    if (header) permissions.push(...field(match, permissionOps, (m) => ({ header: headerMatcher(header[1]!.toLowerCase(), m) })))
    else if (c.key === 'source.principal') principals.push(sourcePrincipal({ principal: match }))
    else if (c.key === 'source.namespace') principals.push(sourcePrincipal({ namespace: match }))
    else if (c.key === 'source.ip') principals.push(sourcePrincipal({ ipBlock: match }))
    else if (c.key === 'remote.ip') principals.push(sourcePrincipal({ remoteIpBlock: match }))
    else if (c.key === 'destination.port') permissions.push(operationPermission({ port: match }))
    // A condition gRPC cannot see never matches: an ALLOW rule then allows nothing (fails closed).
    else permissions.push(permissionOps.none)
  }
  return { principals, permissions }
}

function policies(models: readonly PolicyModel[]): Record<string, XdsResource> {
  const out: Record<string, XdsResource> = {}
  for (const model of models) {
    model.rules.forEach((rule, index) => {
      const when = conditions(rule)
      const source = rule.from.length === 0 ? principalOps.any : principalOps.or(rule.from.map(sourcePrincipal))
      const operation = rule.to.length === 0 ? permissionOps.any : permissionOps.or(rule.to.map(operationPermission))
      out[`${model.policy}[${index}]`] = {
        principals: [when.principals.length === 0 ? source : principalOps.and([source, ...when.principals])],
        permissions: [when.permissions.length === 0 ? operation : permissionOps.and([operation, ...when.permissions])],
      }
    })
  }
  return out
}

function filter(action: 'ALLOW' | 'DENY', models: readonly PolicyModel[]): XdsResource {
  return { name: `${rbacFilterName}.${action.toLowerCase()}`, typed_config: { '@type': anyTypes.rbac, rules: { action, policies: policies(models) } } }
}

/**
 * The RBAC filters for one server workload. DENY policies without rules deny nothing and are left
 * out; ALLOW policies without rules allow nothing, so an ALLOW filter with no policies stays.
 */
export function rbacFilters(authz: WorkloadAuthorization | null): XdsResource[] {
  if (!authz) return []
  const filters: XdsResource[] = []
  const deny = authz.deny.filter((p) => p.rules.length > 0)
  if (deny.length > 0) filters.push(filter('DENY', deny))
  if (authz.allow.length > 0) filters.push(filter('ALLOW', authz.allow))
  return filters
}
