import type { KubernetesService } from './kubernetes/model'
import type { AuthorizationPolicy, DestinationRule, MeshObject, PeerAuthentication, ServiceEntry, VirtualService, WorkloadEntry } from './model'

/**
 * One immutable, versioned view of the mesh config. Translation, validation and the UI all read a
 * snapshot, never a live source, so a push is always computed from one consistent set of objects.
 */
export interface MeshSnapshot {
  /** Increases by one for every applied change of a source. */
  readonly version: number
  readonly virtualServices: readonly VirtualService[]
  readonly destinationRules: readonly DestinationRule[]
  readonly serviceEntries: readonly ServiceEntry[]
  readonly workloadEntries: readonly WorkloadEntry[]
  readonly peerAuthentications: readonly PeerAuthentication[]
  readonly authorizationPolicies: readonly AuthorizationPolicy[]
  /** Endpoints from a cluster: Kubernetes Services with their ready endpoints (empty without a cluster). */
  readonly kubernetesServices: readonly KubernetesService[]
}

export function createSnapshot(version: number, objects: readonly MeshObject[], kubernetesServices: readonly KubernetesService[] = []): MeshSnapshot {
  const sorted = [...objects].sort((a, b) =>
    `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`),
  )
  return Object.freeze({
    version,
    virtualServices: Object.freeze(sorted.filter((o): o is VirtualService => o.kind === 'VirtualService')),
    destinationRules: Object.freeze(sorted.filter((o): o is DestinationRule => o.kind === 'DestinationRule')),
    serviceEntries: Object.freeze(sorted.filter((o): o is ServiceEntry => o.kind === 'ServiceEntry')),
    workloadEntries: Object.freeze(sorted.filter((o): o is WorkloadEntry => o.kind === 'WorkloadEntry')),
    peerAuthentications: Object.freeze(sorted.filter((o): o is PeerAuthentication => o.kind === 'PeerAuthentication')),
    authorizationPolicies: Object.freeze(sorted.filter((o): o is AuthorizationPolicy => o.kind === 'AuthorizationPolicy')),
    kubernetesServices: Object.freeze([...kubernetesServices]),
  })
}

export const emptySnapshot: MeshSnapshot = createSnapshot(0, [])

/** The same config with another endpoint half (the control plane merges a cluster's endpoints in). */
export function withKubernetesServices(snapshot: MeshSnapshot, version: number, kubernetesServices: readonly KubernetesService[]): MeshSnapshot {
  return Object.freeze({ ...snapshot, version, kubernetesServices: Object.freeze([...kubernetesServices]) })
}
