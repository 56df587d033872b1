import { asNumber, asObjects, asText, isJsonObject, type JsonObject } from '../json'
import { defineKind } from '../kind'
import { readObjectMeta, readObjectReference, type ObjectMeta, type ObjectReference } from '../meta'

export interface EndpointAddress {
  ip?: string
  hostname?: string
  nodeName?: string
  targetRef?: ObjectReference
}

export interface EndpointPort {
  name?: string
  port?: number
  protocol?: string
}

/**
 * core/v1 Endpoints: one object per Service, named after it, with a subset per set of ports.
 * Meshdeck reads it where EndpointSlices are not served.
 */
export interface Endpoints {
  metadata: ObjectMeta
  subsets: { addresses: EndpointAddress[]; notReadyAddresses: EndpointAddress[]; ports: EndpointPort[] }[]
}

const address = (a: JsonObject): EndpointAddress => ({
  ip: asText(a.ip),
  hostname: asText(a.hostname),
  nodeName: asText(a.nodeName),
  targetRef: isJsonObject(a.targetRef) ? readObjectReference(a.targetRef) : undefined,
})

export const Endpoints = defineKind({ kind: 'Endpoints', group: '', versions: ['v1'], plural: 'endpoints', namespaced: true }, (o): Endpoints => ({
  metadata: readObjectMeta(o.metadata),
  subsets: asObjects(o.subsets).map((s) => ({
    addresses: asObjects(s.addresses).map(address),
    notReadyAddresses: asObjects(s.notReadyAddresses).map(address),
    ports: asObjects(s.ports).map((p) => ({ name: asText(p.name), port: asNumber(p.port), protocol: asText(p.protocol) })),
  })),
}))
