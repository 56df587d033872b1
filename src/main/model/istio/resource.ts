import { asText, isJsonObject } from '../json'
import type { ObjectMetaLike } from '../meta'
import { istioKinds, type MeshKind } from './kinds'
import type { MeshSpecOf } from './mesh-object'

/** metadata of an object read from the API server: name, namespace and resourceVersion are always there. */
export interface ResourceMeta extends ObjectMetaLike {
  name: string
  namespace: string
  resourceVersion: string
  [field: string]: unknown
}

/**
 * An Istio object as the API server returns it and as Meshdeck writes it back (server-side apply,
 * merge patches): typed where Meshdeck reads, every other field carried untouched, because a
 * write must never drop what Meshdeck does not model.
 */
export interface IstioResource<S = Record<string, unknown>> {
  apiVersion: string
  kind: string
  metadata: ResourceMeta
  spec?: S
  status?: { observedGeneration?: number; [field: string]: unknown }
}

/**
 * Checks that an API answer is an Istio object of `kind` Meshdeck can edit, and returns that same
 * object (no copy: what is written back must be what was read), with `kind` and `apiVersion` (the
 * version it was read at) filled in where a list left them out. Throws naming the field otherwise;
 * the API server never sends such an object, so this guards against a proxy or a broken CRD, not
 * against the user.
 */
export function readIstioResource<K extends MeshKind>(value: unknown, kind: K, apiVersion = `${istioKinds[kind].group}/${istioKinds[kind].versions[0]}`): IstioResource<MeshSpecOf<K>> {
  const fail = (what: string): never => {
    throw new Error(`The API server's answer is not a ${kind} Meshdeck can edit: ${what}.`)
  }
  if (!isJsonObject(value)) return fail('it is not an object')
  const metadata = isJsonObject(value.metadata) ? value.metadata : fail('metadata is missing')
  for (const field of ['name', 'namespace', 'resourceVersion']) if (asText(metadata[field]) === undefined) fail(`metadata.${field} is missing`)
  if (value.spec !== undefined && !isJsonObject(value.spec)) fail('spec is not an object')
  if (value.status !== undefined && !isJsonObject(value.status)) fail('status is not an object')
  const http = isJsonObject(value.spec) ? value.spec.http : undefined
  if (kind === 'VirtualService' && http !== undefined && !(Array.isArray(http) && http.every(isJsonObject))) fail('spec.http is not a list of routes')
  if (typeof value.kind !== 'string') value.kind = kind
  if (typeof value.apiVersion !== 'string') value.apiVersion = apiVersion
  return value as unknown as IstioResource<MeshSpecOf<K>>
}
