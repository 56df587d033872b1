import type { InstrumentationScope, SpanEvent, SpanLink } from '../span'
import { isHexId, type ParsedSpans, type RejectedSpan } from '../span-checks'
import { kindOf, otlpSpan, resourceOf, statusOf } from './otlp-span'
import { attributesOfJson, isObject } from './otlp-values'

/**
 * Reads an OTLP/HTTP JSON ExportTraceServiceRequest by the OTLP JSON rules: ids hex-encoded
 * (trace 32 digits, span 16), enums as integers (their names are read too), int64 as decimal
 * strings or numbers, unknown fields ignored. Pure. A span with a malformed id or time is rejected
 * with the reason, the rest kept.
 */
export function spansFromOtlpJson(body: unknown): ParsedSpans {
  if (!isObject(body) || !Array.isArray(body.resourceSpans)) {
    throw new TypeError('not an OTLP ExportTraceServiceRequest: "resourceSpans" is missing')
  }
  const spans: ParsedSpans['spans'] = []
  const rejected: RejectedSpan[] = []
  for (const resourceSpans of body.resourceSpans) {
    if (!isObject(resourceSpans)) continue
    const resource = resourceOf(attributesOfJson(isObject(resourceSpans.resource) ? resourceSpans.resource.attributes : undefined))
    const scopes = Array.isArray(resourceSpans.scopeSpans) ? resourceSpans.scopeSpans : []
    for (const scopeSpans of scopes) {
      if (!isObject(scopeSpans) || !Array.isArray(scopeSpans.spans)) continue
      const scope = scopeOf(scopeSpans.scope)
      for (const raw of scopeSpans.spans) {
        const problem = otlpSpanProblem(raw)
        if (problem || !isObject(raw)) {
          rejected.push({ reason: problem ?? 'not a span object' })
          continue
        }
        const start = nanosOf(raw.startTimeUnixNano)!
        const end = raw.endTimeUnixNano === undefined ? start : nanosOf(raw.endTimeUnixNano)!
        const status = isObject(raw.status) ? raw.status : {}
        spans.push(
          otlpSpan(
            {
              traceId: (raw.traceId as string).toLowerCase(),
              spanId: (raw.spanId as string).toLowerCase(),
              parentSpanId: typeof raw.parentSpanId === 'string' && raw.parentSpanId !== '' ? raw.parentSpanId.toLowerCase() : null,
              traceState: typeof raw.traceState === 'string' ? raw.traceState : '',
              flags: uint32Of(raw.flags),
              name: String(raw.name ?? ''),
              kind: kindOf(enumOf(raw.kind, kindNames)),
              startNs: start,
              endNs: end,
              attributes: attributesOfJson(raw.attributes),
              events: eventsOf(raw.events),
              links: linksOf(raw.links),
              status: statusOf(enumOf(status.code, statusNames)),
              statusMessage: typeof status.message === 'string' ? status.message : '',
              dropped: { attributes: uint32Of(raw.droppedAttributesCount), events: uint32Of(raw.droppedEventsCount), links: uint32Of(raw.droppedLinksCount) },
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

const kindNames = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER']
const statusNames = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR']

function otlpSpanProblem(raw: unknown): string | null {
  if (!isObject(raw)) return 'not a span object'
  if (!isHexId(raw.traceId, [32])) return 'traceId is not 32 hex digits'
  if (!isHexId(raw.spanId, [16])) return 'spanId is not 16 hex digits'
  if (raw.parentSpanId !== undefined && raw.parentSpanId !== '' && !isHexId(raw.parentSpanId, [16])) return 'parentSpanId is not 16 hex digits'
  if (nanosOf(raw.startTimeUnixNano) === null) return 'startTimeUnixNano is not a number of nanoseconds'
  if (raw.endTimeUnixNano !== undefined && nanosOf(raw.endTimeUnixNano) === null) return 'endTimeUnixNano is not a number of nanoseconds'
  return null
}

/** A fixed64 nanosecond time: a decimal string (exact) or a number; null for anything else. */
export function nanosOf(value: unknown): bigint | null {
  if (typeof value === 'string') return /^\d{1,20}$/.test(value) && value.length <= 20 ? BigInt(value) : null
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? BigInt(Math.round(value)) : null
  return null
}

/** An enum as the integer OTLP JSON requires, or its name (read too, as protobuf JSON allows). */
function enumOf(value: unknown, names: readonly string[]): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value
  if (typeof value === 'string') return /^\d+$/.test(value) ? Number(value) : names.indexOf(value)
  return 0
}

function uint32Of(value: unknown): number {
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value
  return typeof number === 'number' && Number.isInteger(number) && number >= 0 && number <= 0xffffffff ? number : 0
}

function scopeOf(value: unknown): InstrumentationScope {
  if (!isObject(value)) return { name: '', version: '' }
  return { name: typeof value.name === 'string' ? value.name : '', version: typeof value.version === 'string' ? value.version : '' }
}

function eventsOf(value: unknown): SpanEvent[] {
  if (!Array.isArray(value)) return []
  const out: SpanEvent[] = []
  for (const event of value) {
    if (!isObject(event)) continue
    const time = nanosOf(event.timeUnixNano)
    if (time === null) continue
    out.push({ timeNs: time, name: typeof event.name === 'string' ? event.name : '', attributes: attributesOfJson(event.attributes) })
  }
  return out
}

function linksOf(value: unknown): SpanLink[] {
  if (!Array.isArray(value)) return []
  const out: SpanLink[] = []
  for (const link of value) {
    if (!isObject(link) || !isHexId(link.traceId, [32]) || !isHexId(link.spanId, [16])) continue
    const entry: SpanLink = { traceId: link.traceId.toLowerCase(), spanId: link.spanId.toLowerCase(), attributes: attributesOfJson(link.attributes) }
    if (typeof link.traceState === 'string' && link.traceState !== '') entry.traceState = link.traceState
    out.push(entry)
  }
  return out
}
