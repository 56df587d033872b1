import type { EffectiveMode } from './peer-authentication'
import {
  defaultDomainSuffix,
  defaultRootNamespace,
  oldestFirst,
  refOf,
  type ClientTlsMode,
  type DestinationRuleLike,
  type MeshPolicyOptions,
  type TlsSettingsLike,
} from './types'

export type ClientTlsSource = 'destination-rule' | 'port' | 'subset' | 'subset-port' | 'auto-mtls' | 'no-tls-settings'

export interface ClientTlsDecision {
  mode: ClientTlsMode
  /** Which part of the DestinationRule decided, or auto mTLS / plaintext when none did. */
  source: ClientTlsSource
  /** "DestinationRule ns/name" that applied, or null. */
  rule: string | null
}

export interface Destination {
  /** Fully qualified host, e.g. reviews.shop.svc.cluster.local. */
  host: string
  port: number
  subset?: string
  /** What the server enforces on that port; decides what auto mTLS does. Default PERMISSIVE. */
  serverMode?: EffectiveMode
}

/** A DestinationRule's host with short names made full, relative to the rule's namespace (as Istio does). */
export function ruleHost(rule: DestinationRuleLike, domainSuffix = defaultDomainSuffix): string {
  const host = rule.spec?.host ?? ''
  if (host.includes('.') || host.includes('*')) return host
  return `${host}.${rule.metadata?.namespace ?? 'default'}.svc.${domainSuffix}`
}

/** One compiled pattern per domain suffix: building a RegExp per lookup dominated conflict detection on big meshes. */
const hostPatterns = new Map<string, RegExp>()

/** The namespace of a Kubernetes service host, or null for other hosts (ServiceEntry). */
export function namespaceOfHost(host: string, domainSuffix = defaultDomainSuffix): string | null {
  let pattern = hostPatterns.get(domainSuffix)
  if (!pattern) hostPatterns.set(domainSuffix, (pattern = new RegExp(`^[^.]+\\.([^.]+)\\.svc\\.${domainSuffix.replace(/\./g, '\\.')}$`)))
  return pattern.exec(host)?.[1] ?? null
}

/** How well a rule's host matches: exact beats the longest wildcard; -1 means no match. */
function hostMatchScore(pattern: string, host: string): number {
  if (pattern === host) return Number.MAX_SAFE_INTEGER
  if (pattern === '*') return 0
  if (pattern.startsWith('*.') && host.endsWith(pattern.slice(1))) return pattern.length
  return -1
}

function visibleFrom(rule: DestinationRuleLike, clientNamespace: string): boolean {
  const exportTo = rule.spec?.exportTo
  const own = rule.metadata?.namespace ?? 'default'
  if (!exportTo || exportTo.length === 0 || exportTo.includes('*')) return true
  return exportTo.some((entry) => (entry === '.' ? own === clientNamespace : entry === clientNamespace))
}

/** A namespace's rules: those with an exact host by that host (full name), and the wildcard ones. */
interface NamespaceRules {
  exact: Map<string, DestinationRuleLike[]>
  wildcard: DestinationRuleLike[]
}

/**
 * Rules per namespace and host, per rules list and domain suffix: conflict detection asks for the
 * rule of every (service, port, client namespace, subset), and scanning every rule for each made
 * a mesh of 1,000 services take seconds. Lists are not changed once built; the size check guards it.
 */
const ruleIndexes = new WeakMap<readonly DestinationRuleLike[], { size: number; suffix: string; byNamespace: Map<string, NamespaceRules> }>()

