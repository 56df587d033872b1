import type { Span } from './span'
import { isHexId, timestampOf, type ParsedSpans, type RejectedSpan } from './span-checks'

/**
 * Reads an OTLP/HTTP JSON ExportTraceServiceRequest (what OpenTelemetry SDKs send to /v1/traces by
 * default). Pure. Ids arrive hex-encoded in JSON (trace 32 digits, span 16); times as nanosecond
 * decimal strings. A span with a malformed id or time is rejected with the reason, the rest kept.
 */
export function spansFromOtlpJson(body: unknown): ParsedSpans {
  if (!isObject(body) || !Array.isArray(body.resourceSpans)) {
    throw new TypeError('not an OTLP ExportTraceServiceRequest: "resourceSpans" is missing')
  }
  const spans: Span[] = []
  const rejected: RejectedSpan[] = []
  for (const resourceSpans of body.resourceSpans) {
    if (!isObject(resourceSpans)) continue
    const resource = attributesOf(isObject(resourceSpans.resource) ? resourceSpans.resource.attributes : undefined)
    const scopes = Array.isArray(resourceSpans.scopeSpans) ? resourceSpans.scopeSpans : []
    for (const scope of scopes) {
      if (!isObject(scope) || !Array.isArray(scope.spans)) continue
      for (const raw of scope.spans) {
        const problem = otlpSpanProblem(raw)
        if (problem || !isObject(raw)) {
          rejected.push({ reason: problem ?? 'not a span object' })
          continue
        }
        const start = timestampOf(raw.startTimeUnixNano) as number
        const end = raw.endTimeUnixNano === undefined ? start : (timestampOf(raw.endTimeUnixNano) as number)
        const status = isObject(raw.status) ? raw.status : {}
        spans.push({
          traceId: (raw.traceId as string).toLowerCase(),
          spanId: (raw.spanId as string).toLowerCase(),
          parentSpanId: typeof raw.parentSpanId === 'string' && raw.parentSpanId !== '' ? raw.parentSpanId.toLowerCase() : null,
          name: String(raw.name ?? ''),
          kind: otlpKinds[Number(raw.kind ?? 0)] ?? 'unspecified',
          service: String(resource['service.name'] ?? 'unknown'),
          serviceVersion: resource['service.version'] === undefined ? null : String(resource['service.version']),
          startMs: start / 1e6,
          durationMs: Math.max(0, (end - start) / 1e6),
          // STATUS_CODE_ERROR is 2.
          error: Number(status.code ?? 0) === 2,
          statusMessage: typeof status.message === 'string' && status.message !== '' ? status.message : null,
          attributes: attributesOf(raw.attributes),
        })
      }
    }
  }
  return { spans, rejected }
}

function otlpSpanProblem(raw: unknown): string | null {
  if (!isObject(raw)) return 'not a span object'
  if (!isHexId(raw.traceId, [32])) return 'traceId is not 32 hex digits'
  if (!isHexId(raw.spanId, [16])) return 'spanId is not 16 hex digits'
  if (raw.parentSpanId !== undefined && raw.parentSpanId !== '' && !isHexId(raw.parentSpanId, [16])) return 'parentSpanId is not 16 hex digits'
  if (timestampOf(raw.startTimeUnixNano) === null) return 'startTimeUnixNano is not a number of nanoseconds'
  if (raw.endTimeUnixNano !== undefined && timestampOf(raw.endTimeUnixNano) === null) return 'endTimeUnixNano is not a number of nanoseconds'
  return null
}

const otlpKinds: Span['kind'][] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer']

function attributesOf(list: unknown): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {}
  if (!Array.isArray(list)) return out
  for (const item of list) {
    if (!isObject(item) || typeof item.key !== 'string' || !isObject(item.value)) continue
    const v = item.value
    if (typeof v.stringValue === 'string') out[item.key] = v.stringValue
    else if (typeof v.boolValue === 'boolean') out[item.key] = v.boolValue
    else if (v.intValue !== undefined && Number.isFinite(Number(v.intValue))) out[item.key] = Number(v.intValue)
    else if (typeof v.doubleValue === 'number' && Number.isFinite(v.doubleValue)) out[item.key] = v.doubleValue
  }
  return out
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
