import { asText, isJsonObject } from '../json'
import { istioKinds, isMeshKind, meshKinds, type MeshKind } from './kinds'
import type { MeshObject } from './mesh-object'

/** Why a value is not an Istio object Meshdeck can use, for the person who wrote it. */
export interface ReadProblem {
  severity: 'error' | 'warning'
  kind?: MeshKind
  namespace?: string
  name?: string
  field?: string
  message: string
  hint: string
}

export type ReadMeshObject = { object: MeshObject } | { problem: ReadProblem } | { skipped: true }

/** Kinds Meshdeck knows but does not act on (JWT needs a RequestAuthentication issuer); skipped quietly. */
const otherMeshdeckKinds = new Set(['RequestAuthentication'])

/**
 * The reader of every Istio kind Meshdeck serves: one Kubernetes-shaped value (a YAML document, or
 * an object from a cluster's API) → a MeshObject, or the problem that stops it. The envelope is
 * checked here (kind, apiVersion in the kind's group, metadata.name, spec a mapping; a missing or
 * empty namespace is `defaultNamespace`, `default` unless said otherwise, as kubectl applies it); the spec's fields are validation's to check.
 */
export function readMeshObject(value: unknown, defaultNamespace = 'default'): ReadMeshObject {
  if (!isJsonObject(value)) {
    return { problem: { severity: 'error', message: 'A document is not a Kubernetes object.', hint: 'Each YAML document needs apiVersion, kind, metadata and spec.' } }
  }
  const kind = value.kind
  const apiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : ''
  if (typeof kind !== 'string') return { problem: { severity: 'error', message: 'kind is missing.', hint: 'Add e.g. `kind: VirtualService`.' } }
  if (otherMeshdeckKinds.has(kind)) return { skipped: true }
  if (!isMeshKind(kind)) {
    return { problem: { severity: 'warning', message: `${kind} is not used by the embedded control plane and is ignored.`, hint: `Supported kinds: ${meshKinds.join(', ')}.` } }
  }
  const metadata = isJsonObject(value.metadata) ? value.metadata : {}
  const name = asText(metadata.name)
  const namespace = asText(metadata.namespace) ?? defaultNamespace
  const { group, versions } = istioKinds[kind]
  if (!apiVersion.startsWith(`${group}/`)) {
    return {
      problem: {
        severity: 'error',
        kind,
        ...(name ? { namespace, name } : {}),
        message: `apiVersion "${apiVersion}" is not ${group}.`,
        hint: `Use \`apiVersion: ${group}/${versions[0]}\` (or ${versions.slice(1).join('/')}).`,
      },
    }
  }
  if (!name) return { problem: { severity: 'error', kind, field: 'metadata.name', message: 'metadata.name is missing.', hint: 'Give every object a name.' } }
  if (!isJsonObject(value.spec)) {
    return { problem: { severity: 'error', kind, namespace, name, field: 'spec', message: 'spec is missing or not a mapping.', hint: 'Add the spec of the object.' } }
  }
  return { object: { kind, name, namespace, spec: value.spec } as MeshObject }
}
