import type { ServerDuplexStream } from '@grpc/grpc-js'
import type { ConfigDump, ProxySyncStatus, XdsClient, XdsTypeState } from '@shared/contract'
import { trackDisposable, type Disposable } from '../../lib/disposable'
import type { EncodedSnapshot } from './encoded-snapshot'
import { boundedNackMessage } from '../nack-message'
import { ResponseCache, type PreparedResponse, type Subscription } from './response-cache'
import { resourceTypes, typeOfUrl, type ResourceType } from '../resource-types'
import { structToJson } from '../struct'

/** A DiscoveryRequest as proto-loader decodes it (keepCase, defaults, oneofs). */
export interface DiscoveryRequest {
  version_info: string
  node: {
    id: string
    cluster: string
    metadata: Parameters<typeof structToJson>[0]
    locality: { region: string; zone: string; sub_zone: string } | null
    user_agent_name: string
    user_agent_version?: string
  } | null
  resource_names: string[]
  type_url: string
  response_nonce: string
  error_detail: { code: number; message: string } | null
}

export interface DiscoveryResponse {
  version_info: string
  resources: { type_url: string; value: Uint8Array }[]
  type_url: string
  nonce: string
}

export type AdsEvent =
  | { kind: 'connected' | 'disconnected'; nodeId: string; streamId: string }
  | { kind: 'pushed'; nodeId: string; streamId: string; type: ResourceType; version: string; resources: number }
  | { kind: 'acked'; nodeId: string; streamId: string; type: ResourceType; version: string }
  | { kind: 'nacked'; nodeId: string; streamId: string; type: ResourceType; version: string; message: string }

interface SentResponse {
  /** Shared with every stream that got the same content at the same version. */
  response: PreparedResponse
  /** ms since the epoch; a Date per stream per push is not worth its allocation. */
  at: number
}

interface TypeState {
  subscription: Subscription
  sent: SentResponse | null
  ackedVersion: string | null
  /** Status follows nonces, not versions: a re-send of the same version is not ACKed by the old ACK. */
  ackedNonce: string | null
  nack: { version: string; nonce: string; message: string; at: Date } | null
}

interface StreamState {
  id: string
  nodeId: string
  client: Omit<XdsClient, 'types' | 'streamId'>
  call: ServerDuplexStream<DiscoveryRequest, Buffer>
  types: Map<ResourceType, TypeState>
}

/** Types are pushed in Envoy's make-before-break order so a route never names an unknown cluster first. */
const pushOrder: readonly ResourceType[] = ['CDS', 'EDS', 'LDS', 'RDS']

/**
 * Names the client asks for that the last response did not carry: the control plane does not serve
 * them (a file was removed, a service renamed). Empty for a wildcard subscription.
 */
function notServedOf(state: TypeState): string[] {
  const names = state.subscription.names
  const sent = state.sent
  if (!names || !sent) return []
  const missing: string[] = []
  for (const name of names) if (!sent.response.carries(name)) missing.push(name)
  return missing
}

function statusOf(state: TypeState): ProxySyncStatus {
  if (!state.sent) return 'NOT SENT'
  const nonce = state.sent.response.nonce
  if (state.nack?.nonce === nonce) return 'NACKED'
  if (state.ackedNonce !== nonce) return 'STALE'
  // ACKed, but what it asked for is not all there: the client runs on what it had (or on nothing).
  // summary() is polled over thousands of streams: stop at the first missing name, build nothing.
  const names = state.subscription.names
  if (names) for (const name of names) if (!state.sent.response.carries(name)) return 'NOT SERVED'
  return 'SYNCED'
}

/**
 * State-of-the-world Aggregated Discovery Service. It knows encoded snapshots and streams only —
 * nothing of Istio (translation lives in ./translate). Each stream gets, per type, the resources it
 * subscribed to; a response is sent only when that set's content changed, so clients a change does
 * not touch receive nothing. ACK/NACK is recorded per stream and type with the client's error text.
 *
 * A push costs one encoded DiscoveryResponse per (type, version, subscribed names), shared by
 * every stream with those names (the Buffer is written as is, see adsServerService), and per
 * stream only a map lookup, a fingerprint comparison and a write.
 */
