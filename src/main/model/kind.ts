import { asObject, type JsonObject } from './json'

/**
 * Where a kind lives in the Kubernetes API, on the kind itself (as Headlamp puts it on each class):
 * its group, the versions Meshdeck reads (newest first; the first is the one it writes), its
 * plural resource name, and whether objects have a namespace.
 */
export interface KindInfo {
  readonly kind: string
  /** '' for the core group (/api/v1). */
  readonly group: string
  readonly versions: readonly [string, ...string[]]
  readonly plural: string
  readonly namespaced: boolean
}

/** A kind Meshdeck reads, with the typed reader of its objects. */
export interface Kind<T> extends KindInfo {
  /** `group/version` of the first version, e.g. apps/v1 or v1. */
  readonly apiVersion: string
  /** Reads what Meshdeck uses of one object; never throws (absent and odd fields read as absent). */
  read(value: unknown): T
}

export function apiVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`
}

export function defineKind<T>(info: KindInfo, read: (object: JsonObject) => T): Kind<T> {
  return Object.freeze({ ...info, apiVersion: apiVersionOf(info.group, info.versions[0]), read: (value: unknown) => read(asObject(value)) })
}

/**
 * The collection path of a kind at a version (its first by default): /api/v1/pods,
 * /apis/apps/v1/namespaces/ns/deployments. A namespace is used only for namespaced kinds; null
 * lists across all namespaces.
 */
export function collectionPath(kind: KindInfo, namespace: string | null, version: string = kind.versions[0]): string {
  const prefix = kind.group === '' ? `/api/${version}` : `/apis/${kind.group}/${version}`
  return namespace && kind.namespaced ? `${prefix}/namespaces/${encodeURIComponent(namespace)}/${kind.plural}` : `${prefix}/${kind.plural}`
}
