import { stringify } from 'yaml'
import type { DestinationRuleSpec, IstioResource, VirtualServiceSpec } from '../../model'

/*
 * A VirtualService or DestinationRule as the API server returns it: the model's IstioResource,
 * typed where Meshdeck reads and carrying everything else untouched, because a write must never
 * drop what Meshdeck does not model. Read through readIstioResource (istio-api.ts).
 */
export type { HttpRoute, HttpRouteDestination as RouteDestinationJson, ManagedFieldsEntry, ResourceMeta as ObjectMeta } from '../../model'
export { destinationKey as destinationKeyOf } from '../../model'

export type ClusterVirtualService = IstioResource<VirtualServiceSpec>
export type ClusterDestinationRule = Pick<IstioResource<DestinationRuleSpec>, 'metadata' | 'spec'>

/** The annotation a cluster rollout's state lives in, next to the weights it drives. */
export const rolloutAnnotation = 'meshdeck.io/rollout'

/**
 * The object as a person reviews it: without managedFields (bookkeeping nobody edits) and without
 * the rollout annotation's JSON (it changes on every step and would drown the weights in the diff).
 */
export function reviewYaml(object: ClusterVirtualService): string {
  const { managedFields: _managed, annotations, ...meta } = object.metadata
  const shown: Record<string, string> = { ...(annotations ?? {}) }
  if (shown[rolloutAnnotation] !== undefined) shown[rolloutAnnotation] = '(Meshdeck rollout state)'
  const metadata = Object.keys(shown).length > 0 ? { ...meta, annotations: shown } : meta
  return stringify({ ...object, metadata }, { lineWidth: 0 })
}

/**
 * Istio resolves a short host against the VirtualService's namespace; the same rule lets a route's
 * `reviews` meet a DestinationRule's `reviews.demo.svc.cluster.local`.
 */
export function fullHost(host: string, namespace: string): string {
  const parts = host.split('.')
  if (host.includes('*') || parts.length > 3) return host
  if (parts.length === 1) return `${host}.${namespace}.svc.cluster.local`
  if (parts.length === 2) return `${host}.svc.cluster.local`
  return parts[2] === 'svc' ? `${host}.cluster.local` : host
}
