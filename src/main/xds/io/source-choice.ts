import { MeshdeckError, type ControlPlaneSourceChoice } from '@shared/contract'
import { clientForContext } from '../../cluster/io'
import type { MeshEndpointSourceFactory, MeshSourceFactory } from '../../mesh'
import { clusterMeshSources } from '../../mesh/io'
import type { ControlPlaneOptions } from './control-plane'
import type { ControlPlaneSources } from './source-set'

export interface SourceChoiceContext {
  /** The mesh folder Meshdeck was started with (--mesh-dir, or the demo's), if any. */
  meshDir?: string
  kubeconfig?: string
}

/**
 * Turns a choice (a folder, or a context by name) into sources: the renderer's, through
 * controlPlane.useSource, and the command line's, through startupChoice. Credentials come from
 * the kubeconfig here in main; the renderer only ever names the context.
 */
export function sourcesForChoice(choice: ControlPlaneSourceChoice, context: SourceChoiceContext): ControlPlaneSources {
  const endpointsChoice = choice.endpoints ?? (choice.config === 'cluster' ? { from: 'cluster' as const, context: choice.context } : { from: 'none' as const })
  // One client and istiod check when config and endpoints name the same context.
  const factories = new Map<string, ReturnType<typeof clusterSourceFactories>>()
  const cluster = (name: string): ReturnType<typeof clusterSourceFactories> => {
    let found = factories.get(name)
    if (!found) factories.set(name, (found = clusterSourceFactories(name, context.kubeconfig)))
    return found
  }
  const endpoints = endpointsChoice.from === 'cluster' ? cluster(endpointsChoice.context).endpoints : undefined
  if (choice.config === 'cluster') return { source: cluster(choice.context).source, endpoints }
  if (!context.meshDir) {
    throw new MeshdeckError(
      'no_mesh_folder',
      'This Meshdeck was started without a mesh folder, so there is no folder to serve.',
      'Start Meshdeck with --mesh-dir DIR (or --demo) to have a folder to switch back to.',
    )
  }
  return { meshDir: context.meshDir, endpoints }
}

/** What Meshdeck starts with: `--mesh-dir`, `--mesh-context` or both (the folder's config over the cluster's endpoints). */
export interface StartupSources {
  /** Folder of Istio YAML: the config source (and, with meshContext, still the config). */
  meshDir?: string
  /** Kubeconfig context whose cluster the control plane serves: its Services and endpoints, and its Istio CRDs unless meshDir is set. */
  meshContext?: string
}

/**
 * The command line's flags as the same choice the Control plane page makes, or null when neither
 * is given (the control plane then stays off).
 */
export function startupChoice({ meshDir, meshContext }: StartupSources): ControlPlaneSourceChoice | null {
  if (meshContext) return meshDir ? { config: 'folder', endpoints: { from: 'cluster', context: meshContext } } : { config: 'cluster', context: meshContext }
  return meshDir ? { config: 'folder' } : null
}

/**
 * Which sources the embedded control plane starts with, made exactly as a later switch makes them.
 * The cluster client is made when the control plane starts, so a bad context shows as its failure,
 * with a hint.
 */
export function controlPlaneOptions(startup: StartupSources & { kubeconfig?: string; port: number; host?: string }): ControlPlaneOptions | null {
  const choice = startupChoice(startup)
  if (!choice) return null
  const host = startup.host ? { host: startup.host } : {}
  return { port: startup.port, ...host, ...sourcesForChoice(choice, { meshDir: startup.meshDir, kubeconfig: startup.kubeconfig }) }
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
