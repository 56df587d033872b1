/**
 * The Istio objects Meshdeck's embedded control plane understands. They are defined once, in the
 * model (src/main/model/istio); the mesh names them here for its own files and its public entry.
 */
export type {
  MeshKind,
  SecurityKind,
  SourceLocation,
  MeshObject,
  MeshSpecOf,
  StringMatch,
  HttpMatchRequest,
  Destination,
  HttpRouteDestination,
  Percent,
  HttpFaultInjection,
  HttpRetry,
  HttpRoute,
  VirtualServiceSpec,
  ConsistentHash,
  LoadBalancerSettings,
  OutlierDetection,
  TrafficPolicy,
  Subset,
  DestinationRuleSpec,
  ServicePort,
  WorkloadEntrySpec,
  ServiceEntrySpec,
  VirtualService,
  DestinationRule,
  ServiceEntry,
  WorkloadEntry,
  PeerAuthentication,
  AuthorizationPolicy,
} from '../model'
export { meshKinds, securityKinds, objectKey, lineOfField } from '../model'
