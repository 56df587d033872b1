import { endpointPort, endpointServes, resolveServices, type MeshSecurity, type MeshService, type MeshSnapshot, type ServiceEndpoint } from '../mesh'
import { certificateProviderInstance } from './bootstrap'
import {
  authorizationFor,
  clientTlsMode,
  destinationRuleFor,
  effectivePeerAuthentication,
  peerAuthenticationForPort,
  refOf,
  type AuthorizationPolicyLike,
  type ClientTlsDecision,
  type DestinationRuleLike,
  type EffectiveMode,
  type MeshPolicyInput,
  type PeerAuthenticationLike,
  type PolicyConflict,
  type PolicyService,
  type PolicyWorkload,
} from './policy'
import { spiffeId } from './spiffe'

/*
 * The bridge from the mesh config the control plane serves (a MeshSnapshot) to the security
 * decisions: MeshPolicyInput for conflict detection and status, and MeshSecurity for translate().
 * Pure. Proxyless gRPC differs from Envoy in one way that matters here: a server port carries
 * either TLS or plaintext, never both, so PERMISSIVE (and DISABLE) serve plaintext and only STRICT
 * serves mTLS; auto mTLS therefore sends mTLS exactly to servers that are STRICT.
 */

export interface MeshSecurityOptions {
  trustDomain: string
  rootNamespace?: string
}

/** A destination cluster: service host, service port and DestinationRule subset. */
export interface SecurityDestination {
  host: string
  namespace: string
  port: number
  subset?: string
}

/** The ServiceEntry-selected WorkloadEntries as workloads with their identity. */
export function policyWorkloads(snapshot: MeshSnapshot): PolicyWorkload[] {
  return snapshot.workloadEntries.map((w) => ({
    namespace: w.namespace,
    name: w.name,
    serviceAccount: w.spec.serviceAccount ?? 'default',
    labels: w.spec.labels ?? {},
  }))
}

function policyServices(snapshot: MeshSnapshot): PolicyService[] {
  return snapshot.serviceEntries.flatMap((entry) =>
    (entry.spec.hosts ?? []).map((host) => ({
      namespace: entry.namespace,
      name: host.split('.')[0] ?? host,
      host,
      ports: (entry.spec.ports ?? []).map((p) => ({ port: p.number, targetPort: p.targetPort, name: p.name })),
      selector: entry.spec.workloadSelector?.labels ?? {},
    })),
  )
}

const asLike = <T>(objects: readonly { name: string; namespace: string; spec: unknown }[]): T[] =>
  objects.map((o) => ({ metadata: { name: o.name, namespace: o.namespace }, spec: o.spec }) as T)

/** What SecurityService.setMeshPolicies takes, from the served snapshot. */
export function meshPolicyInput(snapshot: MeshSnapshot, options: Partial<MeshSecurityOptions> = {}): MeshPolicyInput {
  return {
    rootNamespace: options.rootNamespace,
    peerAuthentications: asLike<PeerAuthenticationLike>(snapshot.peerAuthentications),
    destinationRules: asLike<DestinationRuleLike>(snapshot.destinationRules),
    authorizationPolicies: asLike<AuthorizationPolicyLike>(snapshot.authorizationPolicies),
    workloads: policyWorkloads(snapshot),
    services: policyServices(snapshot),
  }
}

/** Everything the decisions below need, computed once per snapshot. */
export class MeshSecurityModel {
  readonly input: MeshPolicyInput
  readonly services: MeshService[]
  private readonly serviceAccounts = new Map<string, string | undefined>()
  private readonly modes = new WeakMap<Record<string, string>, Map<string, EffectiveMode>>()
  private readonly byHost = new Map<string, MeshService>()

  constructor(
    readonly snapshot: MeshSnapshot,
    readonly options: MeshSecurityOptions,
  ) {
    this.input = meshPolicyInput(snapshot, options)
    this.services = resolveServices(snapshot)
    for (const service of this.services) if (!this.byHost.has(service.host)) this.byHost.set(service.host, service)
    for (const w of snapshot.workloadEntries) this.serviceAccounts.set(`WorkloadEntry/${w.namespace}/${w.name}`, w.spec.serviceAccount)
  }

  private workloadOf(w: { namespace: string; labels: Record<string, string> }): PolicyWorkload {
    return { namespace: w.namespace, name: '', serviceAccount: '', labels: w.labels }
  }

