import type { ServicePort } from '../model'
import type { ServiceEndpoint } from '../services'

/**
 * A Kubernetes Service with its ready endpoints, as a MeshSnapshot carries it: the endpoint half of
 * the snapshot (the config half is the Istio objects). Built by kubernetesServices() from what the
 * informers keep.
 */
export interface KubernetesService {
  name: string
  namespace: string
  /** `name.namespace.svc.<cluster domain>`. */
  host: string
  /** Service ports; `name` is the Service port's name ('' when unnamed), the key of each endpoint's `ports`. */
  ports: readonly ServicePort[]
  endpoints: readonly ServiceEndpoint[]
  selector?: Record<string, string>
}

/** What the mesh reads of a Service (informer item). */
export interface KubeServiceInfo {
  uid: string
  name: string
  namespace: string
  type: string
  ports: { name: string; port: number; protocol: string }[]
  selector?: Record<string, string>
}

export interface KubeEndpointAddress {
  address: string
  ready: boolean
  zone: string
  /** The Pod behind the address (targetRef), whose labels subsets select on. */
  pod: { namespace: string; name: string } | null
}

/** One EndpointSlice, or one core/v1 Endpoints object (a group per subset): the addresses of a Service. */
export interface KubeEndpointSet {
  uid: string
  /** `EndpointSlice/ns/name` or `Endpoints/ns/name`. */
  origin: string
  namespace: string
  serviceName: string
  groups: { ports: { name: string; port: number }[]; addresses: KubeEndpointAddress[] }[]
}

/** What the mesh reads of a Pod: the labels subsets select on. */
export interface KubePodInfo {
  uid: string
  name: string
  namespace: string
  labels: Record<string, string>
  serviceAccount: string
}

export interface KubeInventory {
  services: Iterable<KubeServiceInfo>
  endpointSets: Iterable<KubeEndpointSet>
  pods: Iterable<KubePodInfo>
}
