import { stringify } from 'yaml'
import { istioKinds, isMeshKind } from '../model'
import type { MeshSnapshot } from '../mesh'

/** A problem as the status reports it (kind is any string there). */
type Problem = { kind?: string; namespace?: string; name?: string; severity: 'error' | 'warning'; message: string; hint: string; field?: string; file?: string; line?: number }

export interface MeshObjectView {
  yaml: string
  file: string | null
  line: number | null
  problems: Problem[]
}

/**
 * One served object as a person reads it in a config link: its YAML and the problems naming it.
 * Null when the snapshot has no such object. Pure.
 */
export function meshObjectView(snapshot: MeshSnapshot, problems: readonly Problem[], ref: { kind: string; namespace: string; name: string }): MeshObjectView | null {
  if (!isMeshKind(ref.kind)) return null
  const all = [
    ...snapshot.virtualServices,
    ...snapshot.destinationRules,
    ...snapshot.serviceEntries,
    ...snapshot.workloadEntries,
    ...snapshot.peerAuthentications,
    ...snapshot.authorizationPolicies,
  ]
  const object = all.find((o) => o.kind === ref.kind && o.namespace === ref.namespace && o.name === ref.name)
  if (!object) return null
  const info = istioKinds[ref.kind]
  const yaml = stringify({ apiVersion: `${info.group}/${info.versions[0]}`, kind: object.kind, metadata: { name: object.name, namespace: object.namespace }, spec: object.spec }, { lineWidth: 0 })
  return {
    yaml,
    file: object.source?.file ?? null,
    line: object.source?.line ?? null,
    problems: problems.filter((p) => p.kind === ref.kind && p.namespace === ref.namespace && p.name === ref.name),
  }
}
