import { asBoolean, asNumber, asObject, asObjects, asStrings, asText, isJsonObject } from '../json'
import { defineKind } from '../kind'
import { readObjectMeta, readObjectReference, type ObjectMeta, type ObjectReference } from '../meta'

/** One endpoint of a slice; v1beta1's `topology` zone is read into `zone`, where v1 keeps it. */
export interface SliceEndpoint {
  /** As written: IPs for IPv4/IPv6 slices, host names for FQDN slices. */
  addresses: string[]
  conditions: {
    /** Unset means "unknown", which the API says to treat as ready. */
    ready?: boolean
    serving?: boolean
    terminating?: boolean
  }
  zone?: string
  nodeName?: string
  targetRef?: ObjectReference
}

export interface SlicePort {
  name?: string
  port?: number
  protocol?: string
  appProtocol?: string
}

/** discovery.k8s.io EndpointSlice, v1 or v1beta1 (1.17–1.20 serve only v1beta1). */
export interface EndpointSlice {
  metadata: ObjectMeta
  /** IPv4, IPv6 or FQDN. */
  addressType?: string
  endpoints: SliceEndpoint[]
  ports: SlicePort[]
}

/** The label that ties a slice to its Service. */
export const serviceNameLabel = 'kubernetes.io/service-name'

export const EndpointSlice = defineKind(
  { kind: 'EndpointSlice', group: 'discovery.k8s.io', versions: ['v1', 'v1beta1'], plural: 'endpointslices', namespaced: true },
  (o): EndpointSlice => ({
    metadata: readObjectMeta(o.metadata),
    addressType: asText(o.addressType),
    endpoints: asObjects(o.endpoints).map((e) => {
      const conditions = asObject(e.conditions)
      return {
        addresses: asStrings(e.addresses),
        conditions: { ready: asBoolean(conditions.ready), serving: asBoolean(conditions.serving), terminating: asBoolean(conditions.terminating) },
        zone: asText(e.zone) ?? asText(asObject(e.topology)['topology.kubernetes.io/zone']),
        nodeName: asText(e.nodeName) ?? asText(asObject(e.topology)['kubernetes.io/hostname']),
        targetRef: isJsonObject(e.targetRef) ? readObjectReference(e.targetRef) : undefined,
      }
    }),
    ports: asObjects(o.ports).map((p) => ({ name: asText(p.name), port: asNumber(p.port), protocol: asText(p.protocol), appProtocol: asText(p.appProtocol) })),
  }),
)
