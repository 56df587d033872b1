import type { Span } from './span'
import { isHexId, timestampOf, type ParsedSpans, type RejectedSpan } from './span-checks'

/**
 * Reads a Zipkin v2 JSON span list (POST /api/v2/spans). Pure. Times are microseconds; trace ids
 * 16 or 32 hex digits, span ids 16. A span with a malformed id or time is rejected with the reason.
 */
export function spansFromZipkinJson(body: unknown): ParsedSpans {
  if (!Array.isArray(body)) throw new TypeError('not a Zipkin v2 span list: expected a JSON array')
  const spans: Span[] = []
  const rejected: RejectedSpan[] = []
  for (const raw of body as unknown[]) {
    const problem = zipkinSpanProblem(raw)
    if (problem || !isObject(raw)) {
      rejected.push({ reason: problem ?? 'not a span object' })
      continue
    }
    const endpoint = isObject(raw.localEndpoint) ? raw.localEndpoint : {}
    const tags = tagsOf(raw.tags)
    spans.push({
      traceId: (raw.traceId as string).toLowerCase(),
      spanId: (raw.id as string).toLowerCase(),
      parentSpanId: typeof raw.parentId === 'string' && raw.parentId !== '' ? raw.parentId.toLowerCase() : null,
      name: String(raw.name ?? ''),
      kind: raw.kind === 'CLIENT' ? 'client' : raw.kind === 'SERVER' ? 'server' : raw.kind === 'PRODUCER' ? 'producer' : raw.kind === 'CONSUMER' ? 'consumer' : 'unspecified',
      service: String(endpoint.serviceName ?? 'unknown'),
      serviceVersion: tags['service.version'] ?? null,
      startMs: (timestampOf(raw.timestamp) as number) / 1000,
      durationMs: raw.duration === undefined ? 0 : (timestampOf(raw.duration) as number) / 1000,
      error: 'error' in tags,
      statusMessage: tags.error ?? null,
      attributes: tags,
    })
  }
  return { spans, rejected }
}

function zipkinSpanProblem(raw: unknown): string | null {
  if (!isObject(raw)) return 'not a span object'
  if (!isHexId(raw.traceId, [16, 32])) return 'traceId is not 16 or 32 hex digits'
  if (!isHexId(raw.id, [16])) return 'id is not 16 hex digits'
  if (raw.parentId !== undefined && raw.parentId !== '' && !isHexId(raw.parentId, [16])) return 'parentId is not 16 hex digits'
  if (timestampOf(raw.timestamp) === null) return 'timestamp is not a number of microseconds'
  if (raw.duration !== undefined && timestampOf(raw.duration) === null) return 'duration is not a number of microseconds'
  return null
}

/** Zipkin tags are strings; numbers and booleans are kept as their text, anything else dropped. */
function tagsOf(value: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (!isObject(value)) return out
  for (const [key, tag] of Object.entries(value)) {
    if (typeof tag === 'string') out[key] = tag
    else if ((typeof tag === 'number' && Number.isFinite(tag)) || typeof tag === 'boolean') out[key] = String(tag)
  }
  return out
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
