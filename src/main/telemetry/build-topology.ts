import type { ConfigRef, HealthClass, TopologyEdge, TopologyNode } from '@shared/contract'
import { readinessHealth, trafficHealth, worseHealth } from './health'
import { topologyIds } from './ids'
import { defaultHealthThresholds, type HealthThresholds, type ServiceInput, type TopologyInput, type TrafficSource, type WorkloadInput } from './inputs'
import { accumulate, emptyAccumulator, round, toTrafficStats, type TrafficAccumulator } from './traffic-stats'

/** The graph without its version number; TopologyService numbers it when it changes. */
export interface TopologyElements {
  nodes: TopologyNode[]
  edges: TopologyEdge[]
}

export interface BuildOptions {
  thresholds?: HealthThresholds
}

/** A node that runs something: a version of an app, or a workload without app/version labels. */
interface RunningNode {
  id: string
  workloads: WorkloadInput[]
}

interface RouteEdgeDraft {
  source: string
  target: string
  anyWeight: number | null
  sourceWeights: Map<string, number>
  traffic: TrafficAccumulator
  refs: ConfigRef[]
}

/**
 * Builds the service graph from plain inputs, with no I/O: services, the workloads behind them,
 * the weights VirtualServices configure, and the traffic actually observed. Routes and traffic meet
 * on the same service → version edge, so the configured weight and the observed share sit side by side.
 */