export class AdsServer implements Disposable {
  private readonly cache = new ResponseCache()
  private readonly streams = new Map<string, StreamState>()
  private nextStreamId = 1
  private readonly listeners = new Set<(event: AdsEvent) => void>()

  constructor() {
    trackDisposable(this)
  }

  onEvent(listener: (event: AdsEvent) => void): Disposable {
    this.listeners.add(listener)
    return { dispose: () => void this.listeners.delete(listener) }
  }

  currentVersion(): string {
    return this.cache.version
  }

  /** Serves a new snapshot: every stream gets what changed among the resources it subscribed to. */
  setSnapshot(snapshot: EncodedSnapshot): void {
    this.cache.setSnapshot(snapshot)
    for (const stream of this.streams.values()) {
      for (const type of pushOrder) if (stream.types.has(type)) this.maybeSend(stream, type)
    }
  }

  /** The StreamAggregatedResources handler (bind it as the gRPC method implementation). */
  readonly handleStream = (call: ServerDuplexStream<DiscoveryRequest, Buffer>): void => {
    let stream: StreamState | undefined
    const close = (): void => {
      if (!stream || !this.streams.delete(stream.id)) return
      for (const state of stream.types.values()) this.cache.release(state.subscription)
      this.emit({ kind: 'disconnected', nodeId: stream.nodeId, streamId: stream.id })
    }
    call.on('data', (request: DiscoveryRequest) => {
      if (!stream) {
        stream = this.openStream(call, request)
        if (!stream) return
      }
      this.handleRequest(stream, request)
    })
    call.on('end', () => {
      close()
      call.end()
    })
    call.on('error', close)
    call.on('cancelled', close)
    call.on('close', close)
  }

  private openStream(call: ServerDuplexStream<DiscoveryRequest, Buffer>, first: DiscoveryRequest): StreamState | undefined {
    const node = first.node
    if (!node?.id) {
      call.emit('error', { code: 3, details: 'the first DiscoveryRequest must carry node.id (set node.id in the bootstrap)' })
      return undefined
    }
    const id = `s${this.nextStreamId++}`
    const stream: StreamState = {
      id,
      nodeId: node.id,
      call,
      types: new Map(),
      client: {
        nodeId: node.id,
        cluster: node.cluster ?? '',
        metadata: structToJson(node.metadata),
        locality: { region: node.locality?.region ?? '', zone: node.locality?.zone ?? '', subZone: node.locality?.sub_zone ?? '' },
        userAgent: [node.user_agent_name, node.user_agent_version].filter(Boolean).join(' '),
        peer: call.getPeer(),
        connectedSince: new Date().toISOString(),
      },
    }
    this.streams.set(id, stream)
    this.emit({ kind: 'connected', nodeId: node.id, streamId: id })
    return stream
  }

  private handleRequest(stream: StreamState, request: DiscoveryRequest): void {
    const type = typeOfUrl(request.type_url)
    if (!type) return
    const names = request.resource_names
    let state = stream.types.get(type)
    if (!state) {
      // A first empty request on LDS/CDS is the legacy wildcard: everything of the type.
      const wildcard = names.length === 0 && (type === 'LDS' || type === 'CDS')
      state = { subscription: this.cache.acquire(type, wildcard ? null : names), sent: null, ackedVersion: null, ackedNonce: null, nack: null }
      stream.types.set(type, state)
      // Answer a new subscription even when nothing it names exists, so the client learns that at
      // once instead of waiting for its does-not-exist timer.
      this.maybeSend(stream, type, true)
      return
    }
    if (request.response_nonce !== '') {
      const sent = state.sent
      // A reply to an older response is stale: a newer one is already on its way to the client.
      if (!sent || request.response_nonce !== sent.response.nonce) return
      if (request.error_detail) {
        // Kept (and passed on) bounded: the client chooses the length of its error text.
        const message = boundedNackMessage(request.error_detail.message ?? '')
        state.nack = { version: sent.response.version, nonce: sent.response.nonce, message, at: new Date() }
        this.emit({ kind: 'nacked', nodeId: stream.nodeId, streamId: stream.id, type, version: sent.response.version, message })
      } else {
        state.ackedVersion = request.version_info
        state.ackedNonce = request.response_nonce
        state.nack = null
        this.emit({ kind: 'acked', nodeId: stream.nodeId, streamId: stream.id, type, version: request.version_info })
      }
    }
    // Every ACK repeats the names: compare without sorting; re-intern only on a real change.
    if (ResponseCache.sameNames(state.subscription, names)) return
    const previous = state.subscription
    state.subscription = this.cache.acquire(type, names)
    this.cache.release(previous)
    // An ACK alone gets no answer; a changed subscription that names something does.
    this.maybeSend(stream, type, names.length > 0)
  }

