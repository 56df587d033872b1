import type { PodRow, TopologyNode } from '@shared/contract'

/** A cluster workload a topology node stands for: what its pods are found by. */
export interface WorkloadRef {
  kind: 'Deployment' | 'StatefulSet'
  name: string
}

const workloadKinds = new Set(['Deployment', 'StatefulSet'])

/**
 * The Pods page's log view of a cluster workload's pods, from its topology node: the node's
 * Deployments and StatefulSets (its refs), in its namespace. Null for a node that is not a cluster
 * workload (a service, a demo process: those show their logs in the side panel).
 */
export function podLogsLink(node: Pick<TopologyNode, 'kind' | 'refs'>): { path: string; query: Record<string, string> } | null {
  if (node.kind !== 'workload' && node.kind !== 'version') return null
  const refs = node.refs.filter((r) => workloadKinds.has(r.kind))
  const namespace = refs[0]?.namespace
  if (!namespace) return null
  const workloads = refs.filter((r) => r.namespace === namespace).map((r) => `${r.kind}/${r.name}`)
  return { path: '/pods', query: { namespace, workloads: workloads.join(','), tab: 'logs' } }
}

/** The workloads a Pods page link names (?workloads=Deployment/a,StatefulSet/b); malformed items are dropped. */
export function parseWorkloads(value: unknown): WorkloadRef[] {
  if (typeof value !== 'string') return []
  return value
    .split(',')
    .map((item) => /^(Deployment|StatefulSet)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(item.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ kind: m[1] as WorkloadRef['kind'], name: m[2] as string }))
}

/**
 * Whether a pod belongs to a workload, by its owner: a StatefulSet owns its pods; a Deployment owns
 * ReplicaSets named `<deployment>-<pod-template-hash>`, which own its pods.
 */
export function podOfWorkload(pod: Pick<PodRow, 'owner'>, workload: WorkloadRef): boolean {
  const owner = pod.owner
  if (!owner) return false
  if (workload.kind === 'StatefulSet') return owner.kind === 'StatefulSet' && owner.name === workload.name
  return owner.kind === 'ReplicaSet' && owner.name.startsWith(`${workload.name}-`) && /^[a-z0-9]+$/.test(owner.name.slice(workload.name.length + 1))
}
