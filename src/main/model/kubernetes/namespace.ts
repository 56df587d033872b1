import { asObject, asText } from '../json'
import { defineKind } from '../kind'
import { readObjectMeta, type ObjectMeta } from '../meta'

/** core/v1 Namespace. */
export interface Namespace {
  metadata: ObjectMeta
  /** Active or Terminating. */
  status: { phase?: string }
}

export const Namespace = defineKind({ kind: 'Namespace', group: '', versions: ['v1'], plural: 'namespaces', namespaced: false }, (o): Namespace => ({
  metadata: readObjectMeta(o.metadata),
  status: { phase: asText(asObject(o.status).phase) },
}))
