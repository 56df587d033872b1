import { isHexId, timestampOf, type ParsedSpans, type RejectedSpan } from '../span-checks'
import { isObject } from './otlp-values'
import { zipkinKind, zipkinSpan } from './zipkin-span'

/**
 * Reads a Zipkin v2 JSON span list (POST /api/v2/spans). Pure. Times are microseconds; trace ids
 * 16 or 32 hex digits, span ids 16. A span with a malformed id or time is rejected with the reason.
 */
export function spansFromZipkinJson(body: unknown): ParsedSpans {
  if (!Array.isArray(body)) throw new TypeError('not a Zipkin v2 span list: expected a JSON array')
  const spans: ParsedSpans['spans'] = []
  const rejected: RejectedSpan[] = []
  for (const raw of body as unknown[]) {
    const problem = zipkinSpanProblem(raw)
    if (problem || !isObject(raw)) {
      rejected.push({ reason: problem ?? 'not a span object' })
      continue
    }
    const local = isObject(raw.localEndpoint) ? raw.localEndpoint : {}
    const remote = isObject(raw.remoteEndpoint) ? raw.remoteEndpoint : {}
    spans.push(
      zipkinSpan({
        traceId: (raw.traceId as string).toLowerCase(),
        id: (raw.id as string).toLowerCase(),
        parentId: typeof raw.parentId === 'string' && raw.parentId !== '' ? raw.parentId.toLowerCase() : null,
        name: String(raw.name ?? ''),
        kind: zipkinKind(raw.kind),
        timestampUs: BigInt(Math.round(timestampOf(raw.timestamp)!)),
        durationUs: raw.duration === undefined ? 0n : BigInt(Math.round(timestampOf(raw.duration)!)),
        localService: local.serviceName === undefined ? null : String(local.serviceName),
        remoteService: typeof remote.serviceName === 'string' ? remote.serviceName : null,
        remoteAddress: typeof remote.ipv4 === 'string' ? remote.ipv4 : typeof remote.ipv6 === 'string' ? remote.ipv6 : null,
        remotePort: typeof remote.port === 'number' && Number.isInteger(remote.port) ? remote.port : null,
        tags: tagsOf(raw.tags),
        annotations: annotationsOf(raw.annotations),
        shared: raw.shared === true && raw.kind === 'SERVER',
      }),
    )
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
export function tagsOf(value: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (!isObject(value)) return out
  for (const [key, tag] of Object.entries(value)) {
    if (typeof tag === 'string') out[key] = tag
    else if ((typeof tag === 'number' && Number.isFinite(tag)) || typeof tag === 'boolean') out[key] = String(tag)
  }
  return out
}

function annotationsOf(value: unknown): { timestampUs: bigint; value: string }[] {
  if (!Array.isArray(value)) return []
  const out: { timestampUs: bigint; value: string }[] = []
  for (const a of value) {
    if (!isObject(a) || typeof a.value !== 'string') continue
    const time = timestampOf(a.timestamp)
    if (time !== null) out.push({ timestampUs: BigInt(Math.round(time)), value: a.value })
  }
  return out
}
