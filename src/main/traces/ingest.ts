import { spansFromOtlpJson } from './protocol/otlp-json'
import { spansFromOtlpProto } from './protocol/otlp-proto'
import { spansFromZipkinJson } from './protocol/zipkin-json'
import { spansFromZipkinProto } from './protocol/zipkin-proto'
import { spansFromZipkinV1Json } from './protocol/zipkin-v1-json'
import type { Span } from './span'
import { defaultSpanTimeWindow, describeRejections, withinTimeWindow, type ParsedSpans, type SpanTimeWindow } from './span-checks'

/**
 * What every receiver (OTLP/HTTP, OTLP/gRPC, Zipkin) does with a body once it is in memory:
 * decode it with the right codec, keep the spans whose time is plausible, count the rest, and
 * keep a short list of what went wrong for the ingest health. Pure: bytes and a clock in, spans out.
 */
export type IngestFormat = 'otlp-json' | 'otlp-protobuf' | 'otlp-grpc' | 'zipkin-v2-json' | 'zipkin-v2-protobuf' | 'zipkin-v1-json'

export const ingestFormats: readonly IngestFormat[] = ['otlp-json', 'otlp-protobuf', 'otlp-grpc', 'zipkin-v2-json', 'zipkin-v2-protobuf', 'zipkin-v1-json']

export const protocolOf = (format: IngestFormat): 'otlp' | 'zipkin' => (format.startsWith('otlp') ? 'otlp' : 'zipkin')

/** A batch with spans refused, or a whole request refused (status ≥ 400 / a gRPC error). */
export interface CollectorRejection {
  at: number
  protocol: 'otlp' | 'zipkin'
  format: IngestFormat
  /** Spans refused (0 when the whole request was: it could not be read). */
  count: number
  /** The HTTP status answered (a gRPC error is given its HTTP equivalent). */
  status: number
  message: string
}

export interface FormatCounts {
  requests: number
  acceptedSpans: number
  rejectedSpans: number
  refusedRequests: number
}

export interface CollectorStats {
  acceptedSpans: number
  rejectedSpans: number
  /** Requests refused whole: undecodable (400), too large (413), wrong type (415), saturated (429/503). */
  refusedRequests: number
  byFormat: Record<IngestFormat, FormatCounts>
  /** The latest batches with rejected spans and refused requests, newest last (at most 20). */
  recentRejections: CollectorRejection[]
}

export interface IngestOutcome {
  accepted: number
  rejected: number
  /** Why spans were rejected, in one line; null when none were. */
  message: string | null
}

export interface IngestOptions {
  now?: () => number
  timeWindow?: SpanTimeWindow
  onSpans: (spans: Span[]) => void
  onRejected?: (rejection: CollectorRejection) => void
}

const keptRejections = 20

export class Ingest {
  private readonly now: () => number
  private readonly window: SpanTimeWindow
  private readonly counts: CollectorStats

  constructor(private readonly options: IngestOptions) {
    this.now = options.now ?? Date.now
    this.window = options.timeWindow ?? defaultSpanTimeWindow
    const byFormat = Object.fromEntries(ingestFormats.map((f) => [f, { requests: 0, acceptedSpans: 0, rejectedSpans: 0, refusedRequests: 0 }])) as Record<IngestFormat, FormatCounts>
    this.counts = { acceptedSpans: 0, rejectedSpans: 0, refusedRequests: 0, byFormat, recentRejections: [] }
  }

  /** Decodes a body; throws a TypeError naming what is wrong when it cannot be read at all. */
  decode(format: IngestFormat, body: Uint8Array): ParsedSpans {
    switch (format) {
      case 'otlp-protobuf':
      case 'otlp-grpc':
        return spansFromOtlpProto(body)
      case 'zipkin-v2-protobuf':
        return spansFromZipkinProto(body)
      case 'otlp-json':
        return spansFromOtlpJson(parseJson(body))
      case 'zipkin-v2-json':
        return spansFromZipkinJson(parseJson(body))
      case 'zipkin-v1-json':
        return spansFromZipkinV1Json(parseJson(body))
    }
  }

  /** Keeps the decoded spans whose time is plausible and hands them on; counts the rest. */
  accept(format: IngestFormat, decoded: ParsedSpans): IngestOutcome {
    const parsed = withinTimeWindow(decoded, this.now(), this.window)
    const counts = this.counts.byFormat[format]
    counts.requests++
    counts.acceptedSpans += parsed.spans.length
    counts.rejectedSpans += parsed.rejected.length
    this.counts.acceptedSpans += parsed.spans.length
    this.counts.rejectedSpans += parsed.rejected.length
    if (parsed.spans.length > 0) this.options.onSpans(parsed.spans)
    const message = parsed.rejected.length > 0 ? describeRejections(parsed.rejected) : null
    if (message) {
      // All rejected is the client's error for Zipkin (400); OTLP answers 200 with partial success.
      const status = protocolOf(format) === 'zipkin' && parsed.spans.length === 0 ? 400 : 200
      this.note({ at: this.now(), protocol: protocolOf(format), format, count: parsed.rejected.length, status, message })
    }
    return { accepted: parsed.spans.length, rejected: parsed.rejected.length, message }
  }

  /** Records a request refused whole, with the status answered and why. */
  refuse(format: IngestFormat, status: number, message: string): void {
    const counts = this.counts.byFormat[format]
    counts.requests++
    counts.refusedRequests++
    this.counts.refusedRequests++
    this.note({ at: this.now(), protocol: protocolOf(format), format, count: 0, status, message })
  }

  stats(): CollectorStats {
    return {
      ...this.counts,
      byFormat: Object.fromEntries(ingestFormats.map((f) => [f, { ...this.counts.byFormat[f] }])) as Record<IngestFormat, FormatCounts>,
      recentRejections: [...this.counts.recentRejections],
    }
  }

  private note(rejection: CollectorRejection): void {
    this.counts.recentRejections.push(rejection)
    if (this.counts.recentRejections.length > keptRejections) this.counts.recentRejections.shift()
    this.options.onRejected?.(rejection)
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

function parseJson(body: Uint8Array): unknown {
  let text: string
  try {
    text = utf8.decode(body)
  } catch {
    throw new TypeError('the body is not UTF-8 text')
  }
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new TypeError(`the body is not JSON (${(err as Error).message})`)
  }
}