  /** The PeerAuthentication mode a server enforces on a workload port. */
  serverMode(w: { namespace: string; labels: Record<string, string>; port: number }): EffectiveMode {
    // Asked for every endpoint of every cluster, mostly with the same endpoint's labels: remembered
    // per labels object (this model is per snapshot), so a big mesh does not evaluate policies per call.
    let known = this.modes.get(w.labels)
    if (!known) this.modes.set(w.labels, (known = new Map()))
    const key = `${w.namespace}\n${w.port}`
    let mode = known.get(key)
    if (mode === undefined) {
      const effective = effectivePeerAuthentication(this.input.peerAuthentications, this.workloadOf(w), this.options.rootNamespace)
      known.set(key, (mode = peerAuthenticationForPort(effective, w.port).mode))
    }
    return mode
  }

  /** The PeerAuthentication that decides a workload port's mode, "PeerAuthentication ns/name", or null for Istio's default. */
  policyOf(w: { namespace: string; labels: Record<string, string>; port: number }): string | null {
    const effective = effectivePeerAuthentication(this.input.peerAuthentications, this.workloadOf(w), this.options.rootNamespace)
    return peerAuthenticationForPort(effective, w.port).policy
  }

  /** Proxyless servers: only STRICT serves TLS (gRPC cannot detect TLS on a plaintext port). */
  serverRequiresMtls(w: { namespace: string; labels: Record<string, string>; port: number }): boolean {
    return this.serverMode(w) === 'STRICT'
  }

  /** The endpoints behind a destination cluster, each with the workload port it serves on. */
  endpoints(destination: SecurityDestination): { endpoint: ServiceEndpoint; port: number }[] {
    const service = this.byHost.get(destination.host)
    const port = service?.ports.find((p) => p.number === destination.port)
    if (!service || !port) return []
    const rule = destinationRuleFor(this.input.destinationRules, destination.host, service.namespace, this.options)
    const subset = destination.subset === undefined ? undefined : rule?.spec?.subsets?.find((s) => s.name === destination.subset)
    return service.endpoints
      .filter((e) => endpointServes(e, port) && Object.entries(subset?.labels ?? {}).every(([k, v]) => e.labels[k] === v))
      .map((endpoint) => ({ endpoint, port: endpointPort(endpoint, port) }))
  }

  /**
   * The TLS a client uses towards a destination. One CDS cluster serves every client, so the
   * DestinationRule is looked up as a client in the service's own namespace would.
   */
  clientTls(destination: SecurityDestination, clientNamespace = destination.namespace): ClientTlsDecision {
    const targets = this.endpoints(destination)
    const strict = targets.length > 0 && targets.every((t) => this.serverRequiresMtls({ ...t.endpoint, port: t.port }))
    const serverMode: EffectiveMode = strict ? 'STRICT' : targets.some((t) => this.serverMode({ ...t.endpoint, port: t.port }) === 'DISABLE') ? 'DISABLE' : 'PERMISSIVE'
    const decision = clientTlsMode(this.input.destinationRules, { ...destination, serverMode }, clientNamespace, this.options)
    // Auto mTLS towards a PERMISSIVE proxyless server would fail: that server serves plaintext.
    if (decision.source === 'auto-mtls' && !strict) return { mode: 'DISABLE', source: 'auto-mtls', rule: decision.rule }
    return decision
  }

  clientMtls(destination: SecurityDestination): boolean {
    return this.clientTls(destination).mode === 'ISTIO_MUTUAL'
  }

  /** SPIFFE IDs of the destination's workloads; empty when one has no service account (then any mesh peer). */
  serverIdentities(destination: SecurityDestination): string[] {
    const ids = new Set<string>()
    for (const { endpoint } of this.endpoints(destination)) {
      const serviceAccount = endpoint.serviceAccount ?? this.serviceAccounts.get(endpoint.origin)
      if (!serviceAccount) return []
      try {
        ids.add(spiffeId(this.options.trustDomain, { namespace: endpoint.namespace, serviceAccount }))
      } catch {
        return [] // not a valid Kubernetes name: no certificate can carry it; any mesh peer then
      }
    }
    return [...ids].sort()
  }

