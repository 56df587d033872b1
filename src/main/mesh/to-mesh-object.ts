import { readMeshObject } from '../model'
import type { MeshObject, SourceLocation } from './model'
import type { MeshProblem } from './problems'

export type ConvertedObject = { object: MeshObject } | { problem: MeshProblem } | { skipped: true }

/**
 * One Kubernetes-shaped value (a YAML document, or an object from a cluster's API) → a MeshObject,
 * or the problem that stops it. Pure. The model reads the object (readMeshObject); this adds where
 * it came from, the file and line when there is one.
 */
export function toMeshObject(value: unknown, source?: SourceLocation, defaultNamespace?: string): ConvertedObject {
  const read = readMeshObject(value, defaultNamespace)
  if (!source || 'skipped' in read) return read
  // A problem points at the document; only objects keep the field lines (problems carry one line).
  const { fields: _fields, ...where } = source
  return 'object' in read ? { object: { ...read.object, source } } : { problem: { ...read.problem, source: where } }
}
