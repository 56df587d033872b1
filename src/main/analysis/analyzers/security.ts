import type { MeshObject } from '../../mesh'
import {
  detectConflicts,
  MeshSecurityModel,
  parseMatcher,
  type AuthorizationPolicyLike,
  type DestinationRuleLike,
  type MeshPolicyInput,
  type PeerAuthenticationLike,
  type PolicyConflict,
} from '../../security'
import { matchesLabels, selectorText, type AnalysisContext } from '../context'
import { refOfObject } from '../finding'
import { closest, listed, type Analyzer, type ReportOn } from './analyzer'

const hasLabels = (labels: Record<string, string> | undefined): labels is Record<string, string> => labels !== undefined && Object.keys(labels).length > 0

/** Istio's namespaceMatch: `*`, `prefix*`, `*suffix` or a name, case-insensitively. */
function namespaceMatches(namespace: string, pattern: string): boolean {
  const ns = namespace.toLowerCase()
  const p = pattern.toLowerCase()
  if (p === '*') return true
  if (p.startsWith('*')) return ns.endsWith(p.slice(1))
  if (p.endsWith('*')) return ns.startsWith(p.slice(0, -1))
  return ns === p
}

export const authorizationPoliciesAnalyzer: Analyzer = {
  name: 'auth.AuthorizationPoliciesAnalyzer',
  description: 'Checks the validity of authorization policies',
  codes: ['IST0127', 'IST0101'],
  analyze(ctx, report) {
    for (const policy of ctx.snapshot.authorizationPolicies) {
      const spec = policy.spec
      const targeted = spec.targetRef !== undefined || (spec.targetRefs?.length ?? 0) > 0
      const selector = spec.selector?.matchLabels
      if (!targeted) {
        // Istio's rule: in the root namespace a selector looks at every namespace; elsewhere at its own.
        const candidates = policy.namespace === ctx.rootNamespace ? ctx.workloads : ctx.workloadsIn(policy.namespace)
        if (hasLabels(selector) ? !candidates.some((w) => matchesLabels(w.labels, selector)) : policy.namespace !== ctx.rootNamespace && candidates.length === 0) {
          report(policy, {
            code: 'IST0127',
            args: [selectorText(selector)],
            field: hasLabels(selector) ? 'spec.selector.matchLabels' : 'metadata.namespace',
            fix: hasLabels(selector)
              ? `No workload in ${policy.namespace === ctx.rootNamespace ? 'the mesh' : `namespace ${policy.namespace}`} has labels ${selectorText(selector)}: fix the selector, or the policy protects nothing.`
              : `Namespace ${policy.namespace} has no workloads: move the policy to the namespace of the workloads it is meant for.`,
          })
        }
      }
      for (const [i, rule] of (spec.rules ?? []).entries()) {
        for (const [j, from] of (rule.from ?? []).entries()) {
          const source = from.source ?? {}
          for (const [field, list] of [
            ['namespaces', source.namespaces ?? []],
            ['notNamespaces', source.notNamespaces ?? []],
          ] as const) {
            for (const [k, namespace] of list.entries()) {
              if ([...ctx.namespaces].some((ns) => namespaceMatches(ns, namespace))) continue
              const near = closest(namespace, ctx.namespaces)
              report(policy, {
                code: 'IST0101',
                args: ['namespace', namespace],
                field: `spec.rules[${i}].from[${j}].source.${field}[${k}]`,
                fix: `${near ? `Did you mean ${near}? ` : ''}No namespace ${namespace} exists${ctx.input.namespaces ? ' in the cluster' : ' in this mesh'}; name one that does (${listed([...ctx.namespaces].sort())}).`,
              })
            }
          }
        }
      }
    }
  },
}

export const allowNothingAnalyzer: Analyzer = {
  name: 'auth.AllowNothingAnalyzer',
  description: 'Checks for ALLOW authorization policies without rules, which deny every request',
  codes: ['MDK0013'],
  analyze(ctx, report) {
    for (const policy of ctx.snapshot.authorizationPolicies) {
      const spec = policy.spec
      if ((spec.action ?? 'ALLOW') !== 'ALLOW' || (spec.rules ?? []).length > 0) continue
      const selector = spec.selector?.matchLabels
      // `spec: {}` is Istio's documented allow-nothing policy for a namespace: deliberate, so quiet.
      // An ALLOW written out, a rules list left empty, or a selector, look like rules forgotten.
      if (spec.action === undefined && spec.rules === undefined && !hasLabels(selector)) continue
      const who = hasLabels(selector)
        ? `the workloads with labels ${selectorText(selector)}`
        : policy.namespace === ctx.rootNamespace
          ? 'every workload in the mesh'
          : `every workload in namespace ${policy.namespace}`
      report(policy, {
        code: 'MDK0013',
        args: [who],
        field: spec.rules !== undefined ? 'spec.rules' : spec.action !== undefined ? 'spec.action' : 'spec.selector',
        fix: 'Add the rules that say who may call (rules: - from: - source: principals: […]). To deny everything on purpose, suppress MDK0013 for this policy (or write it as Istio\'s allow-nothing policy, spec: {}).',
      })
    }
  },
}

