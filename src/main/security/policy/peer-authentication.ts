import {
  defaultRootNamespace,
  hasSelector,
  oldestFirst,
  refOf,
  selectorMatches,
  type PeerAuthenticationLike,
  type PeerAuthenticationMode,
  type PolicyWorkload,
} from './types'

export type EffectiveMode = Exclude<PeerAuthenticationMode, 'UNSET'>
export type ModeSource = 'default' | 'mesh' | 'namespace' | 'workload' | 'port'

export interface EffectivePeerAuthentication {
  mode: EffectiveMode
  /** Which level decided the mode; 'default' is Istio's PERMISSIVE when nothing says otherwise. */
  source: ModeSource
  /** The PeerAuthentication that decided it, "PeerAuthentication ns/name", or null. */
  policy: string | null
}

export interface WorkloadPeerAuthentication extends EffectivePeerAuthentication {
  /** Ports a workload-level policy sets explicitly (workload port numbers). */
  ports: Record<number, EffectivePeerAuthentication>
  /** The policies that apply at each level, after Istio's oldest-wins tie-break. */
  applied: { mesh: string | null; namespace: string | null; workload: string | null }
}

const isSet = (mode: PeerAuthenticationMode | undefined): mode is EffectiveMode => mode !== undefined && mode !== 'UNSET'

/**
 * Policies per namespace, oldest first, per policies list: sorting every policy for every workload
 * dominated conflict detection on big meshes. Lists are not changed once built (size-checked).
 */
const sortedIndexes = new WeakMap<readonly PeerAuthenticationLike[], { size: number; byNamespace: Map<string, PeerAuthenticationLike[]> }>()

function oldestFirstByNamespace(policies: readonly PeerAuthenticationLike[]): Map<string, PeerAuthenticationLike[]> {
  const known = sortedIndexes.get(policies)
  if (known && known.size === policies.length) return known.byNamespace
  const byNamespace = new Map<string, PeerAuthenticationLike[]>()
  for (const policy of [...policies].sort(oldestFirst)) {
    const namespace = policy.metadata?.namespace ?? 'default'
    const list = byNamespace.get(namespace) ?? []
    list.push(policy)
    byNamespace.set(namespace, list)
  }
  sortedIndexes.set(policies, { size: policies.length, byNamespace })
  return byNamespace
}

/** The PeerAuthentications that apply to a workload at each level (Istio's selection rules). */
export function applicablePeerAuthentications(
  policies: PeerAuthenticationLike[],
  workload: PolicyWorkload,
  rootNamespace = defaultRootNamespace,
): { mesh?: PeerAuthenticationLike; namespace?: PeerAuthenticationLike; workload?: PeerAuthenticationLike } {
  const byNamespace = oldestFirstByNamespace(policies)
  const inRoot = byNamespace.get(rootNamespace) ?? []
  const inOwn = byNamespace.get(workload.namespace) ?? []
  return {
    mesh: inRoot.find((p) => !hasSelector(p.spec?.selector)),
    namespace: workload.namespace === rootNamespace ? undefined : inOwn.find((p) => !hasSelector(p.spec?.selector)),
    // A selector in the root namespace does not make a workload policy (Istio ignores it there).
    workload:
      workload.namespace === rootNamespace ? undefined : inOwn.find((p) => hasSelector(p.spec?.selector) && selectorMatches(p.spec?.selector, workload.labels)),
  }
}

/**
 * Istio's precedence: mesh-wide (root namespace, no selector) → namespace → workload selector →
 * portLevelMtls. UNSET inherits from the level above; with nothing set the mode is PERMISSIVE.
 * portLevelMtls counts only on a workload-level policy, as in Istio.
 */
export function effectivePeerAuthentication(
  policies: PeerAuthenticationLike[],
  workload: PolicyWorkload,
  rootNamespace = defaultRootNamespace,
): WorkloadPeerAuthentication {
  const levels = applicablePeerAuthentications(policies, workload, rootNamespace)
  let current: EffectivePeerAuthentication = { mode: 'PERMISSIVE', source: 'default', policy: null }
  for (const [source, policy] of [
    ['mesh', levels.mesh],
    ['namespace', levels.namespace],
    ['workload', levels.workload],
  ] as const) {
    const mode = policy?.spec?.mtls?.mode
    if (policy && isSet(mode)) current = { mode, source, policy: refOf('PeerAuthentication', policy.metadata) }
  }
  const ports: Record<number, EffectivePeerAuthentication> = {}
  for (const [port, setting] of Object.entries(levels.workload?.spec?.portLevelMtls ?? {})) {
    const mode = setting.mode
    ports[Number(port)] = isSet(mode) ? { mode, source: 'port', policy: refOf('PeerAuthentication', levels.workload?.metadata) } : { ...current }
  }
  return {
    ...current,
    ports,
    applied: {
      mesh: levels.mesh ? refOf('PeerAuthentication', levels.mesh.metadata) : null,
      namespace: levels.namespace ? refOf('PeerAuthentication', levels.namespace.metadata) : null,
      workload: levels.workload ? refOf('PeerAuthentication', levels.workload.metadata) : null,
    },
  }
}

/** The mode a workload enforces on one of its ports. */
export function peerAuthenticationForPort(effective: WorkloadPeerAuthentication, port: number): EffectivePeerAuthentication {
  const { mode, source, policy } = effective.ports[port] ?? effective
  return { mode, source, policy }
}
