import type { ServiceEndpoint } from '../services'
import type { KubeInventory, KubePodInfo, KubernetesService } from './model'

export const defaultClusterDomain = 'cluster.local'

/**
 * Kubernetes Services + their EndpointSlices (or Endpoints) + Pods → services with ready endpoints.
 * Pure. An endpoint carries its Pod's labels (DestinationRule subsets select on them); an address
 * whose Pod is not known yet carries none, so it serves the service but no subset until the Pod
 * arrives. ExternalName Services have no endpoints to route to and are left out.
 */
export function kubernetesServices(inventory: KubeInventory, clusterDomain = defaultClusterDomain): KubernetesService[] {
  const pods = new Map<string, KubePodInfo>()
  for (const pod of inventory.pods) pods.set(`${pod.namespace}/${pod.name}`, pod)
  const setsByService = new Map<string, ServiceEndpoint[]>()
  for (const set of inventory.endpointSets) {
    if (!set.serviceName) continue
    const key = `${set.namespace}/${set.serviceName}`
    const endpoints = setsByService.get(key) ?? []
    for (const group of set.groups) {
      const ports = Object.fromEntries(group.ports.map((p) => [p.name, p.port]))
      for (const address of group.addresses) {
        if (!address.ready) continue
        const pod = address.pod ? pods.get(`${address.pod.namespace}/${address.pod.name}`) : undefined
        endpoints.push({
          address: address.address,
          namespace: address.pod?.namespace ?? set.namespace,
          ports,
          labels: pod ? { ...pod.labels } : {},
          locality: address.zone ? `/${address.zone}` : '',
          weight: 1,
          ...(pod ? { serviceAccount: pod.serviceAccount } : {}),
          origin: address.pod ? `Pod/${address.pod.namespace}/${address.pod.name}` : set.origin,
          listedPortsOnly: true,
        })
      }
    }
    setsByService.set(key, endpoints)
  }
  const out: KubernetesService[] = []
  for (const service of inventory.services) {
    if (service.type === 'ExternalName') continue
    const endpoints = (setsByService.get(`${service.namespace}/${service.name}`) ?? []).sort(
      (a, b) => a.address.localeCompare(b.address) || a.origin.localeCompare(b.origin),
    )
    out.push({
      name: service.name,
      namespace: service.namespace,
      host: `${service.name}.${service.namespace}.svc.${clusterDomain}`,
      ports: service.ports.filter((p) => p.port > 0).map((p) => ({ number: p.port, name: p.name, protocol: p.protocol })),
      endpoints,
      ...(service.selector ? { selector: { ...service.selector } } : {}),
    })
  }
  return out.sort((a, b) => a.host.localeCompare(b.host))
}
