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
  Subset,
  ServicePort,
} from './model'
export { meshKinds, objectKey } from './model'
export { createSnapshot, emptySnapshot, type MeshSnapshot } from './snapshot'
export { parseMeshYaml, type ParsedFile } from './parse-yaml'
export { validateMesh, grpcStatusCodes, grpcRetryOn } from './validate'
export { hasErrors, formatProblem, type MeshProblem } from './problems'
export { parseDuration, toProtoDuration } from './duration'
export {
  resolveServices,
  findService,
  endpointPort,
  endpointInSubset,
  destinationRuleFor,
  type MeshService,
  type ServiceEndpoint,
} from './services'
export {
  DirectorySource,
  startDirectorySource,
  type DirectorySourceOptions,
  type MeshConfigSource,
  type MeshSourceUpdate,
} from './directory-source'
export { guardSnapshot, type GuardedSnapshot } from './last-good'
