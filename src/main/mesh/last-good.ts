import { objectKey, type MeshObject } from './model'
import { hasErrors, type MeshProblem } from './problems'
import { createSnapshot, type MeshSnapshot } from './snapshot'
import { validateMesh } from './validate'

export interface GuardedSnapshot {
  /** What can be served: the candidate with each invalid object replaced by its last good version (or left out). */
  snapshot: MeshSnapshot
  /** `Kind/namespace/name` of objects whose current text is not served. */
  rejected: string[]
  /** Validation of the candidate as written, so problems point at what the person wrote. */
  problems: MeshProblem[]
}

function objectsOf(snapshot: MeshSnapshot): MeshObject[] {
  return [...snapshot.serviceEntries, ...snapshot.workloadEntries, ...snapshot.destinationRules, ...snapshot.virtualServices, ...snapshot.peerAuthentications, ...snapshot.authorizationPolicies]
}

const problemKey = (p: MeshProblem): string | undefined => (p.kind ? `${p.kind}/${p.namespace}/${p.name}` : undefined)

/**
 * Decides what to serve when a new config has errors. Pure. An invalid object keeps serving its
 * last good version (an edit that breaks a VirtualService leaves its old routes in place); a new
 * invalid object is left out; everything valid is applied. Objects that only become invalid
 * because of another change are left out too, so what is served always validates.
 */
export function guardSnapshot(candidate: MeshSnapshot, lastGood: MeshSnapshot | null): GuardedSnapshot {
  const problems = validateMesh(candidate)
  if (!hasErrors(problems)) return { snapshot: candidate, rejected: [], problems }
  const previous = new Map((lastGood ? objectsOf(lastGood) : []).map((o) => [objectKey(o), o]))
  const rejected = new Set<string>()
  let objects = objectsOf(candidate)
  let errors = problems.filter((p) => p.severity === 'error')
  for (let round = 0; round <= objects.length; round++) {
    const bad = new Set(errors.map(problemKey))
    objects = objects.flatMap((object) => {
      const key = objectKey(object)
      if (!bad.has(key)) return [object]
      const fallback = rejected.has(key) ? undefined : previous.get(key)
      rejected.add(key)
      return fallback && JSON.stringify(fallback.spec) !== JSON.stringify(object.spec) ? [fallback] : []
    })
    const snapshot = createSnapshot(candidate.version, objects, candidate.kubernetesServices)
    errors = validateMesh(snapshot).filter((p) => p.severity === 'error')
    if (errors.length === 0) return { snapshot, rejected: [...rejected].sort(), problems }
  }
  // Unreachable in practice (each round removes at least one object); serve nothing new.
  return { snapshot: lastGood ?? createSnapshot(candidate.version, [], candidate.kubernetesServices), rejected: objectsOf(candidate).map(objectKey), problems }
}
