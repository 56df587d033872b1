import {
  destinationRuleFor,
  parseDuration,
  toProtoDuration,
  type DestinationRule,
  type MeshService,
  type Subset,
  type TrafficPolicy,
} from '../../mesh'
import type { XdsResource } from '../resource-types'
import { clusterName } from './names'
import { upstreamTransportSocket, type MeshSecurity } from './security'

/** A subset's policy overrides the rule's per top-level field, as in Istio. */
function effectivePolicy(rule: DestinationRule | undefined, subset: Subset | undefined): TrafficPolicy {
  return { ...(rule?.spec.trafficPolicy ?? {}), ...(subset?.trafficPolicy ?? {}) }
}

interface ClusterMtls {
  security: MeshSecurity
  serverIdentities: string[]
}

function cluster(name: string, policy: TrafficPolicy, loadReporting: boolean, mtls: ClusterMtls | undefined): XdsResource {
  const resource: XdsResource = {
    name,
    type: 'EDS',
    eds_cluster_config: { eds_config: { ads: {}, resource_api_version: 'V3' }, service_name: name },
    lb_policy: policy.loadBalancer?.consistentHash ? 'RING_HASH' : 'ROUND_ROBIN',
  }
  const maxRequests = policy.connectionPool?.http?.http2MaxRequests
  if (maxRequests !== undefined) {
    resource.circuit_breakers = { thresholds: [{ priority: 'DEFAULT', max_requests: { value: maxRequests } }] }
  }
  const od = policy.outlierDetection
  if (od) {
    const interval = parseDuration(od.interval)
    const ejection = parseDuration(od.baseEjectionTime)
    const volume = od.consecutive5xxErrors ?? od.consecutiveGatewayErrors
    // gRPC implements success-rate and failure-percentage ejection only; Istio's consecutive-error
    // count becomes the request volume of a 50 % failure-percentage rule (validation warns).
    resource.outlier_detection = {
      ...(interval !== null ? { interval: toProtoDuration(interval) } : {}),
      ...(ejection !== null ? { base_ejection_time: toProtoDuration(ejection) } : {}),
      ...(od.maxEjectionPercent !== undefined ? { max_ejection_percent: { value: od.maxEjectionPercent } } : {}),
      enforcing_success_rate: { value: 0 },
      ...(volume !== undefined
        ? {
            enforcing_failure_percentage: { value: 100 },
            failure_percentage_threshold: { value: 50 },
            failure_percentage_request_volume: { value: volume },
            failure_percentage_minimum_hosts: { value: 1 },
          }
        : {}),
    }
  }
  if (loadReporting) resource.lrs_server = { self: {} }
  if (mtls) resource.transport_socket = upstreamTransportSocket(mtls.security, mtls.serverIdentities)
  return resource
}

/** A default cluster per service port plus one per DestinationRule subset, named `outbound|port|subset|host`. */
export function clusters(
  services: readonly MeshService[],
  rules: readonly DestinationRule[],
  loadReporting: boolean,
  security?: MeshSecurity,
): Map<string, XdsResource> {
  const out = new Map<string, XdsResource>()
  for (const service of services) {
    const rule = destinationRuleFor(rules, services, service)
    for (const port of service.ports) {
      const mtls = (subset?: string): ClusterMtls | undefined => {
        const destination = { host: service.host, namespace: service.namespace, port: port.number, subset }
        if (!security?.clientMtls(destination)) return undefined
        return { security, serverIdentities: security.serverIdentities?.(destination) ?? [] }
      }
      const base = clusterName(port.number, undefined, service.host)
      out.set(base, cluster(base, effectivePolicy(rule, undefined), loadReporting, mtls()))
      for (const subset of rule?.spec.subsets ?? []) {
        const name = clusterName(port.number, subset.name, service.host)
        out.set(name, cluster(name, effectivePolicy(rule, subset), loadReporting, mtls(subset.name)))
      }
    }
  }
  return out
}
