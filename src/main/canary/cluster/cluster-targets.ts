import type { CanaryTarget } from '@shared/contract/canary'
import { effectiveWeight, routeSelectorOf } from '../../model'
import { controllerOwnership } from '../ownership'
import { destinationKeyOf, fullHost, type ClusterDestinationRule, type ClusterVirtualService } from './virtual-service-object'

/**
 * The subsets a destination host may be split into: the DestinationRule for that host, preferring
 * the VirtualService's own namespace, then the host's namespace (where Istio looks first too).
 */
export function subsetsFor(host: string, vsNamespace: string, rules: ClusterDestinationRule[]): string[] {
  const wanted = fullHost(host, vsNamespace)
  const matching = rules.filter((r) => r.spec?.host !== undefined && fullHost(r.spec.host, r.metadata.namespace) === wanted)
  const hostNamespace = wanted.split('.')[1]
  const rule = matching.find((r) => r.metadata.namespace === vsNamespace) ?? matching.find((r) => r.metadata.namespace === hostNamespace) ?? matching[0]
  return (rule?.spec?.subsets ?? []).map((s) => s.name).filter((n): n is string => typeof n === 'string')
}

/**
 * Every http route of the cluster's VirtualServices whose traffic can be split: two or more
 * destinations, or one destination whose DestinationRule defines two or more subsets. Pure.
 */
export function clusterCanaryTargets(context: string, services: ClusterVirtualService[], rules: ClusterDestinationRule[], propagation: string): CanaryTarget[] {
  const targets: CanaryTarget[] = []
  for (const vs of services) {
    const { name, namespace } = vs.metadata
    ;(vs.spec?.http ?? []).forEach((route, index) => {
      const destinations = Array.isArray(route.route) ? route.route : []
      const host = destinations[0]?.destination?.host
      if (!host) return
      const subsets = subsetsFor(host, namespace, rules)
      if (destinations.length < 2 && subsets.length < 2) return
      targets.push({
        ref: { context, namespace, name, route: routeSelectorOf(route, index) },
        label: `${namespace}/${name} › ${route.name ?? `route ${index + 1}`}`,
        host,
        file: null,
        destinations: destinations.map((d) => ({
          key: destinationKeyOf(d),
          host: d.destination?.host ?? '',
          subset: d.destination?.subset ?? null,
          weight: effectiveWeight(d.weight, destinations.length),
        })),
        subsets,
        ownedBy: controllerOwnership(vs.metadata),
        propagation,
      })
    })
  }
  return targets
}

/** The labels a subset of a cluster's DestinationRule for `host` selects (its `version`, usually), or null when none names it. */
export function subsetLabelsFor(host: string, subset: string, vsNamespace: string, rules: ClusterDestinationRule[]): Record<string, string> | null {
  const wanted = fullHost(host, vsNamespace)
  const matching = rules.filter((r) => r.spec?.host !== undefined && fullHost(r.spec.host, r.metadata.namespace) === wanted)
  const hostNamespace = wanted.split('.')[1]
  const rule = matching.find((r) => r.metadata.namespace === vsNamespace) ?? matching.find((r) => r.metadata.namespace === hostNamespace) ?? matching[0]
  const found = (rule?.spec?.subsets ?? []).find((s) => s.name === subset)
  return found ? { ...(found.labels ?? {}) } : null
}