export function buildTopology(input: TopologyInput, options: BuildOptions = {}): TopologyElements {
  const thresholds = options.thresholds ?? defaultHealthThresholds
  const nodes = new Map<string, TopologyNode>()
  const services = new Map<string, ServiceInput>(input.services.map((s) => [s.host, s]))

  const ensureNamespace = (namespace: string): string => {
    const id = topologyIds.namespace(namespace)
    if (!nodes.has(id)) nodes.set(id, box(id, 'namespace', namespace, null, namespace, null))
    return id
  }
  const ensureApp = (namespace: string, app: string): string => {
    const id = topologyIds.app(namespace, app)
    if (!nodes.has(id)) nodes.set(id, box(id, 'app', app, ensureNamespace(namespace), namespace, app))
    return id
  }

  // Running nodes: one per app version (all its workloads together), else one per workload.
  const running = new Map<string, RunningNode>()
  const nodeOfWorkload = new Map<string, string>()
  for (const w of input.workloads) {
    const id = w.app && w.version ? topologyIds.version(w.namespace, w.app, w.version) : topologyIds.workload(w.namespace, w.name)
    nodeOfWorkload.set(`${w.namespace}/${w.name}`, id)
    const entry = running.get(id) ?? { id, workloads: [] }
    entry.workloads.push(w)
    running.set(id, entry)
  }
  for (const { id, workloads } of running.values()) {
    const first = workloads[0] as WorkloadInput
    const parent = first.app ? ensureApp(first.namespace, first.app) : ensureNamespace(first.namespace)
    const ready = workloads.reduce((n, w) => n + w.ready, 0)
    const desired = workloads.reduce((n, w) => n + w.desired, 0)
    nodes.set(id, {
      id,
      kind: first.app && first.version ? 'version' : 'workload',
      label: first.app && first.version ? `${first.app} ${first.version}` : first.name,
      parent,
      namespace: first.namespace,
      app: first.app,
      version: first.version,
      health: readinessHealth(ready, desired),
      stats: null,
      missing: false,
      refs: uniqueRefs(workloads.flatMap((w) => w.refs)),
    })
  }

  const ensureService = (host: string): string => {
    const id = topologyIds.service(host)
    if (nodes.has(id)) return id
    const svc = services.get(host)
    const namespace = svc?.namespace ?? namespaceOfHost(host)
    const known = svc !== undefined || namespace !== null
    const ns = namespace ?? 'external'
    const parent = svc?.app && hasApp(input.workloads, ns, svc.app) ? ensureApp(ns, svc.app) : ensureNamespace(ns)
    nodes.set(id, {
      id,
      kind: known ? 'service' : 'external',
      label: shortHost(host),
      parent,
      namespace: ns,
      app: svc?.app ?? null,
      version: null,
      health: 'idle',
      stats: null,
      missing: false,
      refs: svc ? [...svc.refs] : [],
    })
    return id
  }
  for (const s of input.services) ensureService(s.host)

  const membersByHost = new Map<string, WorkloadInput[]>()
  for (const w of input.workloads) for (const host of w.services) membersByHost.set(host, [...(membersByHost.get(host) ?? []), w])

  /** The running nodes a route or a report for host/subset lands on; a subset nothing matches gets a "missing" node. */
  const targetsOf = (host: string, subset: string | null): string[] => {
    const members = membersByHost.get(host) ?? []
    if (subset === null) return unique(members.map((w) => nodeOfWorkload.get(`${w.namespace}/${w.name}`) as string))
    const def = services.get(host)?.subsets.find((s) => s.name === subset)
    const matching = def ? members.filter((w) => matchesLabels(w, def.labels)) : []
    if (matching.length > 0) return unique(matching.map((w) => nodeOfWorkload.get(`${w.namespace}/${w.name}`) as string))
    const id = topologyIds.missingSubset(host, subset)
    if (!nodes.has(id)) {
      const serviceNode = nodes.get(ensureService(host)) as TopologyNode
      nodes.set(id, {
        id,
        kind: 'version',
        label: `${serviceNode.app ?? shortHost(host)} ${subset}`,
        parent: serviceNode.parent,
        namespace: serviceNode.namespace,
        app: serviceNode.app,
        version: subset,
        health: 'idle',
        stats: null,
        missing: true,
        refs: services.get(host)?.refs.filter((r) => r.kind === 'DestinationRule') ?? [],
      })
    }
    return [id]
  }

  /** The running nodes of a service's workloads that carry this version label (a report by version, not subset). */
  const targetsOfVersion = (host: string, version: string): string[] =>
    unique((membersByHost.get(host) ?? []).filter((w) => (w.version ?? w.labels.version) === version).map((w) => nodeOfWorkload.get(`${w.namespace}/${w.name}`) as string))

  // service → version edges: membership first, then configured weights, then observed traffic.
  const routeEdges = new Map<string, RouteEdgeDraft>()
  const routeEdge = (source: string, target: string): RouteEdgeDraft => {
    const id = topologyIds.routeEdge(source, target)
    let draft = routeEdges.get(id)
    if (!draft) {
      draft = { source, target, anyWeight: null, sourceWeights: new Map(), traffic: emptyAccumulator(), refs: [] }
      routeEdges.set(id, draft)
    }
    return draft
  }
  for (const w of input.workloads) {
    for (const host of w.services) routeEdge(ensureService(host), nodeOfWorkload.get(`${w.namespace}/${w.name}`) as string)
  }
  for (const route of input.routes) {
    const serviceId = ensureService(route.host)
    const targets = targetsOf(route.destinationHost, route.subset)
    // A route without a subset to a service with several versions says nothing about each one.
    if (route.subset === null && targets.length !== 1) continue
    for (const target of targets) {
      const draft = routeEdge(serviceId, target)
      if (route.source === 'any') draft.anyWeight = Math.min(100, (draft.anyWeight ?? 0) + route.weight)
      else draft.sourceWeights.set(route.source.host, Math.min(100, (draft.sourceWeights.get(route.source.host) ?? 0) + route.weight))
      draft.refs.push(route.origin)
      const serviceNode = nodes.get(serviceId) as TopologyNode
      serviceNode.refs = uniqueRefs([...serviceNode.refs, route.origin])
    }
  }

  // caller → service edges from observed traffic; the subset part also lands on the route edge.
  const requestEdges = new Map<string, { source: string; target: string; traffic: TrafficAccumulator }>()
  const observedByHost = new Map<string, number>()
  for (const stat of input.stats) {
    const serviceId = ensureService(stat.destinationHost)
    const sourceId = sourceNode(stat.source)
    const id = topologyIds.requestEdge(sourceId, serviceId)
    const edge = requestEdges.get(id) ?? { source: sourceId, target: serviceId, traffic: emptyAccumulator() }
    accumulate(edge.traffic, stat)
    requestEdges.set(id, edge)
    observedByHost.set(stat.destinationHost, (observedByHost.get(stat.destinationHost) ?? 0) + stat.rps)
    const targets = stat.subset === null && stat.destinationVersion ? targetsOfVersion(stat.destinationHost, stat.destinationVersion) : targetsOf(stat.destinationHost, stat.subset)
    if (targets.length === 1) accumulate(routeEdge(serviceId, targets[0] as string).traffic, stat)
  }

  function sourceNode(source: TrafficSource): string {
    if (source === 'unknown') {
      const id = topologyIds.unknownSource()
      if (!nodes.has(id)) {
        nodes.set(id, { id, kind: 'external', label: 'unknown caller', parent: null, namespace: '', app: null, version: null, health: 'idle', stats: null, missing: false, refs: [] })
      }
      return id
    }
    if ('service' in source) return ensureService(source.service)
    const known = nodeOfWorkload.get(`${source.workload.namespace}/${source.workload.name}`)
    if (known) return known
    // A caller reported by the control plane before the workload list caught up: show it anyway.
    const id = topologyIds.workload(source.workload.namespace, source.workload.name)
    if (!nodes.has(id)) {
      nodes.set(id, {
        id,
        kind: 'workload',
        label: source.workload.name,
        parent: ensureNamespace(source.workload.namespace),
        namespace: source.workload.namespace,
        app: null,
        version: null,
        health: 'idle',
        stats: null,
        missing: false,
        refs: [],
      })
    }
    return id
  }

  const edges: TopologyEdge[] = []
  const inbound = new Map<string, TrafficAccumulator>()
  for (const [id, e] of requestEdges) {
    const stats = toTrafficStats(e.traffic)
    mergeInbound(inbound, e.target, e.traffic)
    edges.push({
      id,
      kind: 'request',
      source: e.source,
      target: e.target,
      configuredWeight: null,
      sourceWeights: [],
      observedShare: null,
      stats,
      health: trafficHealth(stats, thresholds),
      mtls: e.traffic.mtls,
      refs: [],
    })
  }
  for (const [id, d] of routeEdges) {
    const stats = toTrafficStats(d.traffic)
    mergeInbound(inbound, d.target, d.traffic)
    const serviceNode = nodes.get(d.source) as TopologyNode
    const host = d.source.slice('svc:'.length)
    const total = observedByHost.get(host) ?? 0
    const configured = d.anyWeight !== null || d.sourceWeights.size > 0
    let health = trafficHealth(stats, thresholds)
    // Sending a share of traffic to a subset nothing serves fails those requests even before any are seen.
    if ((nodes.get(d.target) as TopologyNode).missing && ((d.anyWeight ?? 0) > 0 || stats.rps > 0)) health = 'failing'
    edges.push({
      id,
      kind: 'route',
      source: d.source,
      target: d.target,
      configuredWeight: d.anyWeight === null ? null : round(d.anyWeight, 2),
      sourceWeights: [...d.sourceWeights].sort(([a], [b]) => a.localeCompare(b)).map(([source, weight]) => ({ source, weight: round(weight, 2) })),
      observedShare: total > 0 ? round(Math.min(100, (d.traffic.rps / total) * 100), 1) : null,
      stats,
      health,
      mtls: d.traffic.mtls,
      refs: uniqueRefs([...d.refs, ...(configured ? serviceNode.refs.filter((r) => r.kind === 'DestinationRule') : [])]),
    })
  }

  for (const [id, acc] of inbound) {
    const node = nodes.get(id) as TopologyNode
    node.stats = toTrafficStats(acc)
    node.health = worseHealth(node.health, trafficHealth(node.stats, thresholds))
  }
  for (const edge of edges) {
    const target = nodes.get(edge.target) as TopologyNode
    if (target.missing && edge.health === 'failing') target.health = 'failing'
  }
  for (const node of nodes.values()) {
    if (node.kind !== 'namespace' && node.kind !== 'app' && node.stats === null) node.stats = toTrafficStats(emptyAccumulator())
  }
  rollUpBoxHealth(nodes)

  return {
    nodes: [...nodes.values()].sort(byId),
    edges: edges.sort(byId),
  }
}

