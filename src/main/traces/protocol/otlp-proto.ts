import type { InstrumentationScope, SpanEvent, SpanLink } from '../span'
import type { ParsedSpans, RejectedSpan } from '../span-checks'
import { hexOf, idBytesProblem } from './ids'
import { kindOf, otlpSpan, resourceOf, statusOf } from './otlp-span'
import { attributesOfProto, type ProtoKeyValue } from './otlp-values'
import { otlp, rpcStatus, uint64Of } from './proto-runtime'

type ProtoSpan = ReturnType<typeof otlp.trace.v1.Span.decode>

/**
 * Reads an OTLP/protobuf ExportTraceServiceRequest (what `http/protobuf` and gRPC exporters send).
 * Pure. Throws when the bytes are not a valid message (the caller answers 400 / INVALID_ARGUMENT);
 * a span with malformed ids is rejected with the reason, the rest kept.
 */
export function spansFromOtlpProto(body: Uint8Array): ParsedSpans {
  let request: ReturnType<typeof otlp.collector.trace.v1.ExportTraceServiceRequest.decode>
  try {
    request = otlp.collector.trace.v1.ExportTraceServiceRequest.decode(body)
  } catch (err) {
    throw new TypeError(`not an OTLP ExportTraceServiceRequest: ${(err as Error).message}`)
  }
  const spans: ParsedSpans['spans'] = []
  const rejected: RejectedSpan[] = []
  for (const resourceSpans of request.resourceSpans) {
    const resource = resourceOf(attributesOfProto(resourceSpans.resource?.attributes as ProtoKeyValue[] | undefined))
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      const scope: InstrumentationScope = { name: scopeSpans.scope?.name ?? '', version: scopeSpans.scope?.version ?? '' }
      for (const raw of (scopeSpans.spans ?? []) as ProtoSpan[]) {
        const problem =
          idBytesProblem('trace_id', raw.traceId, [16]) ?? idBytesProblem('span_id', raw.spanId, [8]) ?? idBytesProblem('parent_span_id', raw.parentSpanId, [0, 8])
        if (problem) {
          rejected.push({ reason: problem })
          continue
        }
        const startNs = uint64Of(raw.startTimeUnixNano)
        if (startNs === 0n) {
          rejected.push({ reason: 'start_time_unix_nano is not set' })
          continue
        }
        spans.push(
          otlpSpan(
            {
              traceId: hexOf(raw.traceId),
              spanId: hexOf(raw.spanId),
              parentSpanId: raw.parentSpanId.length === 0 ? null : hexOf(raw.parentSpanId),
              traceState: raw.traceState,
              flags: raw.flags >>> 0,
              name: raw.name,
              kind: kindOf(raw.kind),
              startNs,
              endNs: raw.endTimeUnixNano == null ? startNs : uint64Of(raw.endTimeUnixNano),
              attributes: attributesOfProto(raw.attributes as ProtoKeyValue[]),
              events: eventsOf(raw),
              links: linksOf(raw),
              status: statusOf(raw.status?.code ?? 0),
              statusMessage: raw.status?.message ?? '',
              dropped: { attributes: raw.droppedAttributesCount, events: raw.droppedEventsCount, links: raw.droppedLinksCount },
            },
            resource,
            scope,
          ),
        )
      }
    }
  }
  return { spans, rejected }
}

function eventsOf(raw: ProtoSpan): SpanEvent[] {
  if (raw.events.length === 0) return []
  return raw.events.map((event) => ({
    timeNs: uint64Of(event.timeUnixNano),
    name: event.name ?? '',
    attributes: attributesOfProto(event.attributes as ProtoKeyValue[] | undefined),
  }))
}

function linksOf(raw: ProtoSpan): SpanLink[] {
  const out: SpanLink[] = []
  for (const link of raw.links) {
    if (idBytesProblem('trace_id', link.traceId, [16]) || idBytesProblem('span_id', link.spanId, [8])) continue
    const entry: SpanLink = { traceId: hexOf(link.traceId!), spanId: hexOf(link.spanId!), attributes: attributesOfProto(link.attributes as ProtoKeyValue[] | undefined) }
    if (link.traceState) entry.traceState = link.traceState
    out.push(entry)
  }
  return out
}

/** The OTLP/protobuf success answer, with partial_success when spans were rejected. */
export function otlpProtoResponse(rejectedSpans: number, errorMessage: string | null): Uint8Array {
  const partialSuccess = rejectedSpans > 0 || errorMessage ? { rejectedSpans, errorMessage: errorMessage ?? '' } : undefined
  return otlp.collector.trace.v1.ExportTraceServiceResponse.encode({ partialSuccess }).finish()
}

/** A google.rpc.Status, the body OTLP/HTTP protobuf requires on an error answer. */
export function rpcStatusProto(code: number, message: string): Uint8Array {
  return rpcStatus.encode({ code, message, details: [] }).finish()
}
