import { stringify } from 'yaml'

/**
 * A VirtualService or DestinationRule as the API server returns it. Only the fields Meshdeck reads
 * are typed; everything else is carried along untouched (`[key: string]: unknown`), because a
 * write must never drop what Meshdeck does not model.
 */
export interface ManagedFieldsEntry {
  manager?: string
  operation?: string
  time?: string
  apiVersion?: string
  fieldsV1?: unknown
}

export interface ObjectMeta {
  name: string
  namespace: string
  uid?: string
  resourceVersion: string
  generation?: number
  annotations?: Record<string, string>
  ownerReferences?: { apiVersion?: string; kind?: string; name?: string }[]
  managedFields?: ManagedFieldsEntry[]
  [key: string]: unknown
}

export type HttpRoute = Record<string, unknown> & { name?: string; route?: RouteDestinationJson[] }
export type RouteDestinationJson = Record<string, unknown> & { destination?: { host?: string; subset?: string; [key: string]: unknown }; weight?: number }

export interface ClusterVirtualService {
  apiVersion: string
  kind: string
  metadata: ObjectMeta
  spec?: Record<string, unknown> & { hosts?: string[]; http?: HttpRoute[] }
  status?: Record<string, unknown> & { observedGeneration?: number }
}

export interface ClusterDestinationRule {
  metadata: ObjectMeta
  spec?: Record<string, unknown> & { host?: string; subsets?: { name?: string }[] }
}

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

export const destinationKeyOf = (d: RouteDestinationJson): string => d.destination?.subset ?? d.destination?.host ?? ''
