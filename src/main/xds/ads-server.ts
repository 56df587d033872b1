import type { ServerDuplexStream } from '@grpc/grpc-js'
import type { ConfigDump, ProxySyncStatus, XdsClient, XdsTypeState } from '@shared/contract'
import type { Disposable } from '../lib/disposable'
import { emptyEncodedSnapshot, type EncodedResource, type EncodedSnapshot } from './encoded-snapshot'
import { resourceTypes, typeOfUrl, typeUrls, type ResourceType } from './resource-types'
import { structToJson } from './struct'

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
  version: string
  nonce: string
  at: Date
  fingerprint: string
  resources: EncodedResource[]
}

interface TypeState {
  /** null: wildcard (legacy empty first request on LDS/CDS). */
  subscribed: Set<string> | null
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
  call: ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>
  types: Map<ResourceType, TypeState>
}

/** Types are pushed in Envoy's make-before-break order so a route never names an unknown cluster first. */
const pushOrder: readonly ResourceType[] = ['CDS', 'EDS', 'LDS', 'RDS']

function statusOf(state: TypeState): ProxySyncStatus {
  if (!state.sent) return 'NOT SENT'
  if (state.nack?.nonce === state.sent.nonce) return 'NACKED'
  return state.ackedNonce === state.sent.nonce ? 'SYNCED' : 'STALE'
}

/**
 * State-of-the-world Aggregated Discovery Service. It knows encoded snapshots and streams only —
 * nothing of Istio (translation lives in ./translate). Each stream gets, per type, the resources it
 * subscribed to; a response is sent only when that set's content changed, so clients a change does
 * not touch receive nothing. ACK/NACK is recorded per stream and type with the client's error text.
 */
export class AdsServer implements Disposable {
  private snapshot: EncodedSnapshot = emptyEncodedSnapshot
  private readonly streams = new Map<string, StreamState>()
  private nextStreamId = 1
  private nextNonce = 1
  private readonly listeners = new Set<(event: AdsEvent) => void>()

  onEvent(listener: (event: AdsEvent) => void): Disposable {
    this.listeners.add(listener)
    return { dispose: () => void this.listeners.delete(listener) }
  }

  currentVersion(): string {
    return this.snapshot.version
  }

  /** Serves a new snapshot: every stream gets what changed among the resources it subscribed to. */
  setSnapshot(snapshot: EncodedSnapshot): void {
    this.snapshot = snapshot
    for (const stream of this.streams.values()) {
      for (const type of pushOrder) if (stream.types.has(type)) this.maybeSend(stream, type)
    }
  }

  /** The StreamAggregatedResources handler (bind it as the gRPC method implementation). */
  readonly handleStream = (call: ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>): void => {
    let stream: StreamState | undefined
    const close = (): void => {
      if (stream && this.streams.delete(stream.id)) this.emit({ kind: 'disconnected', nodeId: stream.nodeId, streamId: stream.id })
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

  private openStream(call: ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>, first: DiscoveryRequest): StreamState | undefined {
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
    let state = stream.types.get(type)
    const first = !state
    state ??= { subscribed: new Set(), sent: null, ackedVersion: null, ackedNonce: null, nack: null }
    stream.types.set(type, state)
    if (request.response_nonce !== '') {
      // A reply to an older response is stale: a newer one is already on its way to the client.
      if (request.response_nonce !== state.sent?.nonce) return
      if (request.error_detail) {
        state.nack = { version: state.sent.version, nonce: state.sent.nonce, message: request.error_detail.message, at: new Date() }
        this.emit({ kind: 'nacked', nodeId: stream.nodeId, streamId: stream.id, type, version: state.sent.version, message: request.error_detail.message })
      } else {
        state.ackedVersion = request.version_info
        state.ackedNonce = request.response_nonce
        state.nack = null
        this.emit({ kind: 'acked', nodeId: stream.nodeId, streamId: stream.id, type, version: request.version_info })
      }
    }
    const wildcard = first && request.resource_names.length === 0 && (type === 'LDS' || type === 'CDS')
    const before = state.subscribed === null ? '*' : [...state.subscribed].sort().join('\n')
    state.subscribed = wildcard ? null : new Set(request.resource_names)
    const after = state.subscribed === null ? '*' : [...state.subscribed].sort().join('\n')
    // Answer a new subscription even when nothing it names exists, so the client learns that at
    // once instead of waiting for its does-not-exist timer; an ACK alone gets no answer.
    this.maybeSend(stream, type, first || (before !== after && request.resource_names.length > 0))
  }

  private maybeSend(stream: StreamState, type: ResourceType, force = false): void {
    const state = stream.types.get(type)
    if (!state) return
    const available = this.snapshot.resources[type]
    const resources = state.subscribed === null
      ? [...available.values()]
      : [...state.subscribed].flatMap((name) => available.get(name) ?? [])
    resources.sort((a, b) => a.name.localeCompare(b.name))
    const fingerprint = resources.map((r) => `${r.name}@${r.hash}`).join('\n')
    if (!force && (state.sent ? state.sent.fingerprint === fingerprint : resources.length === 0)) return
    const nonce = String(this.nextNonce++)
    const version = this.snapshot.version
    state.sent = { version, nonce, at: new Date(), fingerprint, resources }
    stream.call.write({ version_info: version, resources: resources.map((r) => r.any), type_url: typeUrls[type], nonce })
    this.emit({ kind: 'pushed', nodeId: stream.nodeId, streamId: stream.id, type, version, resources: resources.length })
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
            return sent ? [{ type, version: sent.version, nonce: sent.nonce, resources: sent.resources.map((r) => r.json) }] : []
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
    subscribed: state.subscribed === null ? ['*'] : [...state.subscribed].sort(),
    sentVersion: state.sent?.version ?? null,
    sentNonce: state.sent?.nonce ?? null,
    sentAt: state.sent?.at.toISOString() ?? null,
    ackedVersion: state.ackedVersion,
    nack: state.nack ? { version: state.nack.version, message: state.nack.message, at: state.nack.at.toISOString() } : null,
  }
}
