import { describe, expect, it } from 'vitest'
import {
  createSnapshot,
  kubernetesServices,
  parseMeshYaml,
  readEndpointSet,
  toMeshObject,
  readPod,
  readService,
  validateMesh,
  withKubernetesServices,
  type KubernetesService,
  type MeshSnapshot,
} from '../../src/main/mesh'
import { MeshSecurityModel } from '../../src/main/security'
import { translate } from '../../src/main/xds'
import { endpointSliceObject, podObject, serviceObject } from '../support/kube-mesh-fixtures'
import { destinationRuleYaml, serviceEntryYaml, toYaml, virtualServiceYaml } from '../support/xds-mesh-fixtures'

const ns = 'shop'
const host = `reviews.${ns}.svc.cluster.local`

function reviews(): KubernetesService[] {
  return kubernetesServices({
    services: [readService(serviceObject({ name: 'reviews', namespace: ns, port: 9080 }))],
    endpointSets: [
      readEndpointSet({ ...endpointSliceObject({ name: 'reviews-v1', namespace: ns, service: 'reviews', port: 5001, addresses: [{ ip: '10.0.0.1', pod: 'reviews-v1-a', zone: 'z1' }] }) }),
      readEndpointSet({
        ...endpointSliceObject({
          name: 'reviews-v2',
          namespace: ns,
          service: 'reviews',
          port: 5002,
          apiVersion: 'discovery.k8s.io/v1beta1',
          addresses: [
            { ip: '10.0.0.2', pod: 'reviews-v2-a', zone: 'z2' },
            { ip: '10.0.0.3', pod: 'reviews-v2-b', ready: false },
          ],
        }),
      }),
    ],
    pods: [
      readPod(podObject({ name: 'reviews-v1-a', namespace: ns, labels: { app: 'reviews', version: 'v1' } })),
      readPod(podObject({ name: 'reviews-v2-a', namespace: ns, labels: { app: 'reviews', version: 'v2' } })),
      readPod(podObject({ name: 'reviews-v2-b', namespace: ns, labels: { app: 'reviews', version: 'v2' } })),
    ],
  })
}

function snapshotWith(docs: Record<string, unknown>[], services: KubernetesService[]): MeshSnapshot {
  const parsed = parseMeshYaml(toYaml(docs), 'mesh.yaml')
  expect(parsed.problems).toEqual([])
  return withKubernetesServices(createSnapshot(1, parsed.objects), 2, services)
}

type Assignment = { endpoints: { locality: { zone: string }; load_balancing_weight: { value: number }; lb_endpoints: { endpoint: { address: { socket_address: { address: string; port_value: number } } } }[] }[] }
const addresses = (a: unknown): string[] =>
  (a as Assignment).endpoints.flatMap((l) => l.lb_endpoints.map((e) => `${e.endpoint.address.socket_address.address}:${e.endpoint.address.socket_address.port_value}`)).sort()

