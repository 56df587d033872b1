import { LineCounter, parseAllDocuments } from 'yaml'
import { meshKinds, securityKinds, type MeshKind, type MeshObject, type SecurityKind } from './model'
import type { MeshProblem } from './problems'

export interface ParsedFile {
  objects: MeshObject[]
  problems: MeshProblem[]
}

/** Kinds Meshdeck knows but does not act on (JWT needs a RequestAuthentication issuer); skipped quietly. */
const otherMeshdeckKinds = new Set(['RequestAuthentication'])

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
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
    const source = { file, line: startLine }
    if (!isRecord(value)) {
      problems.push({
        severity: 'error',
        message: 'A document is not a Kubernetes object.',
        hint: 'Each YAML document needs apiVersion, kind, metadata and spec.',
        source,
      })
      continue
    }
    const kind = value.kind
    const apiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : ''
    if (typeof kind !== 'string') {
      problems.push({ severity: 'error', message: 'kind is missing.', hint: 'Add e.g. `kind: VirtualService`.', source })
      continue
    }
    if (otherMeshdeckKinds.has(kind)) continue
    if (!meshKinds.includes(kind as MeshKind)) {
      problems.push({
        severity: 'warning',
        message: `${kind} is not used by the embedded control plane and is ignored.`,
        hint: `Supported kinds: ${meshKinds.join(', ')}.`,
        source,
      })
      continue
    }
    const group = securityKinds.includes(kind as SecurityKind) ? 'security.istio.io' : 'networking.istio.io'
    if (!apiVersion.startsWith(`${group}/`)) {
      problems.push({
        severity: 'error',
        kind: kind as MeshKind,
        message: `apiVersion "${apiVersion}" is not ${group}.`,
        hint: group === 'security.istio.io' ? 'Use `apiVersion: security.istio.io/v1` (or v1beta1).' : 'Use `apiVersion: networking.istio.io/v1` (or v1beta1/v1alpha3).',
        source,
      })
      continue
    }
    const metadata = isRecord(value.metadata) ? value.metadata : {}
    const name = metadata.name
    if (typeof name !== 'string' || name === '') {
      problems.push({
        severity: 'error',
        kind: kind as MeshKind,
        field: 'metadata.name',
        message: 'metadata.name is missing.',
        hint: 'Give every object a name.',
        source,
      })
      continue
    }
    const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : 'default'
    const spec = isRecord(value.spec) ? value.spec : null
    if (!spec) {
      problems.push({
        severity: 'error',
        kind: kind as MeshKind,
        namespace,
        name,
        field: 'spec',
        message: 'spec is missing or not a mapping.',
        hint: 'Add the spec of the object.',
        source,
      })
      continue
    }
    objects.push({ kind: kind as MeshKind, name, namespace, spec, source } as MeshObject)
  }
  return { objects, problems }
}
