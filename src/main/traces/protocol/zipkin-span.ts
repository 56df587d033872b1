import type { Attributes, Span, SpanEvent, SpanKind } from '../span'
import { nsToMs } from '../span'

/**
 * What Zipkin's encodings (v2 JSON, v2 protobuf, v1 JSON) share once read: one Zipkin span →
 * Meshdeck's span. Pure. Times are microseconds. A 64-bit trace id is widened to 128 bits with
 * leading zeros (as Jaeger and the OpenTelemetry Collector do), so it joins OTLP traces and can be
 * exported as OTLP.
 */
export interface ZipkinParts {
  traceId: string
  id: string
  parentId: string | null
  name: string
  kind: SpanKind
  timestampUs: bigint
  durationUs: bigint
  localService: string | null
  remoteService: string | null
  remoteAddress: string | null
  remotePort: number | null
  tags: Record<string, string>
  annotations: { timestampUs: bigint; value: string }[]
  /** This (server) span reused its client's id: split it off under an id of its own. */
  shared: boolean
}

export function zipkinSpan(parts: ZipkinParts): Span {
  const tags = parts.tags
  const startNs = parts.timestampUs * 1000n
  const endNs = startNs + parts.durationUs * 1000n
  const attributes: Attributes = { ...tags }
  if (parts.remoteService && attributes['peer.service'] === undefined) attributes['peer.service'] = parts.remoteService
  if (parts.remoteAddress && attributes['network.peer.address'] === undefined) attributes['network.peer.address'] = parts.remoteAddress
  if (parts.remotePort && attributes['network.peer.port'] === undefined) attributes['network.peer.port'] = parts.remotePort
  // OpenTelemetry's Zipkin exporter says the status in otel.status_code and the message in `error`;
  // other Zipkin tracers set `error` alone (its value the message, often just "true").
  const statusTag = tags['otel.status_code']
  const error = 'error' in tags || statusTag === 'ERROR'
  const scopeName = tags['otel.scope.name'] ?? tags['otel.library.name']
  const scopeVersion = tags['otel.scope.version'] ?? tags['otel.library.version']
  const events: SpanEvent[] = parts.annotations.map((a) => ({ timeNs: a.timestampUs * 1000n, name: a.value, attributes: {} }))
  const service = parts.localService || 'unknown'
  const traceId = widenTraceId(parts.traceId)
  const span: Span = {
    traceId,
    spanId: parts.shared ? sharedServerSpanId(traceId, parts.id) : parts.id,
    parentSpanId: parts.shared ? parts.id : parts.parentId,
    name: parts.name,
    kind: parts.kind,
    service,
    serviceVersion: tags['service.version'] ?? null,
    startMs: nsToMs(startNs),
    durationMs: nsToMs(endNs - startNs),
    error,
    statusMessage: tags.error ?? null,
    attributes,
    startNs,
    endNs,
    statusCode: error ? 'error' : statusTag === 'OK' ? 'ok' : 'unset',
    resource: { 'service.name': service, ...(tags['service.version'] === undefined ? {} : { 'service.version': tags['service.version'] }) },
    scope: { name: scopeName ?? '', version: scopeVersion ?? '' },
  }
  if (events.length > 0) span.events = events
  if (parts.shared) span.sharedWith = parts.id
  return span
}

/** 16 hex digits → 32, with leading zeros; 32 stay. */
export function widenTraceId(traceId: string): string {
  return traceId.length === 16 ? `0000000000000000${traceId}` : traceId
}

/**
 * The id a shared server span gets: a hash of its trace and client span id, so the same span sent
 * twice gets the same id, and never the client's own.
 */
export function sharedServerSpanId(traceId: string, clientSpanId: string): string {
  // FNV-1a, 64-bit, over the two ids and a fixed salt.
  let hash = 0xcbf29ce484222325n
  for (const char of `${traceId}/${clientSpanId}/server`) {
    hash ^= BigInt(char.charCodeAt(0))
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn
  }
  let id = hash.toString(16).padStart(16, '0')
  if (id === clientSpanId || /^0+$/.test(id)) id = `${id.slice(0, 15)}${id[15] === '1' ? '2' : '1'}`
  return id
}

export function zipkinKind(value: unknown): SpanKind {
  switch (value) {
    case 'CLIENT':
    case 1:
      return 'client'
    case 'SERVER':
    case 2:
      return 'server'
    case 'PRODUCER':
    case 3:
      return 'producer'
    case 'CONSUMER':
    case 4:
      return 'consumer'
    default:
      return 'unspecified'
  }
}
