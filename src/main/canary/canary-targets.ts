import type { CanaryTarget, CanaryTargetRef } from '@shared/contract/canary'
import { destinationRuleFor, findService, resolveServices, type MeshSnapshot, type VirtualService } from '../mesh'
import { destinationKey, effectiveWeight, routeSelectorOf } from '../model'

const localPropagation = "Each rollout step waits until every client of Meshdeck's control plane has ACKed the new weights."

/**
 * Every VirtualService http route whose traffic can be split: two or more destinations, or a
 * destination host whose DestinationRule defines two or more subsets. Pure: reads a snapshot.
 */
export function listCanaryTargets(snapshot: MeshSnapshot, ownership: (vs: VirtualService) => string | null = () => null): CanaryTarget[] {
  const services = resolveServices(snapshot)
  const targets: CanaryTarget[] = []
  for (const vs of snapshot.virtualServices) {
    ;(vs.spec.http ?? []).forEach((route, index) => {
      const destinations = route.route ?? []
      if (destinations.length === 0) return
      const host = destinations[0]!.destination.host
      const service = findService(services, host, vs.namespace)
      // Without a ServiceEntry (a cluster's own Service), match the DestinationRule by its host.
      const rule = service
        ? destinationRuleFor(snapshot.destinationRules, services, service)
        : snapshot.destinationRules.find((r) => r.spec.host === host)
      const subsets = (rule?.spec.subsets ?? []).map((s) => s.name)
      if (destinations.length < 2 && subsets.length < 2) return
      const ref: CanaryTargetRef = { namespace: vs.namespace, name: vs.name, route: routeSelectorOf(route, index) }
      targets.push({
        ref,
        label: `${vs.name} › ${route.name ?? `route ${index + 1}`}`,
        host,
        file: vs.source?.file ?? null,
        destinations: destinations.map((d) => ({
          key: destinationKey(d),
          host: d.destination.host,
          subset: d.destination.subset ?? null,
          weight: effectiveWeight(d.weight, destinations.length),
        })),
        subsets,
        ownedBy: ownership(vs),
        propagation: localPropagation,
      })
    })
  }
  return targets
}

export function findCanaryTarget(targets: CanaryTarget[], ref: CanaryTargetRef): CanaryTarget | undefined {
  return targets.find(
    (t) =>
      t.ref.namespace === ref.namespace &&
      t.ref.name === ref.name &&
      JSON.stringify(t.ref.route) === JSON.stringify(ref.route),
  )
}
