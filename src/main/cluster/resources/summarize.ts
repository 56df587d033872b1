import {
  controllerOf,
  DaemonSet,
  Deployment,
  EndpointSlice,
  Endpoints,
  KubeEvent,
  Namespace,
  Node,
  nodeRolePrefix,
  Pod,
  ReplicaSet,
  serviceNameLabel,
  Service,
  StatefulSet,
  type ContainerStatus,
  type Container,
  type JsonObject,
  type ObjectMeta,
} from '../../model'
import type {
  EndpointSliceRow,
  EventRow,
  NamespaceRow,
  NodeRow,
  PodRow,
  ResourceKind,
  ResourceRow,
  ServiceRow,
  WorkloadRow,
} from '@shared/contract'

/** A Kubernetes object as JSON from the API; the model's readers take what the rows need. */
export type KubeObject = JsonObject

const int = (v: number | undefined): number => Math.trunc(v ?? 0)

function baseOf(m: ObjectMeta): { uid: string; name: string; namespace: string | null; labels: Record<string, string>; createdAt: string | null } {
  return { uid: m.uid, name: m.name, namespace: m.namespace ?? null, labels: m.labels, createdAt: m.creationTimestamp ?? null }
}

function controller(m: ObjectMeta): { kind: string; name: string } | null {
  const ref = controllerOf(m)
  return ref ? { kind: ref.kind ?? '', name: ref.name ?? '' } : null
}

/** The compact row the renderer shows; no secrets, no managedFields, no full spec. */
export function summarize(kind: ResourceKind, o: KubeObject): ResourceRow {
  switch (kind) {
    case 'pods':
      return podRow(o)
    case 'nodes':
      return nodeRow(o)
    case 'deployments':
    case 'replicasets':
    case 'statefulsets':
    case 'daemonsets':
      return workloadRow(kind, o)
    case 'services':
      return serviceRow(o)
    case 'endpointslices':
      return o.kind === 'Endpoints' ? endpointsRow(o) : endpointSliceRow(o)
    case 'namespaces': {
      const namespace = Namespace.read(o)
      return { ...baseOf(namespace.metadata), kind: 'namespaces', phase: namespace.status.phase ?? 'Active' } satisfies NamespaceRow
    }
    case 'events':
      return eventRow(o)
  }
}

export function podRow(o: KubeObject): PodRow {
  const pod = Pod.read(o)
  const { spec, status } = pod
  const statuses = new Map(status.containerStatuses.map((c) => [c.name ?? '', c]))
  const initStatuses = new Map(status.initContainerStatuses.map((c) => [c.name ?? '', c]))
  const containers = [
    ...spec.initContainers.map((c) => containerRow(c, initStatuses.get(c.name ?? ''), true)),
    ...spec.containers.map((c) => containerRow(c, statuses.get(c.name ?? ''), false)),
  ]
  const main = containers.filter((c) => !c.init)
  const phase = status.phase ?? 'Pending'
  return {
    ...baseOf(pod.metadata),
    kind: 'pods',
    phase,
    status: podDisplayStatus(pod, phase, containers),
    ready: main.filter((c) => c.ready).length,
    total: main.length,
    restarts: main.reduce((sum, c) => sum + c.restarts, 0),
    node: spec.nodeName ?? null,
    ip: status.podIP ?? null,
    owner: controller(pod.metadata),
    containers,
  }
}

function containerRow(spec: Container, status: ContainerStatus | undefined, init: boolean): PodRow['containers'][number] {
  const state = status?.state
  const which = state?.running ? 'running' : state?.terminated ? 'terminated' : 'waiting'
  const reason = state?.waiting?.reason ?? state?.terminated?.reason ?? null
  return { name: spec.name ?? '', image: spec.image ?? '', ready: status?.ready === true, restarts: int(status?.restartCount), state: which, reason, init }
}

/** kubectl's STATUS column, simplified: Terminating beats all; then a waiting/terminated reason; then the phase. */
export function podDisplayStatus(pod: Pod, phase: string, containers: PodRow['containers']): string {
  if (pod.metadata.deletionTimestamp) return 'Terminating'
  if (pod.status.reason) return pod.status.reason
  const initBlocked = containers.find((c) => c.init && c.state !== 'terminated' && c.reason)
  if (initBlocked) return `Init:${initBlocked.reason}`
  const bad = containers.find((c) => !c.init && c.reason && c.reason !== 'Completed')
  if (bad?.reason) return bad.reason
  return phase
}

