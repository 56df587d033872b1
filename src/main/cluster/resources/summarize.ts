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

/** A Kubernetes object as JSON from the API; we read only what the rows need. */
export type KubeObject = Record<string, unknown>

type Obj = Record<string, unknown>
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {})
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : [])
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0)
const strMap = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [k, val] of Object.entries(obj(v))) if (typeof val === 'string') out[k] = val
  return out
}

function baseOf(o: KubeObject): { uid: string; name: string; namespace: string | null; labels: Record<string, string>; createdAt: string | null } {
  const m = obj(o.metadata)
  return { uid: str(m.uid) ?? '', name: str(m.name) ?? '', namespace: str(m.namespace), labels: strMap(m.labels), createdAt: str(m.creationTimestamp) }
}

function controller(o: KubeObject): { kind: string; name: string } | null {
  const ref = arr(obj(o.metadata).ownerReferences).find((r) => r.controller === true) ?? arr(obj(o.metadata).ownerReferences)[0]
  return ref ? { kind: str(ref.kind) ?? '', name: str(ref.name) ?? '' } : null
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
      return obj(o).kind === 'Endpoints' ? endpointsRow(o) : endpointSliceRow(o)
    case 'namespaces':
      return { ...baseOf(o), kind: 'namespaces', phase: str(obj(o.status).phase) ?? 'Active' } satisfies NamespaceRow
    case 'events':
      return eventRow(o)
  }
}

export function podRow(o: KubeObject): PodRow {
  const status = obj(o.status)
  const spec = obj(o.spec)
  const statuses = new Map(arr(status.containerStatuses).map((c) => [str(c.name) ?? '', c]))
  const initStatuses = new Map(arr(status.initContainerStatuses).map((c) => [str(c.name) ?? '', c]))
  const containers = [
    ...arr(spec.initContainers).map((c) => containerRow(c, initStatuses.get(str(c.name) ?? ''), true)),
    ...arr(spec.containers).map((c) => containerRow(c, statuses.get(str(c.name) ?? ''), false)),
  ]
  const main = containers.filter((c) => !c.init)
  const phase = str(status.phase) ?? 'Pending'
  return {
    ...baseOf(o),
    kind: 'pods',
    phase,
    status: podDisplayStatus(o, phase, containers),
    ready: main.filter((c) => c.ready).length,
    total: main.length,
    restarts: main.reduce((sum, c) => sum + c.restarts, 0),
    node: str(spec.nodeName),
    ip: str(status.podIP),
    owner: controller(o),
    containers,
  }
}

function containerRow(spec: Obj, status: Obj | undefined, init: boolean): PodRow['containers'][number] {
  const state = obj(status?.state)
  const which = state.running ? 'running' : state.terminated ? 'terminated' : state.waiting ? 'waiting' : 'waiting'
  const reason = str(obj(state.waiting).reason) ?? str(obj(state.terminated).reason)
  return { name: str(spec.name) ?? '', image: str(spec.image) ?? '', ready: status?.ready === true, restarts: num(status?.restartCount), state: which, reason, init }
}

/** kubectl's STATUS column, simplified: Terminating beats all; then a waiting/terminated reason; then the phase. */
export function podDisplayStatus(o: KubeObject, phase: string, containers: PodRow['containers']): string {
  if (str(obj(o.metadata).deletionTimestamp)) return 'Terminating'
  const statusReason = str(obj(o.status).reason)
  if (statusReason) return statusReason
  const initBlocked = containers.find((c) => c.init && c.state !== 'terminated' && c.reason)
  if (initBlocked) return `Init:${initBlocked.reason}`
  const bad = containers.find((c) => !c.init && c.reason && c.reason !== 'Completed')
  if (bad?.reason) return bad.reason
  return phase
}

export function nodeRow(o: KubeObject): NodeRow {
  const status = obj(o.status)
  const labels = strMap(obj(o.metadata).labels)
  const conditions = arr(status.conditions).map((c) => ({ type: str(c.type) ?? '', status: str(c.status) ?? 'Unknown', reason: str(c.reason), message: str(c.message) }))
  const ready = conditions.find((c) => c.type === 'Ready')
  const roles = Object.keys(labels).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.slice('node-role.kubernetes.io/'.length))
  const q = (v: unknown): NodeRow['capacity'] => {
    const m = obj(v)
    return { cpu: str(m.cpu), memory: str(m.memory), pods: str(m.pods) }
  }
  return {
    ...baseOf(o),
    kind: 'nodes',
    status: ready?.status === 'True' ? 'Ready' : ready?.status === 'False' ? 'NotReady' : 'Unknown',
    unschedulable: obj(o.spec).unschedulable === true,
    roles,
    version: str(obj(status.nodeInfo).kubeletVersion) ?? '',
    internalIP: str(arr(status.addresses).find((a) => a.type === 'InternalIP')?.address),
    capacity: q(status.capacity),
    allocatable: q(status.allocatable),
    conditions,
  }
}

