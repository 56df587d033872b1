/**
 * The model of the objects Meshdeck reads and writes: one JSON reader, one typed reader per
 * Kubernetes kind (its kind, group, versions, plural and scope on the kind itself), and the Istio
 * kinds and specs. Pure: no I/O, no Node built-ins, nothing but types and functions of values, so
 * every other folder may build on it.
 *
 *   Pod.read(json)                          // typed Pod; absent or odd fields read as absent
 *   collectionPath(Deployment, 'shop')      // /apis/apps/v1/namespaces/shop/deployments
 *   readMeshObject(yamlDocument)            // MeshObject, or the problem that stops it
 *   selectRoute(vs.spec.http, { name: 'split' })
 *
 * Istio types are written here by hand rather than taken from @kubernetes-models/istio. That
 * package types *valid* objects (required fields, one-of unions, no room for unknown fields) as
 * nested anonymous types, and its classes bring an Ajv validator per kind and version (about
 * 230 KB minified for VirtualService + DestinationRule, 1 MB for the kinds Meshdeck reads in the
 * three versions). Meshdeck reads *unvalidated* files and cluster objects, keeps unknown fields so
 * its own validation can name them with file and line, and needs a tenth of the fields. The
 * package stays a devDependency: test/unit/model-istio-conformance.test.ts checks at compile time
 * that its v1, v1beta1 and v1alpha3 objects fit these types, so a drift from Istio's schema fails
 * `npm run typecheck`.
 */
export * from './json'
export { readListPage, readStatus, readGroupVersions, readResourceNames, type ListPage, type Status } from './api'
export { apiVersionOf, collectionPath, defineKind, type Kind, type KindInfo } from './kind'
export {
  controllerOf,
  readConditions,
  readObjectMeta,
  readObjectReference,
  type Condition,
  type ManagedFieldsEntry,
  type ObjectMeta,
  type ObjectMetaLike,
  type ObjectReference,
  type OwnerReference,
} from './meta'
export { Service, type ServicePort as KubeServicePort } from './kubernetes/service'
export { EndpointSlice, serviceNameLabel, type SliceEndpoint, type SlicePort } from './kubernetes/endpoint-slice'
export { Endpoints, type EndpointAddress, type EndpointPort } from './kubernetes/endpoints'
export { Pod, type Container, type ContainerState, type ContainerStatus } from './kubernetes/pod'
export { Node, nodeRolePrefix, type NodeResources } from './kubernetes/node'
export { Namespace } from './kubernetes/namespace'
export { KubeEvent } from './kubernetes/event'
export { Deployment, StatefulSet, ReplicaSet, DaemonSet, type Workload, type WorkloadKind, type WorkloadStatus } from './kubernetes/workloads'
export { CustomResourceDefinition, isEstablished, servedVersions } from './kubernetes/custom-resource-definition'
export * from './istio/kinds'
export type * from './istio/networking'
export type * from './istio/security'
export { objectKey, lineOfField, type MeshObject, type MeshSpecOf, type SourceLocation } from './istio/mesh-object'
export type { VirtualService, DestinationRule, ServiceEntry, WorkloadEntry, PeerAuthentication, AuthorizationPolicy } from './istio/mesh-object'
export { readMeshObject, type ReadMeshObject, type ReadProblem } from './istio/read-mesh-object'
export { readIstioResource, type IstioResource, type ResourceMeta } from './istio/resource'
export { selectRoute, routeSelectorOf, destinationKey, effectiveWeight, routeWeights, type RouteSelector } from './istio/http-route'
