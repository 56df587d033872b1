import type { ObjectMetaLike } from '../model'

/*
 * Objects that a progressive-delivery controller owns must be left alone: writing their weights
 * would fight the controller, which would silently write them back.
 */
export type { ObjectMetaLike } from '../model'

const controllers: { match: (meta: ObjectMetaLike) => string | null }[] = [
  {
    match: (meta) => {
      const owner = meta.ownerReferences?.find((o) => o.apiVersion?.startsWith('flagger.app/'))
      return owner ? `Flagger owns it (Canary "${owner.name ?? '?'}"); change the Canary resource instead.` : null
    },
  },
  {
    match: (meta) => {
      const owner = meta.ownerReferences?.find((o) => o.apiVersion?.startsWith('argoproj.io/'))
      if (owner) return `Argo Rollouts owns it (${owner.kind ?? 'Rollout'} "${owner.name ?? '?'}"); use the Rollout instead.`
      // Argo Rollouts does not own the objects it shifts traffic on; it marks them with this annotation.
      const rollout = meta.annotations?.['argo-rollouts.argoproj.io/managed-by-rollouts']
      if (rollout !== undefined) return `Argo Rollouts manages it (Rollout "${rollout}", annotation argo-rollouts.argoproj.io/managed-by-rollouts); use the Rollout instead.`
      const managed = meta.managedFields?.some((f) => f.manager === 'rollouts-controller' || f.manager === 'argo-rollouts')
      return managed ? 'Argo Rollouts manages its weights (field manager rollouts-controller); use the Rollout instead.' : null
    },
  },
  {
    match: (meta) =>
      meta.managedFields?.some((f) => f.manager === 'flagger') ? 'Flagger manages its weights (field manager flagger); change the Canary instead.' : null,
  },
]

/** Why Meshdeck must not edit this object, or null when it may. */
export function controllerOwnership(meta: ObjectMetaLike | undefined): string | null {
  if (!meta) return null
  for (const controller of controllers) {
    const reason = controller.match(meta)
    if (reason) return reason
  }
  return null
}