export function workloadRow(kind: WorkloadRow['kind'], o: KubeObject): WorkloadRow {
  const spec = obj(o.spec)
  const status = obj(o.status)
  const generation = num(obj(o.metadata).generation)
  const observed = num(status.observedGeneration)
  let desired: number, ready: number, updated: number, available: number
  if (kind === 'daemonsets') {
    desired = num(status.desiredNumberScheduled)
    ready = num(status.numberReady)
    updated = num(status.updatedNumberScheduled)
    available = num(status.numberAvailable)
  } else {
    desired = spec.replicas === undefined ? 1 : num(spec.replicas)
    ready = num(status.readyReplicas)
    updated = kind === 'replicasets' ? num(status.fullyLabeledReplicas) : num(status.updatedReplicas)
    available = kind === 'statefulsets' ? num(status.currentReplicas) : num(status.availableReplicas)
  }
  const progressing = arr(status.conditions).find((c) => c.type === 'Progressing')
  let rollout: WorkloadRow['rollout'] = 'complete'
  let message: string | null = null
  if (spec.paused === true) rollout = 'paused'
  else if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
    rollout = 'failed'
    message = str(progressing.message)
  } else if (observed < generation || updated < desired || ready < desired) rollout = 'progressing'
  return { ...baseOf(o), kind, desired, ready, updated, available, rollout, message, owner: controller(o), selector: strMap(obj(spec.selector).matchLabels) }
}

export function serviceRow(o: KubeObject): ServiceRow {
  const spec = obj(o.spec)
  const ports = arr(spec.ports).map((p) => {
    const target = p.targetPort !== undefined && p.targetPort !== p.port ? `→${String(p.targetPort)}` : ''
    const node = p.nodePort ? `:${num(p.nodePort)}` : ''
    return `${str(p.name) ? `${str(p.name)} ` : ''}${num(p.port)}${node}/${str(p.protocol) ?? 'TCP'}${target}`
  })
  return { ...baseOf(o), kind: 'services', type: str(spec.type) ?? 'ClusterIP', clusterIP: str(spec.clusterIP), ports, selector: strMap(spec.selector) }
}

export function endpointSliceRow(o: KubeObject): EndpointSliceRow {
  const readyAddrs: string[] = []
  const notReady: string[] = []
  for (const ep of arr(o.endpoints)) {
    const addresses = Array.isArray(ep.addresses) ? ep.addresses.filter((a): a is string => typeof a === 'string') : []
    // The v1beta1 API leaves ready unset to mean ready.
    ;(obj(ep.conditions).ready === false ? notReady : readyAddrs).push(...addresses)
  }
  const labels = strMap(obj(o.metadata).labels)
  return { ...baseOf(o), kind: 'endpointslices', service: labels['kubernetes.io/service-name'] ?? null, ready: readyAddrs, notReady }
}

/** Old-style Endpoints, shaped like a slice: one object per service, named after it. */
export function endpointsRow(o: KubeObject): EndpointSliceRow {
  const readyAddrs: string[] = []
  const notReady: string[] = []
  for (const subset of arr(o.subsets)) {
    readyAddrs.push(...arr(subset.addresses).flatMap((a) => (str(a.ip) ? [str(a.ip) as string] : [])))
    notReady.push(...arr(subset.notReadyAddresses).flatMap((a) => (str(a.ip) ? [str(a.ip) as string] : [])))
  }
  const b = baseOf(o)
  return { ...b, kind: 'endpointslices', service: b.name, ready: readyAddrs, notReady }
}

export function eventRow(o: KubeObject): EventRow {
  const involved = obj(o.involvedObject)
  return {
    ...baseOf(o),
    kind: 'events',
    type: str(o.type) ?? 'Normal',
    reason: str(o.reason) ?? '',
    message: str(o.message) ?? '',
    count: num(o.count) || 1,
    lastSeen: str(o.lastTimestamp) ?? str(o.eventTime) ?? str(obj(o.metadata).creationTimestamp),
    involved: { kind: str(involved.kind) ?? '', name: str(involved.name) ?? '', namespace: str(involved.namespace), uid: str(involved.uid) },
  }
}
