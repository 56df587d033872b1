import type { ResourceKind } from '@shared/contract'
import { DaemonSet, Deployment, EndpointSlice, Endpoints, KubeEvent, Namespace, Node, Pod, ReplicaSet, Service, StatefulSet, type KindInfo } from '../../model'

export { collectionPath, type KindInfo } from '../../model'

/** The kinds the Clusters pages list, by the contract's name for each: where they live is the model's. */
export const kindInfo: Record<ResourceKind, KindInfo> = {
  namespaces: Namespace,
  nodes: Node,
  pods: Pod,
  deployments: Deployment,
  replicasets: ReplicaSet,
  statefulsets: StatefulSet,
  daemonsets: DaemonSet,
  services: Service,
  endpointslices: EndpointSlice,
  events: KubeEvent,
}

/** Endpoints stand in for EndpointSlices on servers that serve no version of them. */
export const endpointsFallback: KindInfo = Endpoints
