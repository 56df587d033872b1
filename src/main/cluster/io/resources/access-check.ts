import type { FeedState } from '@shared/contract'
import type { KubeClient } from '../kube-client'
import type { KindInfo } from '../../resources/kinds'

interface Review {
  status?: { allowed?: boolean; reason?: string }
}

async function allowed(client: KubeClient, verb: string, info: KindInfo, namespace: string | null): Promise<boolean> {
  const review = await client.json<Review>('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: { resourceAttributes: { verb, group: info.group, resource: info.plural, ...(namespace ? { namespace } : {}) } },
  })
  return review.status?.allowed === true
}

/**
 * Asks the API server (SelfSubjectAccessReview) whether this user may list and watch a kind in
 * every namespace, else in the context's namespace, so a user limited by RBAC sees what they may
 * and a plain "no access" for the rest, instead of an error storm.
 */
export async function checkAccess(client: KubeClient, info: KindInfo, contextNamespace: string, label: string): Promise<FeedState['access']> {
  const everywhere = (await allowed(client, 'list', info, null)) && (await allowed(client, 'watch', info, null))
  if (everywhere) return { scope: 'cluster', namespace: null, message: null }
  if (info.namespaced && (await allowed(client, 'list', info, contextNamespace)) && (await allowed(client, 'watch', info, contextNamespace))) {
    return {
      scope: 'namespace',
      namespace: contextNamespace,
      message: `You may see ${label} only in namespace "${contextNamespace}" (the context's namespace); other namespaces: no access.`,
    }
  }
  return {
    scope: 'none',
    namespace: null,
    message: `No access: your user may not list ${label}${info.namespaced ? ` in any namespace, nor in "${contextNamespace}"` : ''}. Ask a cluster admin for a Role that allows list and watch on ${info.plural}.`,
  }
}
