import type { Span } from './span'

/**
 * Reads an OTLP/HTTP JSON ExportTraceServiceRequest (what OpenTelemetry SDKs send to /v1/traces by
 * default). Pure. Ids arrive hex-encoded in JSON; times as nanosecond strings.
 */
export function spansFromOtlpJson(body: unknown): Span[] {
  if (!isObject(body) || !Array.isArray(body.resourceSpans)) {
    throw new TypeError('not an OTLP ExportTraceServiceRequest: "resourceSpans" is missing')
  }
  const spans: Span[] = []
  for (const resourceSpans of body.resourceSpans) {
    if (!isObject(resourceSpans)) continue
    const resource = attributesOf(isObject(resourceSpans.resource) ? resourceSpans.resource.attributes : undefined)
    const scopes = Array.isArray(resourceSpans.scopeSpans) ? resourceSpans.scopeSpans : []
    for (const scope of scopes) {
      if (!isObject(scope) || !Array.isArray(scope.spans)) continue
      for (const raw of scope.spans) {
        if (!isObject(raw)) continue
        const start = nanos(raw.startTimeUnixNano)
        const end = nanos(raw.endTimeUnixNano)
        const status = isObject(raw.status) ? raw.status : {}
        spans.push({
          traceId: String(raw.traceId ?? ''),
          spanId: String(raw.spanId ?? ''),
          parentSpanId: typeof raw.parentSpanId === 'string' && raw.parentSpanId !== '' ? raw.parentSpanId : null,
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
  return spans.filter((s) => s.traceId !== '' && s.spanId !== '')
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
    else if (v.intValue !== undefined) out[item.key] = Number(v.intValue)
    else if (typeof v.doubleValue === 'number') out[item.key] = v.doubleValue
  }
  return out
}

function nanos(value: unknown): number {
  if (typeof value === 'number') return value
  if (typeof value === 'string' && value !== '') return Number(value)
  return 0
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
