import { createSnapshot, objectKey, type MeshObject, type MeshSnapshot } from '../mesh'
import { resourceName, type Finding } from './finding'

/** What an edit would change in the findings: those it would add, and among them the Errors that stop it. */
export interface EditAnalysis {
  introduced: Finding[]
  /** Errors the edit would introduce: a weight edit or a rollout is refused while there is one. A Warning never blocks. */
  blocking: Finding[]
}

/**
 * One finding across an edit: its code, its object and its words without the shares it quotes
 * ("sends 20% of its requests to…"). Not the field: a weight edit may add a destination to a route
 * whose host was already missing, which is the same finding on a new index, not a new one.
 */
function editKey(f: Finding): string {
  return `${f.code}|${resourceName(f) ?? f.file ?? ''}|${f.message.replace(/\d+(\.\d+)?%/g, '%')}`
}

/** The findings `after` has that `before` did not. */
export function compareAnalyses(before: readonly Finding[], after: readonly Finding[]): EditAnalysis {
  const known = new Set(before.map(editKey))
  const introduced = after.filter((f) => !known.has(editKey(f)))
  return { introduced, blocking: introduced.filter((f) => f.level === 'Error') }
}

function objectsOf(snapshot: MeshSnapshot): MeshObject[] {
  return [...snapshot.serviceEntries, ...snapshot.workloadEntries, ...snapshot.destinationRules, ...snapshot.virtualServices, ...snapshot.peerAuthentications, ...snapshot.authorizationPolicies]
}

/** The snapshot with one file's objects replaced by what the file would hold (a weight edit rewrites one file). */
export function withFileObjects(snapshot: MeshSnapshot, file: string, objects: readonly MeshObject[]): MeshSnapshot {
  const kept = objectsOf(snapshot).filter((o) => o.source?.file !== file)
  const replaced = new Set(objects.map(objectKey))
  return createSnapshot(snapshot.version + 1, [...kept.filter((o) => !replaced.has(objectKey(o))), ...objects], snapshot.kubernetesServices)
}

/** The snapshot with one object replaced (or added): a cluster edit changes one VirtualService. */
export function withObject(snapshot: MeshSnapshot, object: MeshObject): MeshSnapshot {
  const key = objectKey(object)
  return createSnapshot(snapshot.version + 1, [...objectsOf(snapshot).filter((o) => objectKey(o) !== key), object], snapshot.kubernetesServices)
}
