import { MeshdeckError } from '@shared/contract'
import { KubeRequestError, type KubeClient } from '../../../cluster/io'

/**
 * Meshdeck's embedded control plane must not serve xDS for a cluster that istiod already serves:
 * two control planes would hand the same workloads different config. Throws `istiod_present` when
 * the Deployment istio-system/istiod exists. Without the right to read it (403) we cannot tell, and
 * go on: refusing every restricted user would be worse than the rare double control plane.
 */
export async function refuseIfIstiod(client: KubeClient, context: string): Promise<void> {
  try {
    await client.json('GET', '/apis/apps/v1/namespaces/istio-system/deployments/istiod')
  } catch (err) {
    if (err instanceof KubeRequestError && (err.status === 404 || err.status === 403)) return
    throw client.explain(err)
  }
  throw new MeshdeckError(
    'istiod_present',
    `Context "${context}" runs istiod (Deployment istio-system/istiod), so Meshdeck does not serve xDS for it: two control planes would give the same workloads different config.`,
    'Let istiod serve that mesh (point workloads at istiod), or serve a cluster without istiod; use --mesh-dir for a local mesh.',
  )
}