  private maybeSend(stream: StreamState, type: ResourceType, force = false): void {
    const state = stream.types.get(type)
    if (!state) return
    const response = this.cache.response(state.subscription)
    if (!force && (state.sent ? state.sent.response.fingerprint === response.fingerprint : response.resources.length === 0)) return
    state.sent = { response, at: Date.now() }
    stream.call.write(response.bytes)
    this.emit({ kind: 'pushed', nodeId: stream.nodeId, streamId: stream.id, type, version: response.version, resources: response.resources.length })
  }

  private emit(event: AdsEvent): void {
    for (const listener of this.listeners) listener(event)
  }

  /** Connected streams with per-type sync status, oldest first. */
  clients(): XdsClient[] {
    return [...this.streams.values()].map((stream) => ({
      streamId: stream.id,
      ...stream.client,
      types: resourceTypes.filter((type) => stream.types.has(type)).map((type) => typeState(type, stream.types.get(type) as TypeState)),
    }))
  }

  streamCount(): number {
    return this.streams.size
  }

  /**
   * Stream, node and per-status counts without building a client list: status() is polled (the
   * canary waits on it, the UI refreshes on every coalesced change) and must stay cheap at
   * thousands of streams.
   */
  summary(): { streams: number; nodes: number; byStatus: Record<ProxySyncStatus, number> } {
    const byStatus: Record<ProxySyncStatus, number> = { SYNCED: 0, STALE: 0, NACKED: 0, 'NOT SERVED': 0, 'NOT SENT': 0 }
    const nodes = new Set<string>()
    for (const stream of this.streams.values()) {
      nodes.add(stream.nodeId)
      for (const state of stream.types.values()) byStatus[statusOf(state)] += 1
    }
    return { streams: this.streams.size, nodes: nodes.size, byStatus }
  }

  /** Exactly what each stream of a node was last sent. */
  configDump(nodeId: string): ConfigDump {
    return {
      nodeId,
      streams: [...this.streams.values()]
        .filter((stream) => stream.nodeId === nodeId)
        .map((stream) => ({
          streamId: stream.id,
          types: resourceTypes.flatMap((type) => {
            const sent = stream.types.get(type)?.sent
            return sent ? [{ type, version: sent.response.version, nonce: sent.response.nonce, resources: sent.response.resources.map((r) => r.json) }] : []
          }),
        })),
    }
  }

  /** Ends every stream; clients reconnect to whatever serves next. */
  dispose(): void {
    for (const stream of this.streams.values()) stream.call.end()
    this.streams.clear()
    this.listeners.clear()
  }
}

function typeState(type: ResourceType, state: TypeState): XdsTypeState {
  return {
    type,
    status: statusOf(state),
    subscribed: state.subscription.names === null ? ['*'] : [...state.subscription.names],
    notServed: notServedOf(state),
    sentVersion: state.sent?.response.version ?? null,
    sentNonce: state.sent?.response.nonce ?? null,
    sentAt: state.sent ? new Date(state.sent.at).toISOString() : null,
    ackedVersion: state.ackedVersion,
    nack: state.nack ? { version: state.nack.version, message: state.nack.message, at: state.nack.at.toISOString() } : null,
  }
}
