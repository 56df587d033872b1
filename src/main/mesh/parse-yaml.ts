import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node } from 'yaml'
import { maxYamlAliasExpansions } from './limits'
import type { MeshObject } from './model'
import type { MeshProblem } from './problems'
import { toMeshObject } from './to-mesh-object'

export interface ParsedFile {
  objects: MeshObject[]
  problems: MeshProblem[]
}

/** The `yaml` package's words when a document's aliases expand past maxAliasCount. */
const isAliasLimit = (err: unknown): boolean => err instanceof ReferenceError && /alias/i.test(err.message)

/**
 * A document that cannot become a value: an alias bomb (refused at the limit, so it costs
 * milliseconds), or anything else the YAML library throws on. Either way only this document is lost.
 */
function documentProblem(err: unknown, file: string, line: number): MeshProblem {
  if (isAliasLimit(err)) {
    return {
      severity: 'error',
      message: `YAML aliases in this document expand past ${maxYamlAliasExpansions} (the limit Meshdeck expands); it is not read.`,
      hint: `Write the repeated parts out instead of using *alias references, or use fewer than ${maxYamlAliasExpansions} alias expansions. The other documents and files keep serving.`,
      source: { file, line },
    }
  }
  return {
    severity: 'error',
    message: `YAML could not be read: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
    hint: 'Fix the document at that line; the other documents and files keep serving.',
    source: { file, line },
  }
}

/**
 * The line of every field under the document's metadata and spec, by Istio field path
 * (`spec.http[0].route[1].weight`), so problems and findings can point at the field itself.
 */
function fieldLines(contents: unknown, lineCounter: LineCounter): Record<string, number> {
  const lines: Record<string, number> = {}
  const lineAt = (node: { range?: [number, number, number] | null } | null | undefined): number | undefined =>
    node?.range ? lineCounter.linePos(node.range[0]).line : undefined
  const walk = (node: unknown, path: string): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined
        if (key === undefined) continue
        const at = path === '' ? key : `${path}.${key}`
        if (path === '' && key !== 'spec' && key !== 'metadata') continue
        const line = lineAt(pair.key as Node)
        if (line !== undefined) lines[at] = line
        walk(pair.value, at)
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        const at = `${path}[${index}]`
        const line = lineAt(item as Node)
        if (line !== undefined) lines[at] = line
        walk(item, at)
      })
    }
  }
  walk(contents, '')
  return lines
}

/**
 * Parses one multi-document YAML file of Istio objects. Pure: the caller reads the file. Every
 * problem carries the file and the line of the document (or of the YAML error) to fix; a document
 * that fails is reported and skipped, never stopping the others. Objects without a namespace get
 * `defaultNamespace` (kubectl's: the context's namespace, else `default`).
 */
export function parseMeshYaml(text: string, file: string, defaultNamespace?: string): ParsedFile {
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
    try {
      const value: unknown = doc.toJS({ maxAliasCount: maxYamlAliasExpansions })
      if (value === null || value === undefined) continue
      const converted = toMeshObject(value, { file, line: startLine, fields: fieldLines(doc.contents, lineCounter) }, defaultNamespace)
      if ('object' in converted) objects.push(converted.object)
      else if ('problem' in converted) problems.push(converted.problem)
    } catch (err) {
      problems.push(documentProblem(err, file, startLine))
    }
  }
  return { objects, problems }
}
