import { isIP } from '../../lib/ip-address'
import { EndpointSlice, Endpoints, Pod, Service, serviceNameLabel, type JsonObject, type ObjectReference } from '../../model'
import type { KubeEndpointAddress, KubeEndpointSet, KubePodInfo, KubeServiceInfo } from './model'

/*
 * Kubernetes API JSON → the compact items the mesh's informers keep. Pure. The model reads the
 * objects (EndpointSlice discovery.k8s.io/v1 and v1beta1, core/v1 Endpoints); this keeps what the
 * mesh needs, with the API's defaults for what a manifest may leave out.
 */

function podRef(ref: ObjectReference | undefined, fallbackNamespace: string): KubeEndpointAddress['pod'] {
  return ref?.kind === 'Pod' && ref.name ? { namespace: ref.namespace ?? fallbackNamespace, name: ref.name } : null
}

export function readService(o: JsonObject): KubeServiceInfo {
  const { metadata: m, spec } = Service.read(o)
  return {
    uid: m.uid,
    name: m.name,
    namespace: m.namespace ?? 'default',
    type: spec.type ?? 'ClusterIP',
    ports: spec.ports.map((p) => ({ name: p.name ?? '', port: p.port ?? 0, protocol: p.protocol ?? 'TCP' })),
    ...(Object.keys(spec.selector).length > 0 ? { selector: spec.selector } : {}),
  }
}

/** `kind` is set by the informer (list items carry none): EndpointSlice or Endpoints. */
export function readEndpointSet(o: JsonObject): KubeEndpointSet {
  return o.kind === 'Endpoints' ? readEndpoints(o) : readEndpointSlice(o)
}

function readEndpointSlice(o: JsonObject): KubeEndpointSet {
  const slice = EndpointSlice.read(o)
  const m = slice.metadata
  const namespace = m.namespace ?? 'default'
  // Only IP slices: an FQDN slice names hosts that gRPC would have to resolve itself.
  const ipSlice = slice.addressType === 'IPv4' || slice.addressType === 'IPv6'
  const addresses: KubeEndpointAddress[] = []
  for (const endpoint of ipSlice ? slice.endpoints : []) {
    // The API says an unset `ready` means "unknown", to be treated as ready.
    const ready = endpoint.conditions.ready !== false
    const zone = endpoint.zone ?? ''
    const pod = podRef(endpoint.targetRef, namespace)
    for (const address of endpoint.addresses) if (isIP(address) !== 0) addresses.push({ address, ready, zone, pod })
  }
  const ports = slice.ports.flatMap((p) => (p.port !== undefined ? [{ name: p.name ?? '', port: p.port }] : []))
  return {
    uid: m.uid,
    origin: `EndpointSlice/${namespace}/${m.name}`,
    namespace,
    serviceName: m.labels[serviceNameLabel] ?? '',
    groups: [{ ports, addresses }],
  }
}

function readEndpoints(o: JsonObject): KubeEndpointSet {
  const { metadata: m, subsets } = Endpoints.read(o)
  const namespace = m.namespace ?? 'default'
  const groups = subsets.map((subset) => {
    const read = (list: typeof subset.addresses, ready: boolean): KubeEndpointAddress[] =>
      list.flatMap((a) => (a.ip !== undefined && isIP(a.ip) !== 0 ? [{ address: a.ip, ready, zone: '', pod: podRef(a.targetRef, namespace) }] : []))
    return {
      ports: subset.ports.flatMap((p) => (p.port !== undefined ? [{ name: p.name ?? '', port: p.port }] : [])),
      addresses: [...read(subset.addresses, true), ...read(subset.notReadyAddresses, false)],
    }
  })
  // Endpoints share their Service's name.
  return { uid: m.uid, origin: `Endpoints/${namespace}/${m.name}`, namespace, serviceName: m.name, groups }
}

export function readPod(o: JsonObject): KubePodInfo {
  const { metadata: m, spec } = Pod.read(o)
  return { uid: m.uid, name: m.name, namespace: m.namespace ?? 'default', labels: m.labels, serviceAccount: spec.serviceAccountName ?? 'default' }
}
