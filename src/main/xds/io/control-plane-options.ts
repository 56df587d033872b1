import { clientForContext } from '../../cluster/io'
import type { MeshEndpointSourceFactory, MeshSourceFactory } from '../../mesh'
import { clusterMeshSources } from '../../mesh/io'
import type { ControlPlaneOptions } from './control-plane'

export interface ControlPlaneChoice {
  /** Folder of Istio YAML: the config source (and, with meshContext, still the config). */
  meshDir?: string
  /** Kubeconfig context whose cluster the control plane serves: its Services and endpoints, and its Istio CRDs unless meshDir is set. */
  meshContext?: string
  kubeconfig?: string
  port: number
}

/**
 * Which sources the embedded control plane serves: a folder, a cluster, or a folder's config over a
 * cluster's endpoints. Null when neither is asked for (the control plane stays off). The cluster
 * client is made when the control plane starts, so a bad context shows as its failure, with a hint.
 */
export function controlPlaneOptions(choice: ControlPlaneChoice): ControlPlaneOptions | null {
  const { meshDir, meshContext, kubeconfig, port } = choice
  if (!meshContext) return meshDir ? { meshDir, port } : null
  const cluster = clusterSourceFactories(meshContext, kubeconfig)
  return { port, meshDir, ...(meshDir ? {} : { source: cluster.source }), endpoints: cluster.endpoints }
}

/**
 * A context's config and endpoint source factories, sharing one client (made from the kubeconfig
 * on first use, so a bad context fails the start with its hint) and one istiod check.
 */
export function clusterSourceFactories(context: string, kubeconfig: string | undefined): { source: MeshSourceFactory; endpoints: MeshEndpointSourceFactory } {
  let cluster: Promise<ReturnType<typeof clusterMeshSources>> | undefined
  const sources = (): Promise<ReturnType<typeof clusterMeshSources>> =>
    (cluster ??= clientForContext(context, kubeconfig).then((client) => clusterMeshSources({ client, context })))
  return {
    source: async (hooks) => (await sources()).source(hooks),
    endpoints: async (hooks) => (await sources()).endpoints(hooks),
  }
}
