import { LineCounter, parseAllDocuments } from 'yaml'
import type { MeshObject } from './model'
import type { MeshProblem } from './problems'
import { toMeshObject } from './to-mesh-object'

export interface ParsedFile {
  objects: MeshObject[]
  problems: MeshProblem[]
}

/**
 * Parses one multi-document YAML file of Istio objects. Pure: the caller reads the file. Every
 * problem carries the file and the line of the document (or of the YAML error) to fix.
 */
export function parseMeshYaml(text: string, file: string): ParsedFile {
  const lineCounter = new LineCounter()
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false })
  const objects: MeshObject[] = []
  const problems: MeshProblem[] = []
  const docs = Array.isArray(documents) ? documents : [documents]
  for (const doc of docs) {
    // The document's own first line, not the `---` before it.
    const startLine = lineCounter.linePos(doc.contents?.range?.[0] ?? doc.range[0]).line
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        problems.push({
          severity: 'error',
          message: `YAML does not parse: ${error.message.split('\n')[0]}`,
          hint: 'Fix the YAML syntax at that line; the last good config keeps serving meanwhile.',
          source: { file, line: lineCounter.linePos(error.pos[0]).line },
        })
      }
      continue
    }
    const value: unknown = doc.toJS()
    if (value === null || value === undefined) continue
    const converted = toMeshObject(value, { file, line: startLine })
    if ('object' in converted) objects.push(converted.object)
    else if ('problem' in converted) problems.push(converted.problem)
  }
  return { objects, problems }
}
