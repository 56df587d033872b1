import type { ConfigRef } from '@shared/contract'
import type { RouteLocationRaw } from 'vue-router'

/** Istio objects are looked at with the control plane; Kubernetes objects on the Workloads page. */
const istioKinds = new Set(['VirtualService', 'DestinationRule', 'ServiceEntry', 'WorkloadEntry', 'PeerAuthentication', 'AuthorizationPolicy', 'Sidecar', 'Gateway'])

export function configLink(ref: ConfigRef): RouteLocationRaw {
  const query = { kind: ref.kind, namespace: ref.namespace, name: ref.name }
  return { path: istioKinds.has(ref.kind) ? '/control-plane' : '/workloads', query }
}
