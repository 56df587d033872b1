import type { AttributeValue, Attributes, Span } from '../span'
import { endNsOf, startNsOf, spanKinds } from '../span'

/**
 * Spans → an OTLP/JSON ExportTraceServiceRequest (also the TracesData file format), grouped by
 * resource and scope as an SDK sends them: what "export a trace" downloads and what an import or
 * any OTLP/JSON receiver reads back. Pure.
 */
export function otlpJsonOf(spans: readonly Span[]): { resourceSpans: unknown[] } {
  const resources = new Map<string, { resource: Attributes; scopes: Map<string, { name: string; version: string; spans: unknown[] }> }>()
  for (const span of spans) {
    const resource = span.resource ?? { 'service.name': span.service, ...(span.serviceVersion === null ? {} : { 'service.version': span.serviceVersion }) }
    const resourceKey = JSON.stringify(resource)
    let entry = resources.get(resourceKey)
    if (!entry) resources.set(resourceKey, (entry = { resource, scopes: new Map() }))
    const scope = span.scope ?? { name: '', version: '' }
    const scopeKey = `${scope.name}\u0000${scope.version}`
    let scopeEntry = entry.scopes.get(scopeKey)
    if (!scopeEntry) entry.scopes.set(scopeKey, (scopeEntry = { ...scope, spans: [] }))
    scopeEntry.spans.push(otlpSpanJson(span))
  }
  return {
    resourceSpans: [...resources.values()].map((r) => ({
      resource: { attributes: keyValues(r.resource) },
      scopeSpans: [...r.scopes.values()].map((s) => ({ scope: { name: s.name, ...(s.version ? { version: s.version } : {}) }, spans: s.spans })),
    })),
  }
}

function otlpSpanJson(span: Span): Record<string, unknown> {
  const status = span.statusCode ?? (span.error ? 'error' : 'unset')
  const out: Record<string, unknown> = {
    traceId: span.traceId,
    spanId: span.spanId,
    name: span.name,
    kind: Math.max(0, spanKinds.indexOf(span.kind)),
    startTimeUnixNano: String(startNsOf(span)),
    endTimeUnixNano: String(endNsOf(span)),
    attributes: keyValues(span.attributes),
    status: { code: status === 'error' ? 2 : status === 'ok' ? 1 : 0, ...(span.statusMessage ? { message: span.statusMessage } : {}) },
  }
  if (span.parentSpanId) out.parentSpanId = span.parentSpanId
  if (span.traceState) out.traceState = span.traceState
  if (span.flags) out.flags = span.flags
  if (span.events?.length) out.events = span.events.map((e) => ({ timeUnixNano: String(e.timeNs), name: e.name, attributes: keyValues(e.attributes) }))
  if (span.links?.length) out.links = span.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, ...(l.traceState ? { traceState: l.traceState } : {}), attributes: keyValues(l.attributes) }))
  if (span.dropped) {
    if (span.dropped.attributes) out.droppedAttributesCount = span.dropped.attributes
    if (span.dropped.events) out.droppedEventsCount = span.dropped.events
    if (span.dropped.links) out.droppedLinksCount = span.dropped.links
  }
  return out
}

function keyValues(attributes: Attributes): { key: string; value: unknown }[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }))
}

function anyValue(value: AttributeValue | null): unknown {
  if (value === null) return {}
  if (typeof value === 'string') return { stringValue: value }
  if (typeof value === 'boolean') return { boolValue: value }
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value }
  return { arrayValue: { values: value.map(anyValue) } }
}
