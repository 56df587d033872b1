/**
 * Mesh config: Istio objects from a source (a watched folder of YAML today), the immutable
 * versioned MeshSnapshot, and validation that names every field proxyless gRPC cannot honour.
 *
 *   const source = await startDirectorySource({ dir, onChange: ({ snapshot, problems }) => … })
 *   source.current()                       // latest { snapshot, problems } (file/line problems)
 *   validateMesh(snapshot)                 // pure: object/field/hint problems
 *   guardSnapshot(candidate, lastGood)     // pure: what can be served when some objects are invalid
 *   await source.dispose()
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
  TrafficPolicy,
  OutlierDetection,
  ConsistentHash,
  Subset,
  ServicePort,
} from './model'
export { meshKinds, objectKey } from './model'
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
  type MeshService,
  type ServiceEndpoint,
} from './services'
export { DirectorySource, startDirectorySource, type DirectorySourceOptions } from './io/directory-source'
export { maxMeshFileBytes, maxYamlAliasExpansions, meshFileReadTimeoutMs, meshFileParseTimeoutMs } from './limits'
export { MeshYamlParser } from './io/yaml-worker'
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
export { clusterMeshSources, type ClusterMeshOptions } from './io/kubernetes/cluster-sources'
export { IstioCrdSource, istioResources, istioVersions, type IstioCrdSourceOptions } from './io/kubernetes/crd-source'
export { KubeEndpointSource, type KubeEndpointSourceOptions } from './io/kubernetes/endpoint-source'
export { refuseIfIstiod } from './io/kubernetes/istiod'
export { ApiDiscovery, type ServedResource } from './io/kubernetes/api-discovery'
