import type { Span } from './span'

/** Reads a Zipkin v2 JSON span list (POST /api/v2/spans). Pure. Times are microseconds. */
export function spansFromZipkinJson(body: unknown): Span[] {
  if (!Array.isArray(body)) throw new TypeError('not a Zipkin v2 span list: expected a JSON array')
  const spans: Span[] = []
  for (const raw of body as Record<string, unknown>[]) {
    if (typeof raw !== 'object' || raw === null || typeof raw.traceId !== 'string' || typeof raw.id !== 'string') continue
    const endpoint = (raw.localEndpoint ?? {}) as Record<string, unknown>
    const tags = (raw.tags ?? {}) as Record<string, string>
    spans.push({
      traceId: raw.traceId,
      spanId: raw.id,
      parentSpanId: typeof raw.parentId === 'string' ? raw.parentId : null,
      name: String(raw.name ?? ''),
      kind: raw.kind === 'CLIENT' ? 'client' : raw.kind === 'SERVER' ? 'server' : raw.kind === 'PRODUCER' ? 'producer' : raw.kind === 'CONSUMER' ? 'consumer' : 'unspecified',
      service: String(endpoint.serviceName ?? 'unknown'),
      serviceVersion: tags['service.version'] ?? null,
      startMs: Number(raw.timestamp ?? 0) / 1000,
      durationMs: Number(raw.duration ?? 0) / 1000,
      error: 'error' in tags,
      statusMessage: tags.error ?? null,
      attributes: { ...tags },
    })
  }
  return spans
}
