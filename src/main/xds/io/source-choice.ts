import { MeshdeckError, type ControlPlaneSourceChoice } from '@shared/contract'
import type { ControlPlaneSources } from './source-set'
import { clusterSourceFactories } from './control-plane-options'

export interface SourceChoiceContext {
  /** The mesh folder Meshdeck was started with (--mesh-dir, or the demo's), if any. */
  meshDir?: string
  kubeconfig?: string
}

/**
 * Turns the renderer's choice (a folder, or a context by name) into sources. Credentials come from
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