describe('Kubernetes services and endpoints', () => {
  it('keeps only ready IP endpoints, with their slice port, zone and Pod labels', () => {
    const [service] = reviews()
    expect(service?.host).toBe(host)
    expect(service?.ports).toEqual([{ number: 9080, name: 'grpc', protocol: 'TCP' }])
    expect(service?.endpoints.map((e) => [e.address, e.ports, e.labels.version, e.locality, e.serviceAccount])).toEqual([
      ['10.0.0.1', { grpc: 5001 }, 'v1', '/z1', 'default'],
      ['10.0.0.2', { grpc: 5002 }, 'v2', '/z2', 'default'],
    ])
  })

  it('reads core/v1 Endpoints (ready addresses only), skips FQDN slices and ExternalName services', () => {
    const endpoints = readEndpointSet({
      kind: 'Endpoints',
      metadata: { name: 'ratings', namespace: ns, uid: 'e1' },
      subsets: [{ addresses: [{ ip: '10.0.1.1', targetRef: { kind: 'Pod', name: 'ratings-a' } }], notReadyAddresses: [{ ip: '10.0.1.2' }], ports: [{ name: 'grpc', port: 7000 }] }],
    })
    const fqdn = readEndpointSet(endpointSliceObject({ name: 'r-fqdn', namespace: ns, service: 'ratings', port: 7000, addressType: 'FQDN', addresses: [{ ip: 'ratings.example.com' }] }))
    const services = kubernetesServices({
      services: [readService(serviceObject({ name: 'ratings', namespace: ns, port: 7000 })), readService(serviceObject({ name: 'external', namespace: ns, port: 80, type: 'ExternalName' }))],
      endpointSets: [endpoints, fqdn],
      pods: [readPod(podObject({ name: 'ratings-a', namespace: ns, labels: { app: 'ratings' } }))],
    })
    expect(services.map((s) => s.name)).toEqual(['ratings'])
    expect(services[0]?.endpoints.map((e) => [e.address, e.ports.grpc, e.labels.app, e.origin])).toEqual([['10.0.1.1', 7000, 'ratings', `Pod/${ns}/ratings-a`]])
  })

  it('translates to listeners for every dialable name, subset clusters and weighted EDS localities', () => {
    const snapshot = snapshotWith(
      [
        destinationRuleYaml({ name: 'reviews', namespace: ns, host: 'reviews', subsets: ['v1', 'v2'] }),
        virtualServiceYaml({
          name: 'reviews',
          namespace: ns,
          hosts: ['reviews'],
          http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 20 }, { destination: { host: `reviews.${ns}`, subset: 'v2' }, weight: 80 }] }],
        }),
      ],
      reviews(),
    )
    expect(validateMesh(snapshot).filter((p) => p.severity === 'error')).toEqual([])
    const resources = translate(snapshot)
    for (const name of ['reviews:9080', `reviews.${ns}:9080`, `reviews.${ns}.svc:9080`, `${host}:9080`, 'reviews', `reviews.${ns}`]) {
      expect(resources.LDS.has(name), name).toBe(true)
    }
    const route = resources.RDS.get(`${host}:9080`) as { virtual_hosts: { routes: { route: { weighted_clusters: { clusters: unknown[] } } }[] }[] }
    expect(route.virtual_hosts[0]?.routes[0]?.route.weighted_clusters.clusters).toEqual([
      { name: `outbound|9080|v1|${host}`, weight: { value: 20 } },
      { name: `outbound|9080|v2|${host}`, weight: { value: 80 } },
    ])
    expect(addresses(resources.EDS.get(`outbound|9080||${host}`))).toEqual(['10.0.0.1:5001', '10.0.0.2:5002'])
    expect(addresses(resources.EDS.get(`outbound|9080|v1|${host}`))).toEqual(['10.0.0.1:5001'])
    expect(addresses(resources.EDS.get(`outbound|9080|v2|${host}`))).toEqual(['10.0.0.2:5002'])
    // grpc-js-xds drops a locality without a weight.
    for (const locality of (resources.EDS.get(`outbound|9080||${host}`) as Assignment).endpoints) expect(locality.load_balancing_weight.value).toBe(1)
    // Every endpoint gets a server listener for an xDS-enabled gRPC server there.
    expect(resources.LDS.has('grpc/server?xds.resource.listening_address=10.0.0.2:5002')).toBe(true)
  })

  it('does not send an endpoint on a port its slice does not list', () => {
    const services = kubernetesServices({
      services: [readService({ metadata: { name: 'two', namespace: ns }, spec: { ports: [{ name: 'grpc', port: 9080 }, { name: 'admin', port: 9090 }] } })],
      endpointSets: [readEndpointSet(endpointSliceObject({ name: 'two-a', namespace: ns, service: 'two', port: 5001, addresses: [{ ip: '10.0.2.1' }] }))],
      pods: [],
    })
    const resources = translate(snapshotWith([], services))
    expect(addresses(resources.EDS.get(`outbound|9080||two.${ns}.svc.cluster.local`))).toEqual(['10.0.2.1:5001'])
    expect(addresses(resources.EDS.get(`outbound|9090||two.${ns}.svc.cluster.local`))).toEqual([])
  })

  it('lets a ServiceEntry declaring the same host win over the Kubernetes Service', () => {
    const snapshot = snapshotWith([serviceEntryYaml({ name: 'reviews', namespace: ns, host, port: 9080 })], reviews())
    const resources = translate(snapshot)
    // The ServiceEntry selects WorkloadEntries (none here), so its cluster has no Kubernetes endpoints.
    expect(addresses(resources.EDS.get(`outbound|9080||${host}`))).toEqual([])
  })

  it('reports a subset no Kubernetes Service has as an error, like for a ServiceEntry', () => {
    const snapshot = snapshotWith(
      [virtualServiceYaml({ name: 'reviews', namespace: ns, hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v9' } }] }] })],
      reviews(),
    )
    expect(validateMesh(snapshot).filter((p) => p.severity === 'error').map((p) => p.field)).toContain('spec.http[0].route[0].destination.subset')
  })

  it('reads a cluster object into a MeshObject, or names its kind, namespace, name and field when it cannot (no file, no line)', () => {
    const good = toMeshObject(virtualServiceYaml({ name: 'reviews', namespace: ns, hosts: ['reviews'], http: [] }))
    expect('object' in good && good.object).toMatchObject({ kind: 'VirtualService', namespace: ns, name: 'reviews' })
    expect('object' in good && good.object.source).toBeUndefined()
    const broken = toMeshObject({ apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'reviews', namespace: ns }, spec: 'oops' })
    expect('problem' in broken && broken.problem).toEqual({
      severity: 'error',
      kind: 'VirtualService',
      namespace: ns,
      name: 'reviews',
      field: 'spec',
      message: 'spec is missing or not a mapping.',
      hint: 'Add the spec of the object.',
    })
  })

  it('gives Kubernetes endpoints the SPIFFE identity of their Pod\'s service account, so ISTIO_MUTUAL clients accept only them', () => {
    const snapshot = snapshotWith([destinationRuleYaml({ name: 'reviews', namespace: ns, host: 'reviews', subsets: ['v1', 'v2'] })], reviews())
    const security = new MeshSecurityModel(snapshot, { trustDomain: 'cluster.local' })
    expect(security.serverIdentities({ host, namespace: ns, port: 9080, subset: 'v1' })).toEqual([`spiffe://cluster.local/ns/${ns}/sa/default`])
  })
})
