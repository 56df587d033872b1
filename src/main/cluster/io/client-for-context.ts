import { KubeClient } from './kube-client'
import { kubeConfigForContext } from './kubeconfig-context'
import { loadKubeconfig } from './kubeconfig-loader'
import { loginShellPath } from './login-path'

/**
 * An API client for one context of the kubeconfig (an explicit path, or KUBECONFIG as kubectl
 * merges it), for services outside the Clusters page that need a cluster of their own (the mesh's
 * cluster sources). Throws a MeshdeckError naming the context when it cannot be built.
 */
export async function clientForContext(context: string, kubeconfigPath?: string): Promise<KubeClient> {
  const loaded = await loadKubeconfig(kubeconfigPath)
  return new KubeClient(kubeConfigForContext(loaded.merged, context, await loginShellPath()))
}
