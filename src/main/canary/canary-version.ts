import { destinationRuleFor, findService, resolveServices, type MeshSnapshot } from '../mesh'

/**
 * The `version` label of a subset's workloads: what Istio's metrics call destination_version and
 * what a check's {{ target }} names. Taken from the subset's labels; a subset without a version
 * label is taken to be named after its version (v2 ↔ version: v2), as Istio's samples do.
 */
export function canaryVersion(subset: string, labels: Record<string, string> | null): string {
  return labels?.version ?? subset
}

/** A subset's labels in the local mesh's DestinationRule for `host`, or null when none names it. */
export function localSubsetLabels(snapshot: MeshSnapshot, host: string, namespace: string, subset: string): Record<string, string> | null {
  const services = resolveServices(snapshot)
  const service = findService(services, host, namespace)
  if (!service) return null
  const found = destinationRuleFor(snapshot.destinationRules, services, service)?.spec.subsets?.find((s) => s.name === subset)
  return found ? { ...(found.labels ?? {}) } : null
}
