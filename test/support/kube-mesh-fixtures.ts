/** Kubernetes objects for mesh tests, as kubectl would send them (Service, EndpointSlice, Endpoints, Pod). */

export function serviceObject(opts: { name: string; namespace: string; port: number; portName?: string; uid?: string; type?: string }): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: opts.name, namespace: opts.namespace, ...(opts.uid ? { uid: opts.uid } : {}) },
    spec: {
      ...(opts.type ? { type: opts.type } : {}),
      ...(opts.type === 'ExternalName' ? { externalName: 'example.com' } : { selector: { app: opts.name } }),
      ports: [{ name: opts.portName ?? 'grpc', port: opts.port, protocol: 'TCP', targetPort: opts.port }],
    },
  }
}

export interface SliceAddress {
  ip: string
  pod?: string
  ready?: boolean
  zone?: string
}

/** An EndpointSlice of one Service; discovery.k8s.io/v1 (`zone`) or v1beta1 (`topology`). */
export function endpointSliceObject(opts: {
  name: string
  namespace: string
  service: string
  port: number
  portName?: string
  addresses: SliceAddress[]
  apiVersion?: 'discovery.k8s.io/v1' | 'discovery.k8s.io/v1beta1'
  addressType?: string
  uid?: string
}): Record<string, unknown> {
  const beta = opts.apiVersion === 'discovery.k8s.io/v1beta1'
  return {
    apiVersion: opts.apiVersion ?? 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: opts.name, namespace: opts.namespace, labels: { 'kubernetes.io/service-name': opts.service }, ...(opts.uid ? { uid: opts.uid } : {}) },
    addressType: opts.addressType ?? 'IPv4',
    ports: [{ name: opts.portName ?? 'grpc', port: opts.port, protocol: 'TCP' }],
    endpoints: opts.addresses.map((a) => ({
      addresses: [a.ip],
      conditions: a.ready === undefined ? {} : { ready: a.ready },
      ...(a.pod ? { targetRef: { kind: 'Pod', name: a.pod, namespace: opts.namespace } } : {}),
      ...(a.zone ? (beta ? { topology: { 'topology.kubernetes.io/zone': a.zone } } : { zone: a.zone }) : {}),
    })),
  }
}

export function podObject(opts: { name: string; namespace: string; labels: Record<string, string>; uid?: string }): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: opts.name, namespace: opts.namespace, labels: opts.labels, ...(opts.uid ? { uid: opts.uid } : {}) },
    spec: { containers: [{ name: 'app', image: 'meshdeck/test:0' }] },
  }
}

/** What seeding needs of a kube client (src/main/cluster's KubeClient). */
interface KubeWriter {
  json(method: 'POST', path: string, body: unknown): Promise<unknown>
}

/** The EndpointSlice collection of a namespace on the test apiserver (Kubernetes 1.20: v1beta1). */
export const endpointSlicesPath = (namespace: string): string => `/apis/discovery.k8s.io/v1beta1/namespaces/${namespace}/endpointslices`

/**
 * A namespace with Service `reviews` (port 9080) and, per version, a Pod labelled app/version and
 * an EndpointSlice `reviews-<version>` pointing at that version's backend on 127.0.0.1 — what the
 * cluster mesh tests route between.
 */
export async function seedReviewsService(kube: KubeWriter, namespace: string, backends: Record<string, { port: number }>): Promise<void> {
  await kube.json('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } })
  await kube.json('POST', `/api/v1/namespaces/${namespace}/services`, serviceObject({ name: 'reviews', namespace, port: 9080 }))
  for (const [version, backend] of Object.entries(backends)) {
    const name = `reviews-${version}`
    await kube.json('POST', `/api/v1/namespaces/${namespace}/pods`, podObject({ name, namespace, labels: { app: 'reviews', version } }))
    await kube.json(
      'POST',
      endpointSlicesPath(namespace),
      endpointSliceObject({ name, namespace, service: 'reviews', port: backend.port, apiVersion: 'discovery.k8s.io/v1beta1', addresses: [{ ip: '127.0.0.1', pod: name, ready: true }] }),
    )
  }
}
