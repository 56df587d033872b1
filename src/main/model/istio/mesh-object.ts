import type { MeshKind, SecurityKind } from './kinds'
import type { DestinationRuleSpec, ServiceEntrySpec, VirtualServiceSpec, WorkloadEntrySpec } from './networking'
import type { AuthorizationPolicySpec, PeerAuthenticationSpec } from './security'

/** Where an object came from, so a problem can point at the file and line to fix. */
export interface SourceLocation {
  file: string
  /** The first line of the object's document. */
  line: number
  /**
   * The line of each field the document sets, by Istio field path (`spec.http[0].route[1].weight`),
   * so a problem with a field points at that line rather than at the top of the object.
   */
  fields?: Readonly<Record<string, number>>
}

/**
 * The line a field is on: the field itself, else the nearest enclosing field the file sets (a
 * missing `subset` is reported at its `destination`), else the object's first line.
 */
export function lineOfField(source: SourceLocation, field: string | undefined): number {
  const fields = source.fields
  if (!fields || !field) return source.line
  let path = field
  for (;;) {
    const line = fields[path]
    if (line !== undefined) return line
    const parent = path.replace(lastSegment, '')
    if (parent === path || parent === '') return source.line
    path = parent
  }
}

/** `.name` or `[3]` at the end of a field path. */
const lastSegment = /(\.[^.[\]]+|\[\d+\])$/

/**
 * An Istio object as the mesh keeps it: kind, name, namespace and spec as written (read from a
 * YAML file, with the file and line, or from a cluster's CRDs). The spec is typed by kind;
 * validation (src/main/mesh/validate.ts) checks it before anything is served.
 */
export interface MeshObject<K extends MeshKind = MeshKind, S = MeshSpecOf<K>> {
  kind: K
  name: string
  namespace: string
  spec: S
  source?: SourceLocation
}

export type MeshSpecOf<K extends MeshKind> = K extends 'VirtualService'
  ? VirtualServiceSpec
  : K extends 'DestinationRule'
    ? DestinationRuleSpec
    : K extends 'ServiceEntry'
      ? ServiceEntrySpec
      : K extends 'WorkloadEntry'
        ? WorkloadEntrySpec
        : K extends 'PeerAuthentication'
          ? PeerAuthenticationSpec
          : K extends SecurityKind
            ? AuthorizationPolicySpec
            : never

export type VirtualService = MeshObject<'VirtualService'>
export type DestinationRule = MeshObject<'DestinationRule'>
export type ServiceEntry = MeshObject<'ServiceEntry'>
export type WorkloadEntry = MeshObject<'WorkloadEntry'>
export type PeerAuthentication = MeshObject<'PeerAuthentication'>
export type AuthorizationPolicy = MeshObject<'AuthorizationPolicy'>

/** `kind/namespace/name`, the key a problem or a UI row uses for an object. */
export function objectKey(object: Pick<MeshObject, 'kind' | 'namespace' | 'name'>): string {
  return `${object.kind}/${object.namespace}/${object.name}`
}
