import { asNumber, asObject, asObjects, asStringMap, asText } from '../json'
import { defineKind } from '../kind'
import { readObjectMeta, type ObjectMeta } from '../meta'

export interface ServicePort {
  name?: string
  port?: number
  /** TCP, UDP or SCTP; the API defaults it to TCP. */
  protocol?: string
  /** What runs over the port (grpc, http, kubernetes.io/h2c), when the Service says so. */
  appProtocol?: string
  /** A number or a container port's name. */
  targetPort?: number | string
  nodePort?: number
}

/** core/v1 Service: what Meshdeck reads of it. */
export interface Service {
  metadata: ObjectMeta
  spec: {
    /** ClusterIP (the API's default), NodePort, LoadBalancer or ExternalName. */
    type?: string
    clusterIP?: string
    /** Empty for a Service without a selector (ExternalName, hand-made Endpoints). */
    selector: Record<string, string>
    ports: ServicePort[]
  }
}

export const Service = defineKind({ kind: 'Service', group: '', versions: ['v1'], plural: 'services', namespaced: true }, (o): Service => {
  const spec = asObject(o.spec)
  return {
    metadata: readObjectMeta(o.metadata),
    spec: {
      type: asText(spec.type),
      clusterIP: asText(spec.clusterIP),
      selector: asStringMap(spec.selector),
      ports: asObjects(spec.ports).map((p) => ({
        name: asText(p.name),
        port: asNumber(p.port),
        protocol: asText(p.protocol),
        appProtocol: asText(p.appProtocol),
        targetPort: asNumber(p.targetPort) ?? asText(p.targetPort),
        nodePort: asNumber(p.nodePort),
      })),
    },
  }
})
