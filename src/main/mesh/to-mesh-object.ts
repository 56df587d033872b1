import { meshKinds, securityKinds, type MeshKind, type MeshObject, type SecurityKind, type SourceLocation } from './model'
import type { MeshProblem } from './problems'

/** Kinds Meshdeck knows but does not act on (JWT needs a RequestAuthentication issuer); skipped quietly. */
const otherMeshdeckKinds = new Set(['RequestAuthentication'])

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export type ConvertedObject = { object: MeshObject } | { problem: MeshProblem } | { skipped: true }

/**
 * One Kubernetes-shaped value (a YAML document, or an object from a cluster's API) → a MeshObject,
 * or the problem that stops it. Pure. `source` is the file and line when there is one; a problem
 * names the kind, namespace and name as far as the value has them.
 */
export function toMeshObject(value: unknown, source?: SourceLocation): ConvertedObject {
  const at = source ? { source } : {}
  if (!isRecord(value)) {
    return { problem: { severity: 'error', message: 'A document is not a Kubernetes object.', hint: 'Each YAML document needs apiVersion, kind, metadata and spec.', ...at } }
  }
  const kind = value.kind
  const apiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : ''
  if (typeof kind !== 'string') return { problem: { severity: 'error', message: 'kind is missing.', hint: 'Add e.g. `kind: VirtualService`.', ...at } }
  if (otherMeshdeckKinds.has(kind)) return { skipped: true }
  if (!meshKinds.includes(kind as MeshKind)) {
    return { problem: { severity: 'warning', message: `${kind} is not used by the embedded control plane and is ignored.`, hint: `Supported kinds: ${meshKinds.join(', ')}.`, ...at } }
  }
  const meshKind = kind as MeshKind
  const metadata = isRecord(value.metadata) ? value.metadata : {}
  const rawName = typeof metadata.name === 'string' && metadata.name !== '' ? metadata.name : undefined
  const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : 'default'
  const group = securityKinds.includes(meshKind as SecurityKind) ? 'security.istio.io' : 'networking.istio.io'
  if (!apiVersion.startsWith(`${group}/`)) {
    return {
      problem: {
        severity: 'error',
        kind: meshKind,
        ...(rawName ? { namespace, name: rawName } : {}),
        message: `apiVersion "${apiVersion}" is not ${group}.`,
        hint: group === 'security.istio.io' ? 'Use `apiVersion: security.istio.io/v1` (or v1beta1).' : 'Use `apiVersion: networking.istio.io/v1` (or v1beta1/v1alpha3).',
        ...at,
      },
    }
  }
  if (!rawName) {
    return { problem: { severity: 'error', kind: meshKind, field: 'metadata.name', message: 'metadata.name is missing.', hint: 'Give every object a name.', ...at } }
  }
  const spec = isRecord(value.spec) ? value.spec : null
  if (!spec) {
    return {
      problem: { severity: 'error', kind: meshKind, namespace, name: rawName, field: 'spec', message: 'spec is missing or not a mapping.', hint: 'Add the spec of the object.', ...at },
    }
  }
  return { object: { kind: meshKind, name: rawName, namespace, spec, ...at } as MeshObject }
}