  authorization(w: { namespace: string; labels: Record<string, string> }): ReturnType<typeof authorizationFor> | null {
    const authz = authorizationFor(this.input.authorizationPolicies, this.workloadOf(w), this.options.rootNamespace)
    return authz.allow.length === 0 && authz.deny.length === 0 ? null : authz
  }

  /** Settings that break traffic only because servers here are proxyless gRPC (see the top of this file). */
  proxylessConflicts(): PolicyConflict[] {
    const out: PolicyConflict[] = []
    for (const service of this.services) {
      const rule = destinationRuleFor(this.input.destinationRules, service.host, service.namespace, this.options)
      for (const port of service.ports) {
        for (const subset of [undefined, ...(rule?.spec?.subsets ?? []).map((s) => s.name)]) {
          const destination = { host: service.host, namespace: service.namespace, port: port.number, subset }
          const tls = this.clientTls(destination)
          const mixed = this.mixedStrictConflict(destination, tls)
          if (mixed) out.push(mixed)
          if (tls.mode !== 'ISTIO_MUTUAL' || !tls.rule) continue
          for (const { endpoint, port: workloadPort } of this.endpoints(destination)) {
            const mode = this.serverMode({ ...endpoint, port: workloadPort })
            if (mode !== 'PERMISSIVE') continue
            const workload = endpoint.origin.replace(/^WorkloadEntry\//, '')
            out.push({
              severity: 'error',
              code: 'proxyless-permissive-mtls-client',
              message: `${tls.rule} makes clients use ISTIO_MUTUAL towards ${workload} (${service.host}:${port.number}), which is PERMISSIVE; a proxyless gRPC server cannot accept TLS and plaintext on one port, so it serves plaintext and these calls fail.`,
              hint: `Set the PeerAuthentication for ${workload} to STRICT, or remove tls from ${tls.rule} (auto mTLS then follows the server).`,
              resources: [tls.rule, ...this.input.peerAuthentications.filter((p) => (p.metadata?.namespace ?? 'default') === endpoint.namespace).map((p) => refOf('PeerAuthentication', p.metadata))],
              workload,
              port: workloadPort,
              mtls: { host: service.host, rule: tls.rule, clientMode: tls.mode, policy: this.policyOf({ ...endpoint, port: workloadPort }), serverMode: mode },
            })
          }
        }
      }
    }
    return out
  }

  /**
   * A cluster carries one TLS setting for all its endpoints (Envoy's per-endpoint auto mTLS has no
   * proxyless equivalent): when only some are STRICT, plaintext calls to those fail.
   */
  private mixedStrictConflict(destination: SecurityDestination, tls: ClientTlsDecision): PolicyConflict | null {
    if (tls.source !== 'auto-mtls') return null
    const targets = this.endpoints(destination)
    const strict = targets.filter((t) => this.serverRequiresMtls({ ...t.endpoint, port: t.port }))
    if (strict.length === 0 || strict.length === targets.length) return null
    const names = strict.map((t) => t.endpoint.origin.replace(/^WorkloadEntry\//, ''))
    const where = `${destination.host}:${destination.port}${destination.subset ? ` (subset ${destination.subset})` : ''}`
    return {
      severity: 'error',
      code: 'proxyless-mixed-strict-endpoints',
      message: `Only some endpoints of ${where} are STRICT (${names.join(', ')}); proxyless clients use one TLS setting per cluster, so they send plaintext and calls landing on the STRICT ones fail.`,
      hint: 'Make every workload behind this service (or subset) STRICT, or none; or route to the STRICT ones through their own DestinationRule subset.',
      resources: this.input.peerAuthentications.filter((p) => (p.metadata?.namespace ?? 'default') === destination.namespace).map((p) => refOf('PeerAuthentication', p.metadata)),
      workload: names[0] ?? null,
      port: strict[0]?.port ?? null,
    }
  }

  /** The decisions for translate(), certificates from the bootstrap's `meshdeck` provider. */
  meshSecurity(): MeshSecurity {
    return {
      providerInstance: certificateProviderInstance,
      trustedSanPrefix: `spiffe://${this.options.trustDomain}/`,
      clientMtls: (d) => this.clientMtls(d),
      serverRequiresMtls: (w) => this.serverRequiresMtls(w),
      serverIdentities: (d) => this.serverIdentities(d),
      authorization: (w) => this.authorization(w),
    }
  }
}
