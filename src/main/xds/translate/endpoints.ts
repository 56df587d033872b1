import {
  destinationRuleFor,
  endpointInSubset,
  endpointPort,
  endpointServes,
  type DestinationRule,
  type MeshService,
  type ServiceEndpoint,
  type ServicePort,
  type Subset,
} from '../../mesh'
import type { XdsResource } from '../resource-types'
import { clusterName } from './names'

function locality(text: string): Record<string, string> {
  const [region = '', zone = '', subZone = ''] = text.split('/')
  return { region, zone, sub_zone: subZone }
}

/**
 * Endpoints grouped by locality. gRPC drops a locality without a weight, so each carries the sum
 * of its endpoints' weights; duplicate addresses are sent once (gRPC rejects the whole resource).
 */
function loadAssignment(name: string, endpoints: readonly ServiceEndpoint[], port: ServicePort, subset: Subset | undefined): XdsResource {
  const byLocality = new Map<string, { weight: number; lb: XdsResource[] }>()
  const seen = new Set<string>()
  for (const endpoint of endpoints) {
    if (!endpointInSubset(endpoint, subset) || !endpointServes(endpoint, port)) continue
    const portValue = endpointPort(endpoint, port)
    const key = `${endpoint.address}:${portValue}`
    if (seen.has(key)) continue
    seen.add(key)
    const group = byLocality.get(endpoint.locality) ?? { weight: 0, lb: [] }
    group.weight += endpoint.weight
    group.lb.push({
      endpoint: { address: { socket_address: { address: endpoint.address, port_value: portValue } } },
      load_balancing_weight: { value: endpoint.weight },
      health_status: 'HEALTHY',
    })
    byLocality.set(endpoint.locality, group)
  }
  return {
    cluster_name: name,
    endpoints: [...byLocality.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([where, group]) => ({
        locality: locality(where),
        load_balancing_weight: { value: group.weight },
        priority: 0,
        lb_endpoints: group.lb,
      })),
  }
}

/** One ClusterLoadAssignment per cluster, named like the cluster (its eds service_name). */
export function loadAssignments(services: readonly MeshService[], rules: readonly DestinationRule[]): Map<string, XdsResource> {
  const out = new Map<string, XdsResource>()
  for (const service of services) {
    const rule = destinationRuleFor(rules, services, service)
    for (const port of service.ports) {
      const base = clusterName(port.number, undefined, service.host)
      out.set(base, loadAssignment(base, service.endpoints, port, undefined))
      for (const subset of rule?.spec.subsets ?? []) {
        const name = clusterName(port.number, subset.name, service.host)
        out.set(name, loadAssignment(name, service.endpoints, port, subset))
      }
    }
  }
  return out
}
