import { isIP } from '../../lib/ip-address'
import type { KubeEndpointAddress, KubeEndpointSet, KubePodInfo, KubeServiceInfo } from './model'

/*
 * Kubernetes API JSON → the compact items the mesh's informers keep. Pure. Reads EndpointSlice
 * discovery.k8s.io/v1 and v1beta1 (zone moved from `topology` to `zone`) and core/v1 Endpoints.
 */

type Obj = Record<string, unknown>
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {})
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : [])
const str = (v: unknown): string => (typeof v === 'string' ? v : '')
const strMap = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [k, val] of Object.entries(obj(v))) if (typeof val === 'string') out[k] = val
  return out
}

function meta(o: Obj): { uid: string; name: string; namespace: string; labels: Record<string, string> } {
  const m = obj(o.metadata)
  return { uid: str(m.uid), name: str(m.name), namespace: str(m.namespace) || 'default', labels: strMap(m.labels) }
}

function podRef(ref: unknown, fallbackNamespace: string): KubeEndpointAddress['pod'] {
  const r = obj(ref)
  return str(r.kind) === 'Pod' && str(r.name) ? { namespace: str(r.namespace) || fallbackNamespace, name: str(r.name) } : null
}

export function readService(o: Obj): KubeServiceInfo {
  const m = meta(o)
  const spec = obj(o.spec)
  const selector = strMap(spec.selector)
  return {
    uid: m.uid,
    name: m.name,
    namespace: m.namespace,
    type: str(spec.type) || 'ClusterIP',
    ports: arr(spec.ports).map((p) => ({ name: str(p.name), port: typeof p.port === 'number' ? p.port : 0, protocol: str(p.protocol) || 'TCP' })),
    ...(Object.keys(selector).length > 0 ? { selector } : {}),
  }
}

/** `kind` is set by the informer (list items carry none): EndpointSlice or Endpoints. */
export function readEndpointSet(o: Obj): KubeEndpointSet {
  return str(o.kind) === 'Endpoints' ? readEndpoints(o) : readEndpointSlice(o)
}

function readEndpointSlice(o: Obj): KubeEndpointSet {
  const m = meta(o)
  // Only IP slices: an FQDN slice names hosts that gRPC would have to resolve itself.
  const ipSlice = str(o.addressType) === 'IPv4' || str(o.addressType) === 'IPv6'
  const addresses: KubeEndpointAddress[] = []
  for (const endpoint of ipSlice ? arr(o.endpoints) : []) {
    const conditions = obj(endpoint.conditions)
    // The API says an unset `ready` means "unknown", to be treated as ready.
    const ready = conditions.ready !== false
    const zone = str(endpoint.zone) || str(obj(endpoint.topology)['topology.kubernetes.io/zone'])
    const pod = podRef(endpoint.targetRef, m.namespace)
    for (const address of Array.isArray(endpoint.addresses) ? endpoint.addresses : []) {
      if (typeof address === 'string' && isIP(address) !== 0) addresses.push({ address, ready, zone, pod })
    }
  }
  const ports = arr(o.ports).flatMap((p) => (typeof p.port === 'number' ? [{ name: str(p.name), port: p.port }] : []))
  return {
    uid: m.uid,
    origin: `EndpointSlice/${m.namespace}/${m.name}`,
    namespace: m.namespace,
    serviceName: m.labels['kubernetes.io/service-name'] ?? '',
    groups: [{ ports, addresses }],
  }
}

function readEndpoints(o: Obj): KubeEndpointSet {
  const m = meta(o)
  const groups = arr(o.subsets).map((subset) => {
    const read = (list: unknown, ready: boolean): KubeEndpointAddress[] =>
      arr(list).flatMap((a) => (isIP(str(a.ip)) !== 0 ? [{ address: str(a.ip), ready, zone: '', pod: podRef(a.targetRef, m.namespace) }] : []))
    return {
      ports: arr(subset.ports).flatMap((p) => (typeof p.port === 'number' ? [{ name: str(p.name), port: p.port }] : [])),
      addresses: [...read(subset.addresses, true), ...read(subset.notReadyAddresses, false)],
    }
  })
  // Endpoints share their Service's name.
  return { uid: m.uid, origin: `Endpoints/${m.namespace}/${m.name}`, namespace: m.namespace, serviceName: m.name, groups }
}

export function readPod(o: Obj): KubePodInfo {
  const m = meta(o)
  return { uid: m.uid, name: m.name, namespace: m.namespace, labels: m.labels, serviceAccount: str(obj(o.spec).serviceAccountName) || 'default' }
}