export function nodeRow(o: KubeObject): NodeRow {
  const node = Node.read(o)
  const { status } = node
  const conditions = status.conditions.map((c) => ({ type: c.type ?? '', status: c.status ?? 'Unknown', reason: c.reason ?? null, message: c.message ?? null }))
  const ready = conditions.find((c) => c.type === 'Ready')
  const roles = Object.keys(node.metadata.labels).filter((k) => k.startsWith(nodeRolePrefix)).map((k) => k.slice(nodeRolePrefix.length))
  const q = (r: typeof status.capacity): NodeRow['capacity'] => ({ cpu: r.cpu ?? null, memory: r.memory ?? null, pods: r.pods ?? null })
  return {
    ...baseOf(node.metadata),
    kind: 'nodes',
    status: ready?.status === 'True' ? 'Ready' : ready?.status === 'False' ? 'NotReady' : 'Unknown',
    unschedulable: node.spec.unschedulable === true,
    roles,
    version: status.nodeInfo.kubeletVersion ?? '',
    internalIP: status.addresses.find((a) => a.type === 'InternalIP')?.address ?? null,
    capacity: q(status.capacity),
    allocatable: q(status.allocatable),
    conditions,
  }
}

const workloadKinds = { deployments: Deployment, replicasets: ReplicaSet, statefulsets: StatefulSet, daemonsets: DaemonSet }

export function workloadRow(kind: WorkloadRow['kind'], o: KubeObject): WorkloadRow {
  const { metadata, spec, status } = workloadKinds[kind].read(o)
  const generation = int(metadata.generation)
  const observed = int(status.observedGeneration)
  let desired: number, ready: number, updated: number, available: number
  if (kind === 'daemonsets') {
    desired = int(status.desiredNumberScheduled)
    ready = int(status.numberReady)
    updated = int(status.updatedNumberScheduled)
    available = int(status.numberAvailable)
  } else {
    // The API defaults replicas to 1 when the manifest leaves it out.
    desired = int(spec.replicas ?? 1)
    ready = int(status.readyReplicas)
    updated = kind === 'replicasets' ? int(status.fullyLabeledReplicas) : int(status.updatedReplicas)
    available = kind === 'statefulsets' ? int(status.currentReplicas) : int(status.availableReplicas)
  }
  const progressing = status.conditions.find((c) => c.type === 'Progressing')
  let rollout: WorkloadRow['rollout'] = 'complete'
  let message: string | null = null
  if (spec.paused === true) rollout = 'paused'
  else if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
    rollout = 'failed'
    message = progressing.message ?? null
  } else if (observed < generation || updated < desired || ready < desired) rollout = 'progressing'
  return { ...baseOf(metadata), kind, desired, ready, updated, available, rollout, message, owner: controller(metadata), selector: spec.selector.matchLabels }
}

export function serviceRow(o: KubeObject): ServiceRow {
  const { metadata, spec } = Service.read(o)
  const ports = spec.ports.map((p) => {
    const target = p.targetPort !== undefined && p.targetPort !== p.port ? `→${String(p.targetPort)}` : ''
    const node = p.nodePort ? `:${int(p.nodePort)}` : ''
    return `${p.name ? `${p.name} ` : ''}${int(p.port)}${node}/${p.protocol ?? 'TCP'}${target}`
  })
  return { ...baseOf(metadata), kind: 'services', type: spec.type ?? 'ClusterIP', clusterIP: spec.clusterIP ?? null, ports, selector: spec.selector }
}

export function endpointSliceRow(o: KubeObject): EndpointSliceRow {
  const slice = EndpointSlice.read(o)
  const readyAddrs: string[] = []
  const notReady: string[] = []
  // An unset `ready` (v1beta1 leaves it so) means ready.
  for (const ep of slice.endpoints) (ep.conditions.ready === false ? notReady : readyAddrs).push(...ep.addresses)
  return { ...baseOf(slice.metadata), kind: 'endpointslices', service: slice.metadata.labels[serviceNameLabel] ?? null, ready: readyAddrs, notReady }
}

/** Old-style Endpoints, shaped like a slice: one object per service, named after it. */
export function endpointsRow(o: KubeObject): EndpointSliceRow {
  const { metadata, subsets } = Endpoints.read(o)
  const ips = (addresses: { ip?: string }[]): string[] => addresses.flatMap((a) => (a.ip ? [a.ip] : []))
  const readyAddrs = subsets.flatMap((subset) => ips(subset.addresses))
  const notReady = subsets.flatMap((subset) => ips(subset.notReadyAddresses))
  const b = baseOf(metadata)
  return { ...b, kind: 'endpointslices', service: b.name, ready: readyAddrs, notReady }
}

export function eventRow(o: KubeObject): EventRow {
  const event = KubeEvent.read(o)
  const involved = event.involvedObject
  return {
    ...baseOf(event.metadata),
    kind: 'events',
    type: event.type ?? 'Normal',
    reason: event.reason ?? '',
    message: event.message ?? '',
    count: int(event.count) || 1,
    lastSeen: event.lastTimestamp ?? event.eventTime ?? event.metadata.creationTimestamp ?? null,
    involved: { kind: involved.kind ?? '', name: involved.name ?? '', namespace: involved.namespace ?? null, uid: involved.uid ?? null },
  }
}
