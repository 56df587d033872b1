import type { ParsedSpans, RejectedSpan } from '../span-checks'
import { hexOf, idBytesProblem } from './ids'
import { uint64Of, zipkinProto } from './proto-runtime'
import { zipkinKind, zipkinSpan } from './zipkin-span'

/**
 * Reads a Zipkin v2 protobuf ListOfSpans (POST /api/v2/spans with application/x-protobuf, as
 * Zipkin's reporters and Envoy's HTTP_PROTO send it). Pure. Throws when the bytes are not a valid
 * message; a span with malformed ids is rejected with the reason.
 */
export function spansFromZipkinProto(body: Uint8Array): ParsedSpans {
  let list: ReturnType<typeof zipkinProto.ListOfSpans.decode>
  try {
    list = zipkinProto.ListOfSpans.decode(body)
  } catch (err) {
    throw new TypeError(`not a Zipkin ListOfSpans: ${(err as Error).message}`)
  }
  const spans: ParsedSpans['spans'] = []
  const rejected: RejectedSpan[] = []
  for (const raw of list.spans) {
    const problem = idBytesProblem('trace_id', raw.traceId, [8, 16]) ?? idBytesProblem('id', raw.id, [8]) ?? idBytesProblem('parent_id', raw.parentId, [0, 8])
    if (problem) {
      rejected.push({ reason: problem })
      continue
    }
    const timestampUs = uint64Of(raw.timestamp)
    if (timestampUs === 0n) {
      rejected.push({ reason: 'timestamp is not set' })
      continue
    }
    const remote = raw.remoteEndpoint
    spans.push(
      zipkinSpan({
        traceId: hexOf(raw.traceId!),
        id: hexOf(raw.id!),
        parentId: raw.parentId && raw.parentId.length > 0 ? hexOf(raw.parentId) : null,
        name: raw.name ?? '',
        kind: zipkinKind(raw.kind),
        timestampUs,
        durationUs: uint64Of(raw.duration),
        localService: raw.localEndpoint?.serviceName || null,
        remoteService: remote?.serviceName || null,
        remoteAddress: remote?.ipv4 && remote.ipv4.length === 4 ? Array.from(remote.ipv4).join('.') : null,
        remotePort: remote?.port || null,
        tags: { ...(raw.tags ?? {}) },
        annotations: (raw.annotations ?? []).map((a) => ({ timestampUs: uint64Of(a.timestamp), value: a.value ?? '' })),
        shared: raw.shared === true && zipkinKind(raw.kind) === 'server',
      }),
    )
  }
  return { spans, rejected }
}