const principalForm = /^([^/]+)\/ns\/([^/]+)\/sa\/([^/]+)$/

export const principalAnalyzer: Analyzer = {
  name: 'auth.PrincipalAnalyzer',
  description: "Checks that every principal an authorization policy names is some workload's identity",
  codes: ['MDK0014'],
  analyze(ctx, report) {
    const identities = ctx.identities
    // Without any workload (a folder of policies alone) every principal would look unknown.
    if (ctx.workloads.length === 0) return
    for (const policy of ctx.snapshot.authorizationPolicies) {
      for (const [i, rule] of (policy.spec.rules ?? []).entries()) {
        for (const [j, from] of (rule.from ?? []).entries()) {
          for (const [k, principal] of (from.source?.principals ?? []).entries()) {
            const reason = principalProblem(principal, ctx.trustDomain, identities)
            if (!reason) continue
            const near = principalForm.test(principal) ? closest(principal, identities) : undefined
            report(policy, {
              code: 'MDK0014',
              args: [principal, reason],
              field: `spec.rules[${i}].from[${j}].source.principals[${k}]`,
              fix: `${near ? `Did you mean ${near}? ` : ''}Name a workload's identity, ${ctx.trustDomain}/ns/<namespace>/sa/<service account> (a WorkloadEntry's spec.serviceAccount, a Pod's serviceAccountName).`,
            })
          }
        }
      }
    }
  },
}

/** Why no workload can present this principal, or null when one can. */
function principalProblem(principal: string, trustDomain: string, identities: ReadonlySet<string>): string | null {
  const matcher = parseMatcher(principal)
  if (matcher.kind === 'any') return null
  if (matcher.kind === 'exact') {
    const parts = principalForm.exec(principal)
    if (!parts) return `it is not of the form ${trustDomain}/ns/<namespace>/sa/<service account>`
    if (parts[1] !== trustDomain) return `its trust domain ${parts[1]} is not the mesh's (${trustDomain})`
    return identities.has(principal) ? null : `no workload in namespace ${parts[2]} runs as service account ${parts[3]}`
  }
  const matches = [...identities].some((id) => (matcher.kind === 'prefix' ? id.startsWith(matcher.value) : id.endsWith(matcher.value)))
  return matches ? null : "no workload's identity matches it"
}

export const peerAuthenticationAnalyzer: Analyzer = {
  name: 'peerauthentication.SelectorAnalyzer',
  description: 'Checks that peer authentication selectors select workloads, and that port-level settings name ports those workloads serve',
  codes: ['IST0127', 'MDK0011'],
  analyze(ctx, report) {
    for (const policy of ctx.snapshot.peerAuthentications) {
      const selector = policy.spec.selector?.matchLabels
      // A selector in the root namespace is ignored altogether (MDK0017 says so).
      if (!hasLabels(selector) || policy.namespace === ctx.rootNamespace) continue
      const selected = ctx.workloadsIn(policy.namespace).filter((w) => matchesLabels(w.labels, selector))
      if (selected.length === 0) {
        report(policy, {
          code: 'IST0127',
          args: [selectorText(selector)],
          field: 'spec.selector.matchLabels',
          fix: `No workload in namespace ${policy.namespace} has labels ${selectorText(selector)}: fix the selector, or the policy applies to nothing.`,
        })
        continue
      }
      const known = selected.filter((w) => w.ports !== null)
      if (known.length === 0) continue
      for (const key of Object.keys(policy.spec.portLevelMtls ?? {})) {
        const port = Number(key)
        if (known.some((w) => w.ports!.has(port))) continue
        const serves = known.map((w) => `${w.namespace}/${w.name} serves ${[...w.ports!].sort((a, b) => a - b).join(', ')}`)
        report(policy, {
          code: 'MDK0011',
          args: [port, listed(serves, 3)],
          field: `spec.portLevelMtls.${key}`,
          fix: 'portLevelMtls names the port the workload listens on (a WorkloadEntry port, a container port), not the service port: use one of the ports above, or remove the setting.',
        })
      }
    }
  },
}

const asLike = <T>(objects: readonly MeshObject[]): T[] => objects.map((o) => ({ metadata: { name: o.name, namespace: o.namespace }, spec: o.spec }) as T)

/** What conflict detection reads, with every workload and service the analysis knows (a cluster's Pods and Services too). */
export function policyInput(ctx: AnalysisContext): MeshPolicyInput {
  const s = ctx.snapshot
  return {
    rootNamespace: ctx.rootNamespace,
    peerAuthentications: asLike<PeerAuthenticationLike>(s.peerAuthentications),
    destinationRules: asLike<DestinationRuleLike>(s.destinationRules),
    authorizationPolicies: asLike<AuthorizationPolicyLike>(s.authorizationPolicies),
    workloads: ctx.workloads.map((w) => ({ namespace: w.namespace, name: w.name, serviceAccount: w.serviceAccount ?? 'default', labels: w.labels })),
    services: ctx.services
      .filter((s2) => hasLabels(s2.selector))
      .map((s2) => ({ namespace: s2.namespace, name: s2.shortName, host: s2.host, ports: s2.ports.map((p) => ({ port: p.number, targetPort: p.targetPort, name: p.name })), selector: s2.selector ?? {} })),
  }
}

