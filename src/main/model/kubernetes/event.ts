import { asNumber, asText } from '../json'
import { defineKind } from '../kind'
import { readObjectMeta, readObjectReference, type ObjectMeta, type ObjectReference } from '../meta'

/** core/v1 Event (named KubeEvent here: `Event` is a global of its own in Node). */
export interface KubeEvent {
  metadata: ObjectMeta
  /** Normal or Warning. */
  type?: string
  reason?: string
  message?: string
  count?: number
  lastTimestamp?: string
  /** Set instead of lastTimestamp by clients of events.k8s.io. */
  eventTime?: string
  involvedObject: ObjectReference
}

export const KubeEvent = defineKind({ kind: 'Event', group: '', versions: ['v1'], plural: 'events', namespaced: true }, (o): KubeEvent => ({
  metadata: readObjectMeta(o.metadata),
  type: asText(o.type),
  reason: asText(o.reason),
  message: asText(o.message),
  count: asNumber(o.count),
  lastTimestamp: asText(o.lastTimestamp),
  eventTime: asText(o.eventTime),
  involvedObject: readObjectReference(o.involvedObject),
}))
