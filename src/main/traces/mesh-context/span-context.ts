import type { Span } from '../span'
import type { AckRecord, ConfigHistory, KnownNode } from './config-history'
import { rolloutAt, type RolloutAt, type RolloutTimeline } from './rollout-at'
import { routeOfCall, type RouteDecision } from './route-of-call'

/**
 * The mesh config that routed a span's call — what only a tool that also runs the control plane
 * and the canary can say: the xDS version the calling client had ACKed at that moment, the
 * VirtualService route and DestinationRule subset the call went through, and the rollout step in
 * force with its weights. Each part that cannot be known says why. Pure.
 */
export interface SpanMeshContext {
  /** The call this context describes: caller service → callee host. */
  call: { caller: string | null; callee: string; path: string | null; atMs: number } | null
  client: { nodeId: string; workload: string | null; matchedBy: string } | null
  xds: { versions: AckRecord[]; routeVersion: string | null } | null
  route: (RouteDecision & { configVersion: number; configAppliedAtMs: number; exact: boolean }) | null
  rollout: RolloutAt | null
  notes: string[]
}

export interface MeshSources {
  history: ConfigHistory | null
  rollouts: readonly RolloutTimeline[]
}

export function spanMeshContext(span: Span, trace: readonly Span[], sources: MeshSources): SpanMeshContext {
  const notes: string[] = []
  const call = callOf(span, trace)
  if (!call) {
    return { call: null, client: null, xds: null, route: null, rollout: null, notes: ['This span is not part of a call between services (no client span, and no server span with a caller).'] }
  }
  const { caller, callee, calleeHost, path, atMs } = call
  const result: SpanMeshContext = { call: { caller: caller?.service ?? null, callee: calleeHost, path, atMs }, client: null, xds: null, route: null, rollout: null, notes }

  const history = sources.history
  if (!history) notes.push('The embedded control plane is not running, so no xDS history is kept.')
  else if (!caller) notes.push('The caller sent no span, so its xDS client cannot be told.')
  else {
    const node = nodeOf(caller, history.knownNodes())
    if (!node) notes.push(`No xDS client of the control plane matches ${caller.service}${caller.serviceVersion ? ` ${caller.serviceVersion}` : ''} (it may not be a proxyless client of this mesh).`)
    else {
      result.client = { nodeId: node.node.nodeId, workload: node.node.workload, matchedBy: node.matchedBy }
      const versions = history.acksAt(node.node.nodeId, atMs)
      if (versions.length === 0) notes.push(history.ackHistoryStartsAfter(node.node.nodeId, atMs) ? 'The client had ACKed nothing yet at that time, or its ACKs from then are no longer kept.' : 'The client had ACKed nothing at that time.')
      else result.xds = { versions, routeVersion: versions.find((v) => v.type === 'RDS')?.version ?? null }
    }
    const served = history.snapshotAt(atMs)
    if (!served) notes.push('No config version has been applied since Meshdeck started.')
    else {
      if (!served.exact) notes.push(`The config served at that time is no longer kept; version ${served.version} (the oldest kept) is shown.`)
      const decision = routeOfCall(served.snapshot, { host: calleeHost, path, calleeVersion: callee?.serviceVersion ?? null })
      if (decision) result.route = { ...decision, configVersion: served.version, configAppliedAtMs: served.appliedAtMs, exact: served.exact }
      else notes.push(`No VirtualService route for ${calleeHost} in config version ${served.version}: the call went to the service's endpoints without route rules.`)
    }
  }
  result.rollout = rolloutAt(sources.rollouts, result.route?.host ?? calleeHost, atMs)
  return result
}

interface Call {
  caller: Span | null
  callee: Span | null
  calleeHost: string
  path: string | null
  atMs: number
}

/** The client/server pair around a span: the span's own call, or the call that reached its service. */
function callOf(span: Span, trace: readonly Span[]): Call | null {
  const byId = new Map(trace.map((s) => [s.spanId, s]))
  let anchor: Span | undefined = span
  // An internal span belongs to the call its service was serving: walk up to that server span.
  for (let steps = 0; anchor && anchor.kind !== 'client' && anchor.kind !== 'server' && steps < 1000; steps++) anchor = anchor.parentSpanId ? byId.get(anchor.parentSpanId) : undefined
  if (!anchor) return null
  if (anchor.kind === 'client') {
    const server = trace.find((s) => s.parentSpanId === anchor.spanId && s.kind === 'server') ?? null
    const host = server?.service ?? peerOf(anchor)
    if (!host) return null
    return { caller: anchor, callee: server, calleeHost: host, path: pathOf(anchor) ?? (server ? pathOf(server) : null), atMs: anchor.startMs }
  }
  const client = anchor.parentSpanId ? byId.get(anchor.parentSpanId) : undefined
  const caller = client && client.kind === 'client' ? client : null
  return { caller, callee: anchor, calleeHost: anchor.service, path: pathOf(anchor) ?? (caller ? pathOf(caller) : null), atMs: caller?.startMs ?? anchor.startMs }
}

function peerOf(span: Span): string | null {
  for (const key of ['peer.service', 'server.address', 'net.peer.name', 'rpc.service']) {
    const value = span.attributes[key]
    if (typeof value === 'string' && value !== '') return value
  }
  return null
}

/** `/package.Service/Method`, from rpc.service/rpc.method or a span named like a gRPC method. */
function pathOf(span: Span): string | null {
  const service = span.attributes['rpc.service']
  const method = span.attributes['rpc.method']
  if (typeof service === 'string' && typeof method === 'string') return `/${service}/${method}`
  const name = span.name.replace(/^\//, '')
  return /^[\w.]+\/[\w]+$/.test(name) ? `/${name}` : null
}

function nodeOf(caller: Span, nodes: readonly KnownNode[]): { node: KnownNode; matchedBy: string } | null {
  const resource = caller.resource ?? {}
  const pod = resource['k8s.pod.name']
  const instance = resource['service.instance.id']
  for (const node of nodes) if (typeof pod === 'string' && node.podName === pod) return { node, matchedBy: `pod ${pod}` }
  for (const node of nodes) if (typeof instance === 'string' && (node.workload === instance || node.podName === instance)) return { node, matchedBy: `workload ${instance}` }
  const byLabels = nodes.filter((n) => n.app === caller.service && (caller.serviceVersion === null || n.version === caller.serviceVersion))
  if (byLabels.length === 1) return { node: byLabels[0]!, matchedBy: `labels app=${caller.service}${caller.serviceVersion ? `, version=${caller.serviceVersion}` : ''}` }
  return null
}
