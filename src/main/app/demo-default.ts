import { loadKubeconfig } from '../cluster'

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
