import {
  destinationRuleFor,
  parseDuration,
  toProtoDuration,
  type DestinationRule,
  type MeshService,
  type OutlierDetection,
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

/** Outlier detection that ejects nothing, in gRPC (success rate off, failure percentage unset) and in Envoy alike. */
function outlierDetectionOff(): XdsResource {
  return { enforcing_success_rate: { value: 0 }, enforcing_consecutive_5xx: { value: 0 }, enforcing_consecutive_gateway_failure: { value: 0 } }
}

/**
 * gRPC implements success-rate and failure-percentage ejection only; Istio's consecutive-error
 * count becomes the request volume of a 50 % failure-percentage rule (validation warns).
 */
function outlierDetection(od: OutlierDetection): XdsResource {
  const interval = parseDuration(od.interval)
  const ejection = parseDuration(od.baseEjectionTime)
  const volume = od.consecutive5xxErrors ?? od.consecutiveGatewayErrors
  return {
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

interface ClusterMtls {
  security: MeshSecurity
  serverIdentities: string[]
}

function cluster(name: string, policy: TrafficPolicy, loadReporting: boolean, mtls: ClusterMtls | undefined): XdsResource {
  const resource: XdsResource = {
    name,
    type: 'EDS',
    eds_cluster_config: { eds_config: { ads: {}, resource_api_version: 'V3' }, service_name: name },
    lb_policy: 'ROUND_ROBIN',
  }
  const hash = policy.loadBalancer?.consistentHash
  if (hash) {
    // istiod's ApplyRingHashLoadBalancer: a ring, sized as written (gRPC's default is istiod's 1024).
    resource.lb_policy = 'RING_HASH'
    const minimumRingSize = hash.ringHash?.minimumRingSize ?? hash.minimumRingSize
    if (minimumRingSize) resource.ring_hash_lb_config = { minimum_ring_size: { value: minimumRingSize } }
  }
  const maxRequests = policy.connectionPool?.http?.http2MaxRequests
  if (maxRequests !== undefined) {
    resource.circuit_breakers = { thresholds: [{ priority: 'DEFAULT', max_requests: { value: maxRequests } }] }
  }
  // Always sent, switched off when the policy has none: grpc-js-xds 1.14.1 compares a new cluster
  // only on the keys the one it holds has, and without outlier_detection its copy lacks them, so
  // outlier detection added later would be ACKed and ignored (docs/proxyless-grpc-notes.md).
  resource.outlier_detection = policy.outlierDetection ? outlierDetection(policy.outlierDetection) : outlierDetectionOff()
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
