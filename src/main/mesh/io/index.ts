/**
 * Mesh config sources, the I/O part of mesh/: a watched folder of YAML (parsed in a worker when
 * big) and a cluster's Istio CRDs and endpoints through informers.
 *
 *   const source = await startDirectorySource({ dir, onChange: ({ snapshot, problems }) => … })
 *   source.current()                       // latest { snapshot, problems } (file/line problems)
 *   await source.dispose()
 */
export { DirectorySource, startDirectorySource, type DirectorySourceOptions } from './directory-source'
export { MeshYamlParser } from './yaml-worker'
export { clusterMeshSources, type ClusterMeshOptions } from './kubernetes/cluster-sources'
export { IstioCrdSource, istioResources, istioVersions, type IstioCrdSourceOptions } from './kubernetes/crd-source'
export { KubeEndpointSource, type KubeEndpointSourceOptions } from './kubernetes/endpoint-source'
export { refuseIfIstiod } from './kubernetes/istiod'
export { ApiDiscovery, type ServedResource } from './kubernetes/api-discovery'
export { readClusterMesh, type ClusterMesh } from './kubernetes/read-cluster-mesh'
export { readMeshFile, isMeshFileName, type MeshFileRead } from './read-mesh-file'
