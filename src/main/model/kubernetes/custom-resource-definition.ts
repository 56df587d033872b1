import { asBoolean, asObject, asObjects, asText } from '../json'
import { defineKind } from '../kind'
import { readConditions, readObjectMeta, type Condition, type ObjectMeta } from '../meta'

/** apiextensions.k8s.io/v1 CustomResourceDefinition: enough to know which kinds are served where. */
export interface CustomResourceDefinition {
  metadata: ObjectMeta
  spec: {
    group?: string
    names: { kind?: string; plural?: string }
    scope?: string
    versions: { name?: string; served?: boolean; storage?: boolean }[]
  }
  status: { conditions: Condition[] }
}

export const CustomResourceDefinition = defineKind(
  { kind: 'CustomResourceDefinition', group: 'apiextensions.k8s.io', versions: ['v1'], plural: 'customresourcedefinitions', namespaced: false },
  (o): CustomResourceDefinition => {
    const spec = asObject(o.spec)
    const names = asObject(spec.names)
    return {
      metadata: readObjectMeta(o.metadata),
      spec: {
        group: asText(spec.group),
        names: { kind: asText(names.kind), plural: asText(names.plural) },
        scope: asText(spec.scope),
        versions: asObjects(spec.versions).map((v) => ({ name: asText(v.name), served: asBoolean(v.served), storage: asBoolean(v.storage) })),
      },
      status: { conditions: readConditions(asObject(o.status).conditions) },
    }
  },
)

/** The API server serves a CRD's kinds once it reports Established. */
export function isEstablished(crd: CustomResourceDefinition): boolean {
  return crd.status.conditions.some((c) => c.type === 'Established' && c.status === 'True')
}

/** The versions a CRD serves, in the order it lists them. */
export function servedVersions(crd: CustomResourceDefinition): string[] {
  return crd.spec.versions.flatMap((v) => (v.served === true && v.name ? [v.name] : []))
}
