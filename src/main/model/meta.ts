import { asBoolean, asNumber, asObject, asObjects, asStringMap, asText } from './json'

export interface OwnerReference {
  apiVersion?: string
  kind?: string
  name?: string
  uid?: string
  controller?: boolean
}

export interface ManagedFieldsEntry {
  manager?: string
  operation?: string
  time?: string
  apiVersion?: string
  fieldsV1?: unknown
}

/**
 * metadata as an object carries it: from the API, a YAML file, or a typed model such as
 * @kubernetes-models' (which is why timestamps may be Dates). Every field is optional; this is the
 * type code takes when it must accept any of those.
 */
export interface ObjectMetaLike {
  name?: string
  namespace?: string
  uid?: string
  resourceVersion?: string
  generation?: number
  creationTimestamp?: string | Date
  deletionTimestamp?: string | Date
  labels?: Record<string, string>
  annotations?: Record<string, string>
  ownerReferences?: OwnerReference[]
  managedFields?: ManagedFieldsEntry[]
}

/**
 * metadata as the model's readers return it: checked, with name and uid always strings ('' only
 * for a malformed object: the API always sets both) and maps and lists always present.
 * managedFields is not read: it is bookkeeping nothing but a field-manager check needs.
 */
export interface ObjectMeta extends ObjectMetaLike {
  uid: string
  name: string
  /** Absent on cluster-scoped objects. */
  namespace?: string
  creationTimestamp?: string
  deletionTimestamp?: string
  labels: Record<string, string>
  annotations: Record<string, string>
  ownerReferences: OwnerReference[]
}

/** A reference to another object (an EndpointSlice's targetRef, an Event's involvedObject). */
export interface ObjectReference {
  kind?: string
  name?: string
  namespace?: string
  uid?: string
}

/** One entry of status.conditions. */
export interface Condition {
  type?: string
  status?: string
  reason?: string
  message?: string
}

export function readObjectMeta(value: unknown): ObjectMeta {
  const m = asObject(value)
  return {
    uid: asText(m.uid) ?? '',
    name: asText(m.name) ?? '',
    namespace: asText(m.namespace),
    resourceVersion: asText(m.resourceVersion),
    generation: asNumber(m.generation),
    creationTimestamp: asText(m.creationTimestamp),
    deletionTimestamp: asText(m.deletionTimestamp),
    labels: asStringMap(m.labels),
    annotations: asStringMap(m.annotations),
    ownerReferences: asObjects(m.ownerReferences).map((r) =>
      ({ apiVersion: asText(r.apiVersion), kind: asText(r.kind), name: asText(r.name), uid: asText(r.uid), controller: asBoolean(r.controller) }),
    ),
  }
}

/** The controlling owner (controller: true), else the first owner, as kubectl's "Controlled By" shows it. */
export function controllerOf(meta: Pick<ObjectMeta, 'ownerReferences'>): OwnerReference | undefined {
  return meta.ownerReferences.find((r) => r.controller === true) ?? meta.ownerReferences[0]
}

export function readObjectReference(value: unknown): ObjectReference {
  const r = asObject(value)
  return { kind: asText(r.kind), name: asText(r.name), namespace: asText(r.namespace), uid: asText(r.uid) }
}

export function readConditions(value: unknown): Condition[] {
  return asObjects(value).map((c) => ({ type: asText(c.type), status: asText(c.status), reason: asText(c.reason), message: asText(c.message) }))
}
