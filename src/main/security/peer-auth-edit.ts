import { isMap, parseAllDocuments, stringify } from 'yaml'
import type { PeerAuthMode, PeerAuthTarget } from '@shared/contract'
import type { MeshSnapshot } from '../mesh'

type PeerAuthentication = MeshSnapshot['peerAuthentications'][number]

/**
 * Setting a PeerAuthentication's mTLS mode from the Security page: which object that is (the
 * namespace's policy without a selector, or the one selecting the workload's app), the file it goes
 * to, and the file's new text with only `spec.mtls.mode` changed. Pure: the editor in io/ reads and
 * writes the file.
 */

/** The policy that governs the target today, if the mesh has one. */
export function findPeerAuthentication(snapshot: MeshSnapshot, target: PeerAuthTarget): PeerAuthentication | undefined {
  return snapshot.peerAuthentications.find((p) => {
    if (p.namespace !== target.namespace) return false
    const labels = p.spec.selector?.matchLabels ?? {}
    const keys = Object.keys(labels)
    if (target.app === undefined) return keys.length === 0
    return keys.length === 1 && labels['app'] === target.app
  })
}

/** Name and file of a policy Meshdeck creates: `default` per namespace (Istio's convention), the app's name per workload. */
export function newPeerAuthentication(target: PeerAuthTarget): { name: string; file: string } {
  const name = target.app ?? 'default'
  return { name, file: `peer-authentication-${target.namespace}${target.app ? `-${target.app}` : ''}.yaml` }
}

/** The file's text with the named policy's mode set; a new document when `text` is null. */
export function setPeerAuthMode(text: string | null, policy: { name: string; namespace: string }, target: PeerAuthTarget, mode: PeerAuthMode): string {
  if (text === null) {
    const spec = target.app ? { selector: { matchLabels: { app: target.app } }, mtls: { mode } } : { mtls: { mode } }
    const header = `# Written by Meshdeck's Security page: mTLS for ${target.app ? `workloads with app=${target.app}` : 'every workload'} in ${target.namespace}.\n`
    return header + stringify({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: policy.name, namespace: policy.namespace }, spec })
  }
  const docs = parseAllDocuments(text)
  if (!Array.isArray(docs)) throw new Error('not YAML documents')
  const doc = docs.find((d) => {
    const json = d.toJS() as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null
    return json?.kind === 'PeerAuthentication' && json.metadata?.name === policy.name && (json.metadata?.namespace ?? 'default') === policy.namespace
  })
  if (!doc || !isMap(doc.contents)) throw new Error(`PeerAuthentication ${policy.namespace}/${policy.name} is not in this file`)
  doc.setIn(['spec', 'mtls', 'mode'], mode)
  return docs.map((d) => d.toString({ lineWidth: 0 })).join('')
}