/** A service's inbound traffic is the sum of its request edges; a version's, the sum of its route edges. */
function mergeInbound(inbound: Map<string, TrafficAccumulator>, target: string, traffic: TrafficAccumulator): void {
  if (traffic.reports === 0) return
  const acc = inbound.get(target) ?? emptyAccumulator()
  accumulate(acc, traffic)
  inbound.set(target, acc)
}

/** A box is as healthy as its worst member, so a collapsed or zoomed-out view still shows trouble. */
function rollUpBoxHealth(nodes: Map<string, TopologyNode>): void {
  const order = (n: TopologyNode): number => (n.kind === 'app' ? 0 : n.kind === 'namespace' ? 1 : -1)
  const boxes = [...nodes.values()].filter((n) => order(n) >= 0).sort((a, b) => order(a) - order(b))
  for (const b of boxes) {
    let health: HealthClass = 'idle'
    for (const n of nodes.values()) if (n.parent === b.id) health = worseHealth(health, n.health)
    b.health = health
  }
}

function box(id: string, kind: 'namespace' | 'app', label: string, parent: string | null, namespace: string, app: string | null): TopologyNode {
  return { id, kind, label, parent, namespace, app, version: null, health: 'idle', stats: null, missing: false, refs: [] }
}

function matchesLabels(w: WorkloadInput, labels: Record<string, string>): boolean {
  const own: Record<string, string> = { ...w.labels }
  if (w.app !== null) own.app ??= w.app
  if (w.version !== null) own.version ??= w.version
  return Object.entries(labels).every(([k, v]) => own[k] === v)
}

function hasApp(workloads: WorkloadInput[], namespace: string, app: string): boolean {
  return workloads.some((w) => w.namespace === namespace && w.app === app)
}

/** `reviews.default.svc.cluster.local` → `default`; other hosts have no namespace of their own. */
function namespaceOfHost(host: string): string | null {
  const parts = host.split('.')
  return parts.length >= 3 && parts[2] === 'svc' ? (parts[1] ?? null) : null
}

/** `reviews.default.svc.cluster.local` → `reviews`; anything else as it is. */
function shortHost(host: string): string {
  return namespaceOfHost(host) !== null ? (host.split('.')[0] ?? host) : host
}

function uniqueRefs(refs: ConfigRef[]): ConfigRef[] {
  const seen = new Map<string, ConfigRef>()
  for (const r of refs) seen.set(`${r.kind}/${r.namespace}/${r.name}`, r)
  return [...seen.values()].sort((a, b) => `${a.kind}/${a.namespace}/${a.name}`.localeCompare(`${b.kind}/${b.namespace}/${b.name}`))
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)].sort()
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}
