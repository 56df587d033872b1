import type { ConfigSnapshot } from './route-of-call'

export type { ConfigSnapshot } from './route-of-call'

/**
 * What the control plane did over time, kept so a span can be matched to the config that routed
 * it: each config version applied (with the snapshot, for the latest few) and, per xDS client,
 * which version of each resource type it ACKed when. Bounded: a fixed number of pushes,
 * snapshots, clients and ACKs per client. Pure: events and times in.
 */
export interface ConfigPush {
  atMs: number
  version: number
  kind: 'applied' | 'rejected' | 'sourcesChanged'
  detail: string
}

export interface AckRecord {
  atMs: number
  /** The resource type's short name (Listener, RouteConfiguration, Cluster, ClusterLoadAssignment). */
  type: string
  version: string
}

export interface KnownNode {
  nodeId: string
  /** Workload name, app and version labels from the node's metadata (Istio's proxyless form). */
  workload: string | null
  app: string | null
  version: string | null
  namespace: string | null
  podName: string | null
}

/** The control plane's events this history reads (a subset of ControlPlaneEvent). */
export type HistoryEvent =
  | { kind: 'applied'; version: number }
  | { kind: 'rejected'; version: number; objects: string[] }
  | { kind: 'sourcesChanged'; version: number; configSource: { kind: string; name: string } }
  | { kind: 'acked'; nodeId: string; type: string; version: string }
  | { kind: string }

export interface HistoryLimits {
  pushes: number
  snapshots: number
  nodes: number
  acksPerNode: number
}

const defaultLimits: HistoryLimits = { pushes: 500, snapshots: 24, nodes: 2_000, acksPerNode: 256 }

export class ConfigHistory {
  private readonly pushes: ConfigPush[] = []
  private readonly snapshots: { version: number; atMs: number; snapshot: ConfigSnapshot }[] = []
  /** ACKs per node id, oldest first; the map is in order of last ACK, so the stalest node goes first. */
  private readonly acks = new Map<string, AckRecord[]>()
  private readonly nodes = new Map<string, KnownNode>()
  private readonly limits: HistoryLimits

  constructor(limits: Partial<HistoryLimits> = {}) {
    this.limits = { ...defaultLimits, ...limits }
  }

  /** Records one event; `snapshot` is read for an applied version (the config now served). */
  record(event: HistoryEvent, atMs: number, snapshot?: () => ConfigSnapshot): void {
    if (event.kind === 'applied' || event.kind === 'rejected' || event.kind === 'sourcesChanged') {
      const e = event as Extract<HistoryEvent, { version: number }>
      const detail =
        e.kind === 'applied'
          ? `config version ${e.version} applied`
          : e.kind === 'rejected'
            ? `config version ${e.version}: ${(e as { objects: string[] }).objects.length} object(s) rejected, their last good version kept`
            : `now serving ${(e as { configSource: { name: string } }).configSource.name} (version ${e.version})`
      this.pushes.push({ atMs, version: e.version, kind: e.kind as ConfigPush['kind'], detail })
      if (this.pushes.length > this.limits.pushes) this.pushes.shift()
      if (e.kind !== 'rejected' && snapshot) {
        this.snapshots.push({ version: e.version, atMs, snapshot: snapshot() })
        if (this.snapshots.length > this.limits.snapshots) this.snapshots.shift()
      }
      return
    }
    if (event.kind === 'acked') {
      const e = event as Extract<HistoryEvent, { kind: 'acked' }>
      const list = this.acks.get(e.nodeId) ?? []
      this.acks.delete(e.nodeId)
      this.acks.set(e.nodeId, list)
      list.push({ atMs, type: e.type, version: e.version })
      if (list.length > this.limits.acksPerNode) list.shift()
      while (this.acks.size > this.limits.nodes) this.acks.delete(this.acks.keys().next().value as string)
    }
  }

  /** Remembers who a node is (from the connected clients' metadata), so it can be found after it left. */
  noteNode(node: KnownNode): void {
    this.nodes.delete(node.nodeId)
    this.nodes.set(node.nodeId, node)
    while (this.nodes.size > this.limits.nodes) this.nodes.delete(this.nodes.keys().next().value as string)
  }

  knownNodes(): KnownNode[] {
    return [...this.nodes.values()]
  }

  /** Per type, the latest version the node had ACKed at that time. */
  acksAt(nodeId: string, atMs: number): AckRecord[] {
    const latest = new Map<string, AckRecord>()
    for (const ack of this.acks.get(nodeId) ?? []) if (ack.atMs <= atMs) latest.set(ack.type, ack)
    return [...latest.values()]
  }

  /** Whether ACKs of the node from before `atMs` may have been dropped (its list is full). */
  ackHistoryStartsAfter(nodeId: string, atMs: number): boolean {
    const list = this.acks.get(nodeId)
    return !list || list.length === 0 || (list.length >= this.limits.acksPerNode && list[0]!.atMs > atMs)
  }

  /** The config snapshot served at a time: exact when that version's snapshot is still kept. */
  snapshotAt(atMs: number): { version: number; appliedAtMs: number; snapshot: ConfigSnapshot; exact: boolean } | null {
    let found: (typeof this.snapshots)[number] | undefined
    for (const entry of this.snapshots) if (entry.atMs <= atMs) found = entry
    if (found) return { version: found.version, appliedAtMs: found.atMs, snapshot: found.snapshot, exact: true }
    const oldest = this.snapshots[0]
    return oldest ? { version: oldest.version, appliedAtMs: oldest.atMs, snapshot: oldest.snapshot, exact: false } : null
  }

  pushesBetween(sinceMs: number, untilMs: number): ConfigPush[] {
    return this.pushes.filter((p) => p.atMs >= sinceMs && p.atMs <= untilMs)
  }
}

/** Istio's proxyless node id `sidecar~IP~POD.NAMESPACE~NAMESPACE.svc.cluster.local` → the pod and namespace. */
export function podOfNodeId(nodeId: string): { pod: string; namespace: string } | null {
  const parts = nodeId.split('~')
  if (parts.length < 4) return null
  const name = parts[2]!
  const dot = name.lastIndexOf('.')
  return dot === -1 ? null : { pod: name.slice(0, dot), namespace: name.slice(dot + 1) }
}

/** Who a node is, from its metadata (Istio's WORKLOAD_NAME, NAMESPACE, LABELS) and id. */
export function knownNodeOf(nodeId: string, metadata: Record<string, unknown>): KnownNode {
  const labels = typeof metadata.LABELS === 'object' && metadata.LABELS !== null ? (metadata.LABELS as Record<string, unknown>) : {}
  const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null)
  const pod = podOfNodeId(nodeId)
  return {
    nodeId,
    workload: text(metadata.WORKLOAD_NAME),
    app: text(labels.app) ?? text(labels['app.kubernetes.io/name']),
    version: text(labels.version) ?? text(labels['app.kubernetes.io/version']),
    namespace: text(metadata.NAMESPACE) ?? pod?.namespace ?? null,
    podName: pod?.pod ?? null,
  }
}

/**
 * What a control plane offers for recording its history: its events, the snapshot it serves and
 * its connected clients. The xDS control plane fits it; the composition root passes it in (traces
 * sits below xds in the layers and never imports it).
 */
export interface ControlPlaneHistorySource {
  onEvent(listener: (event: HistoryEvent) => void): { dispose(): void | Promise<void> }
  clients(): { nodeId: string; metadata: Record<string, unknown> }[]
  snapshot(): ConfigSnapshot
  status(): { servedVersion: number }
}
