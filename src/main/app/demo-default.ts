import { join } from 'node:path'
import { loadKubeconfig } from '../cluster/io'
import type { MeshdeckOptions } from './meshdeck'

/**
 * The desktop app's default: with no kubeconfig context at all there is no cluster to show, so the
 * local demo mesh runs instead and the app still does its main job. A broken kubeconfig counts as
 * none (its problems still show on the Clusters page).
 */
export async function shouldRunDemoByDefault(kubeconfig?: string): Promise<boolean> {
  try {
    return (await loadKubeconfig(kubeconfig)).merged.contexts.size === 0
  } catch {
    return true
  }
}

/**
 * What the desktop app starts with (it has no command line). With clusters it still runs the
 * embedded control plane, on a local mesh folder that starts empty, so the Control plane page can
 * switch it to serve a cluster's mesh and workloads on the laptop have something to dial.
 */
export async function desktopOptions(dataDir: string, kubeconfig?: string): Promise<Pick<MeshdeckOptions, 'demo' | 'meshDir'>> {
  if (await shouldRunDemoByDefault(kubeconfig)) return { demo: true }
  return { demo: false, meshDir: join(dataDir, 'mesh') }
}
