import type { KubeClient } from '../../../cluster/io'
import type { MeshEndpointSourceFactory, MeshSourceFactory } from '../../source'
import { IstioCrdSource } from './crd-source'
import { KubeEndpointSource } from './endpoint-source'
import { refuseIfIstiod } from './istiod'

export interface ClusterMeshOptions {
  client: KubeClient
  /** The kubeconfig context, named in status and messages. */
  context: string
  clusterDomain?: string
}

/**
 * The two halves of a cluster's mesh for the control plane: config from its Istio CRDs (or none
 * when they are absent) and endpoints from its Services, EndpointSlices and Pods. Both refuse a
 * cluster that runs istiod (checked once).
 */
export function clusterMeshSources(options: ClusterMeshOptions): { source: MeshSourceFactory; endpoints: MeshEndpointSourceFactory } {
  let preflight: Promise<void> | undefined
  const checked = (): Promise<void> => (preflight ??= refuseIfIstiod(options.client, options.context))
  return {
    source: async ({ onChange, debounceMs }) => {
      await checked()
      const source = new IstioCrdSource({ client: options.client, context: options.context, onChange, debounceMs })
      await startOrDispose(source)
      return source
    },
    endpoints: async ({ onChange, debounceMs }) => {
      await checked()
      const source = new KubeEndpointSource({ client: options.client, context: options.context, clusterDomain: options.clusterDomain, onChange, debounceMs })
      await startOrDispose(source)
      return source
    },
  }
}

async function startOrDispose(source: { start(): Promise<void>; dispose(): void }): Promise<void> {
  try {
    await source.start()
  } catch (err) {
    source.dispose()
    throw err
  }
}
