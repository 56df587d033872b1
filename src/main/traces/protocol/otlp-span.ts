import type { Attributes, InstrumentationScope, Span, SpanEvent, SpanKind, SpanLink, StatusCode } from '../span'
import { nsToMs, spanKinds } from '../span'

/**
 * What OTLP/JSON and OTLP/protobuf share once their encodings are read: the resource's service,
 * the span's kind and status, its times. Pure.
 */
export interface OtlpResource {
  service: string
  version: string | null
  attributes: Attributes
}

export function resourceOf(attributes: Attributes): OtlpResource {
  const service = attributes['service.name']
  const version = attributes['service.version']
  return {
    service: service === undefined ? 'unknown' : String(service),
    version: version === undefined ? null : String(version),
    attributes,
  }
}

export function kindOf(value: number): SpanKind {
  return spanKinds[value] ?? 'unspecified'
}

const statusCodes: StatusCode[] = ['unset', 'ok', 'error']

export function statusOf(code: number): StatusCode {
  return statusCodes[code] ?? 'unset'
}

export interface OtlpSpanParts {
  traceId: string
  spanId: string
  parentSpanId: string | null
  traceState: string
  flags: number
  name: string
  kind: SpanKind
  startNs: bigint
  endNs: bigint
  attributes: Attributes
  events: SpanEvent[]
  links: SpanLink[]
  status: StatusCode
  statusMessage: string
  dropped: { attributes: number; events: number; links: number }
}

export function otlpSpan(parts: OtlpSpanParts, resource: OtlpResource, scope: InstrumentationScope): Span {
  // A span that claims to end before it starts is kept as a zero-length span at its start.
  const endNs = parts.endNs < parts.startNs ? parts.startNs : parts.endNs
  const span: Span = {
    traceId: parts.traceId,
    spanId: parts.spanId,
    parentSpanId: parts.parentSpanId,
    name: parts.name,
    kind: parts.kind,
    service: resource.service,
    serviceVersion: resource.version,
    startMs: nsToMs(parts.startNs),
    durationMs: nsToMs(endNs - parts.startNs),
    error: parts.status === 'error',
    statusMessage: parts.statusMessage === '' ? null : parts.statusMessage,
    attributes: parts.attributes,
    startNs: parts.startNs,
    endNs,
    statusCode: parts.status,
    flags: parts.flags,
    resource: resource.attributes,
    scope,
  }
  if (parts.traceState !== '') span.traceState = parts.traceState
  if (parts.events.length > 0) span.events = parts.events
  if (parts.links.length > 0) span.links = parts.links
  if (parts.dropped.attributes + parts.dropped.events + parts.dropped.links > 0) span.dropped = parts.dropped
  return span
}
