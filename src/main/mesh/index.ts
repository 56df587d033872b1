/**
 * Mesh config, the pure part: Istio objects, the immutable versioned MeshSnapshot, validation that
 * names every field proxyless gRPC cannot honour, and the interfaces config sources implement.
 * The sources themselves (a watched folder, a cluster's CRDs and endpoints) are in ./io.
 *
 *   validateMesh(snapshot)                 // object/field/hint problems
 *   guardSnapshot(candidate, lastGood)     // what can be served when some objects are invalid
 *   resolveServices(snapshot)              // the services clients can dial, with their endpoints
 */
export type {
  MeshKind,
  MeshObject,
  SourceLocation,
  VirtualService,
  DestinationRule,
  ServiceEntry,
  WorkloadEntry,
  VirtualServiceSpec,
  DestinationRuleSpec,
  ServiceEntrySpec,
  WorkloadEntrySpec,
  HttpRoute,
  HttpRouteDestination,
  HttpMatchRequest,
  StringMatch,
  TrafficPolicy,
  OutlierDetection,
  ConsistentHash,
  Subset,
  ServicePort,
} from './model'
export { meshKinds, objectKey, lineOfField } from './model'
export { problemCodes, type ProblemCode } from './problem-codes'
export { createSnapshot, emptySnapshot, withKubernetesServices, type MeshSnapshot } from './snapshot'
export { parseMeshYaml, type ParsedFile } from './parse-yaml'
export { validateMesh, grpcStatusCodes, grpcRetryOn } from './validate'
export { hasErrors, formatProblem, type MeshProblem } from './problems'
export { parseDuration, toProtoDuration } from './duration'
export {
  resolveServices,
  findService,
  endpointPort,
  endpointServes,
  endpointInSubset,
  destinationRuleFor,
  destinationRulesByHost,
  type MeshService,
  type ServiceEndpoint,
} from './services'
export { maxMeshFileBytes, maxYamlAliasExpansions, meshFileReadTimeoutMs, meshFileParseTimeoutMs } from './limits'
export type {
  MeshConfigSource,
  MeshSourceUpdate,
  MeshSourceInfo,
  MeshEndpointSource,
  MeshEndpointsUpdate,
  MeshSourceFactory,
  MeshEndpointSourceFactory,
} from './source'
export { toMeshObject, type ConvertedObject } from './to-mesh-object'
export { kubernetesServices, defaultClusterDomain } from './kubernetes/services'
export { readService, readEndpointSet, readPod } from './kubernetes/read-objects'
export type { KubernetesService, KubeInventory, KubeServiceInfo, KubeEndpointSet, KubePodInfo } from './kubernetes/model'
export { guardSnapshot, type GuardedSnapshot } from './last-good'
export type {
  MeshSecurity,
  WorkloadAuthorization,
  PolicyModel,
  RuleModel,
  FieldMatch,
  ValueMatcher,
  SourceField,
  OperationField,
} from './security-decisions'