function rulesByNamespace(rules: readonly DestinationRuleLike[], suffix: string): Map<string, NamespaceRules> {
  const known = ruleIndexes.get(rules)
  if (known && known.size === rules.length && known.suffix === suffix) return known.byNamespace
  const byNamespace = new Map<string, NamespaceRules>()
  for (const rule of rules) {
    const namespace = rule.metadata?.namespace ?? 'default'
    let entry = byNamespace.get(namespace)
    if (!entry) byNamespace.set(namespace, (entry = { exact: new Map(), wildcard: [] }))
    const host = ruleHost(rule, suffix)
    if (host.includes('*')) entry.wildcard.push(rule)
    else entry.exact.set(host, [...(entry.exact.get(host) ?? []), rule])
  }
  ruleIndexes.set(rules, { size: rules.length, suffix, byNamespace })
  return byNamespace
}

/**
 * The DestinationRule a client in `clientNamespace` uses for `host`: Istio looks in the client's
 * namespace, then the service's, then the root namespace, taking the most specific host match.
 */
export function destinationRuleFor(
  rules: DestinationRuleLike[],
  host: string,
  clientNamespace: string,
  options: MeshPolicyOptions = {},
): DestinationRuleLike | undefined {
  const suffix = options.domainSuffix ?? defaultDomainSuffix
  const order = [clientNamespace, namespaceOfHost(host, suffix), options.rootNamespace ?? defaultRootNamespace]
  const byNamespace = rulesByNamespace(rules, suffix)
  for (const namespace of order) {
    if (namespace === null) continue
    const entry = byNamespace.get(namespace)
    if (!entry) continue
    // An exact host beats every wildcard (hostMatchScore); among equals the oldest wins.
    const exact = (entry.exact.get(host) ?? []).filter((r) => visibleFrom(r, clientNamespace)).sort(oldestFirst)
    if (exact[0]) return exact[0]
    const candidates = entry.wildcard
      .filter((r) => visibleFrom(r, clientNamespace))
      .map((r) => ({ rule: r, score: hostMatchScore(ruleHost(r, suffix), host) }))
      .filter((c) => c.score >= 0)
      .sort((a, b) => b.score - a.score || oldestFirst(a.rule, b.rule))
    if (candidates[0]) return candidates[0].rule
  }
  return undefined
}

/**
 * The TLS a client originates towards a destination. Istio's merge order: the rule's traffic
 * policy, its portLevelSettings for the port (which replace, not inherit), then the subset's
 * policy and the subset's port settings. No TLS settings at all → auto mTLS: mTLS when the server
 * accepts it, plaintext when it has mTLS disabled.
 */
export function clientTlsMode(
  rules: DestinationRuleLike[],
  destination: Destination,
  clientNamespace: string,
  options: MeshPolicyOptions = {},
): ClientTlsDecision {
  const rule = destinationRuleFor(rules, destination.host, clientNamespace, options)
  let tls: TlsSettingsLike | undefined
  let source: ClientTlsSource = 'destination-rule'
  const apply = (policy: { tls?: TlsSettingsLike; portLevelSettings?: { port?: { number?: number }; tls?: TlsSettingsLike }[] } | undefined, level: 'destination-rule' | 'subset'): void => {
    if (!policy) return
    if (policy.tls) {
      tls = policy.tls
      source = level
    }
    const port = policy.portLevelSettings?.find((p) => p.port?.number === destination.port)
    if (port) {
      tls = port.tls
      source = level === 'subset' ? 'subset-port' : 'port'
    }
  }
  apply(rule?.spec?.trafficPolicy, 'destination-rule')
  if (destination.subset !== undefined) {
    apply(rule?.spec?.subsets?.find((s) => s.name === destination.subset)?.trafficPolicy, 'subset')
  }
  const ruleRef = rule ? refOf('DestinationRule', rule.metadata) : null
  if (tls?.mode) return { mode: tls.mode, source, rule: ruleRef }
  const autoMtls = options.autoMtls ?? true
  if (autoMtls && (destination.serverMode ?? 'PERMISSIVE') !== 'DISABLE') return { mode: 'ISTIO_MUTUAL', source: 'auto-mtls', rule: ruleRef }
  return { mode: 'DISABLE', source: 'no-tls-settings', rule: ruleRef }
}
