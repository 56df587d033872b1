import { asNumber, asObject, asObjects, asText, type JsonObject } from './json'

/*
 * The API server's own envelopes around objects: list pages, Status (errors, in a body or a watch
 * ERROR event) and discovery documents. Read as defensively as the objects they carry.
 */

/** One page of a list: the items (which carry no kind; the list's kind names it), and where to go on. */
export interface ListPage {
  /** e.g. EndpointsList; items of built-in kinds leave their own kind out. */
  kind?: string
  metadata: { continue?: string; resourceVersion?: string }
  items: JsonObject[]
}

export function readListPage(value: unknown): ListPage {
  const o = asObject(value)
  const meta = asObject(o.metadata)
  return { kind: asText(o.kind), metadata: { continue: asText(meta.continue), resourceVersion: asText(meta.resourceVersion) }, items: asObjects(o.items) }
}

/** metav1.Status: how the API server says why a request failed. */
export interface Status {
  code?: number
  reason?: string
  message?: string
}

export function readStatus(value: unknown): Status {
  const o = asObject(value)
  return { code: asNumber(o.code), reason: asText(o.reason), message: asText(o.message) }
}

/** The versions an API group serves (GET /apis/<group>), newest as the server lists them. */
export function readGroupVersions(value: unknown): string[] {
  return asObjects(asObject(value).versions).flatMap((v) => asText(v.version) ?? [])
}

/** The resources a group version serves (GET /apis/<group>/<version>), by plural name. */
export function readResourceNames(value: unknown): string[] {
  return asObjects(asObject(value).resources).flatMap((r) => asText(r.name) ?? [])
}