const withoutKind = (ref: string): string => ref.slice(ref.indexOf(' ') + 1)
const isMutual = (mode: string): boolean => mode === 'ISTIO_MUTUAL' || mode === 'MUTUAL'

/**
 * The mTLS conflicts the Security page knows (security/policy), as findings: a DestinationRule
 * and a PeerAuthentication at odds in Istio's words (IST0113), what Istio's validation refuses
 * (IST0106), and what only proxyless gRPC servers cannot do. Not detected twice: this reads
 * detectConflicts and MeshSecurityModel.proxylessConflicts.
 */
export const mtlsAnalyzer: Analyzer = {
  name: 'auth.MTLSAnalyzer',
  description: 'Checks for mTLS settings that break calls or do nothing: DestinationRule TLS against PeerAuthentication, and what proxyless gRPC servers cannot serve',
  codes: ['IST0113', 'IST0106', 'MDK0015', 'MDK0016', 'MDK0017', 'MDK0018'],
  analyze(ctx, report) {
    if (ctx.snapshot.peerAuthentications.length === 0 && ctx.snapshot.destinationRules.length === 0 && ctx.snapshot.authorizationPolicies.length === 0) return
    const objects = new Map(ctx.objects().map((o) => [refOfObject(o), o]))
    const model = new MeshSecurityModel(ctx.snapshot, { trustDomain: ctx.trustDomain, rootNamespace: ctx.rootNamespace })
    const conflicts = [...detectConflicts(policyInput(ctx)), ...model.proxylessConflicts()]
    const seen = new Set<string>()
    for (const conflict of conflicts) {
      // A policy whose identity rules cannot match says so once, not once per workload it selects.
      const key = conflict.code === 'principals-without-mtls' ? `${conflict.code}|${conflict.resources[0]}` : `${conflict.code}|${conflict.message}`
      if (seen.has(key)) continue
      seen.add(key)
      reportConflict(conflict, objects, report)
    }
  },
}

function reportConflict(conflict: PolicyConflict, objects: Map<string, MeshObject>, report: ReportOn): void {
  const on = (ref: string | null | undefined): MeshObject | undefined => (ref ? objects.get(ref) : undefined)
  const related = (self: string): string[] => conflict.resources.filter((r) => r !== self && objects.has(r))
  switch (conflict.code) {
    case 'strict-server-plaintext-client':
    case 'mtls-client-disabled-server': {
      const m = conflict.mtls
      if (!m) return
      const args = [m.host, withoutKind(m.rule), isMutual(m.clientMode), m.policy ? withoutKind(m.policy) : '(none)', m.serverMode]
      const rule = on(m.rule)
      if (rule) report(rule, { code: 'IST0113', args, field: 'spec.trafficPolicy.tls.mode', fix: conflict.hint, related: related(m.rule) })
      const policy = on(m.policy)
      if (policy && m.policy) report(policy, { code: 'IST0113', args, field: 'spec.mtls.mode', fix: conflict.hint, related: related(m.policy) })
      return
    }
    case 'port-level-mtls-ignored': {
      const policy = on(conflict.resources[0])
      if (policy) report(policy, { code: 'IST0106', args: ['mesh/namespace peer authentication cannot have port level mTLS'], field: 'spec.portLevelMtls', fix: conflict.hint })
      return
    }
    case 'root-namespace-selector-ignored':
    case 'duplicate-peer-authentication':
      for (const ref of conflict.resources) {
        const policy = on(ref)
        if (policy) report(policy, { code: 'MDK0017', args: [conflict.message], field: conflict.code === 'duplicate-peer-authentication' ? 'metadata.name' : 'spec.selector', fix: conflict.hint, related: related(ref) })
      }
      return
    case 'principals-without-mtls': {
      const policy = on(conflict.resources[0])
      if (policy) report(policy, { code: 'MDK0018', args: [conflict.message], field: 'spec.rules', fix: conflict.hint, related: related(conflict.resources[0]!) })
      return
    }
    case 'proxyless-permissive-mtls-client': {
      const rule = on(conflict.resources[0])
      if (rule) report(rule, { code: 'MDK0015', args: [conflict.message], field: 'spec.trafficPolicy.tls.mode', fix: conflict.hint, related: related(conflict.resources[0]!) })
      return
    }
    case 'proxyless-mixed-strict-endpoints': {
      const first = conflict.resources.find((r) => objects.has(r))
      const policy = on(first)
      if (policy && first) report(policy, { code: 'MDK0016', args: [conflict.message], field: 'spec.mtls.mode', fix: conflict.hint, related: related(first) })
      return
    }
    // MUTUAL towards a STRICT server: DestinationRule validation already refuses MUTUAL (MDK0001).
    case 'strict-server-foreign-certificate':
      return
  }
}
