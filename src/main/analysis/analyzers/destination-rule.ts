import { destinationRulesByHost, endpointInSubset, findService, type DestinationRule, type MeshService } from '../../mesh'
import { matchesLabels, type AnalysisContext } from '../context'
import { refOfObject } from '../finding'
import { closest, listed, type Analyzer } from './analyzer'

/** Does anything serve this subset: an endpoint of the service, or a Pod the service (and subset) select? */
function subsetServed(ctx: AnalysisContext, service: MeshService, labels: Record<string, string> | undefined): boolean {
  if (service.endpoints.some((e) => endpointInSubset(e, { name: '', labels }))) return true
  // Pods not ready (or not yet behind an endpoint) count, as Istio's analyzer counts pods.
  if (!service.selector || !ctx.input.pods) return false
  return ctx.input.pods.some((pod) => pod.namespace === service.namespace && matchesLabels(pod.labels, service.selector) && matchesLabels(pod.labels, labels))
}

export const subsetSelectAnalyzer: Analyzer = {
  name: 'destinationrule.SubsetSelectPodAnalyzer',
  description: 'Checks if pods are selected by subsets in destination rules.',
  codes: ['IST0173', 'IST0174'],
  analyze(ctx, report) {
    for (const rule of ctx.snapshot.destinationRules) {
      const host = rule.spec.host ?? ''
      const service = findService(ctx.services, host, rule.namespace)
      if (!service) {
        const near = closest(host, ctx.services.map((s) => s.host))
        report(rule, {
          code: 'IST0174',
          args: [host],
          field: 'spec.host',
          fix: `${near ? `Did you mean ${near}? ` : ''}Name a service the mesh has (Meshdeck's control plane matches DestinationRule hosts exactly, without wildcards), or add a ServiceEntry for ${host}.`,
        })
        continue
      }
      for (const [index, subset] of (rule.spec.subsets ?? []).entries()) {
        if (!subset.name || subsetServed(ctx, service, subset.labels)) continue
        const labels = Object.entries(subset.labels ?? {}).map(([k, v]) => `${k}=${v}`)
        const versions = [...new Set(service.endpoints.map((e) => Object.entries(subset.labels ?? {}).map(([k]) => `${k}=${e.labels[k] ?? '(none)'}`).join(',')))]
        report(rule, {
          code: 'IST0173',
          args: [subset.name],
          field: `spec.subsets[${index}]`,
          fix:
            service.endpoints.length === 0
              ? `${service.host} has no endpoints at all: start its workloads (for a ServiceEntry, WorkloadEntries its workloadSelector selects).`
              : `No endpoint of ${service.host} has labels ${labels.join(',') || '(none)'}; its endpoints have ${listed(versions)}. Fix the subset's labels or start a workload with them.`,
        })
      }
    }
  },
}

export const multipleRulesAnalyzer: Analyzer = {
  name: 'destinationrule.MultipleDestinationRulesAnalyzer',
  description: 'Checks for several destination rules naming one host, of which only the first applies',
  codes: ['MDK0010'],
  analyze(ctx, report) {
    for (const [host, rules] of destinationRulesByHost(ctx.snapshot.destinationRules, ctx.services)) {
      if (rules.length < 2) continue
      const names = rules.map((r) => `${r.namespace}/${r.name}`)
      for (const rule of rules.slice(1) as DestinationRule[]) {
        report(rule, {
          code: 'MDK0010',
          args: [names.join(', '), host, names[0]],
          field: 'spec.host',
          fix: `Merge this rule's subsets and traffic policy into ${names[0]} and delete it. (istiod merges such rules in one namespace, keeping the first one's traffic policy; Meshdeck's control plane does not merge them.)`,
          related: rules.filter((r) => r !== rule).map(refOfObject),
        })
      }
    }
  },
}
