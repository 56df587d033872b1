/**
 * One span as Meshdeck keeps it, whichever protocol (OTLP/HTTP, OTLP/gRPC, Zipkin v1/v2) it
 * arrived by. The first group of fields is what analysis reads (edge latency, canary, search);
 * the optional rest is what a trace view shows and what an OTLP export gives back unchanged.
 */
export interface Span {
  traceId: string
  spanId: string
  parentSpanId: string | null
  name: string
  kind: SpanKind
  /** The resource's service.name. */
  service: string
  /** The resource's service.version (the demo's subset label), when set. */
  serviceVersion: string | null
  startMs: number
  durationMs: number
  error: boolean
  statusMessage: string | null
  attributes: Attributes

  /** Exact start and end in nanoseconds since the epoch (startMs/durationMs are derived, rounded). */
  startNs?: bigint
  endNs?: bigint
  /** OTLP status code; `error` is true exactly when this is 'error'. */
  statusCode?: StatusCode
  traceState?: string
  /** W3C trace flags in the low byte, OTLP's remote-context bits above (SpanFlags). */
  flags?: number
  /** Every resource attribute, service.name and service.version included. */
  resource?: Attributes
  scope?: InstrumentationScope
  events?: SpanEvent[]
  links?: SpanLink[]
  dropped?: DroppedCounts
  /**
   * Zipkin's `shared`: a server span that reused its client's span id (Envoy's and B3's default).
   * The collector gives it its own id; this keeps the id it was sent with.
   */
  sharedWith?: string
}

export type SpanKind = 'client' | 'server' | 'internal' | 'producer' | 'consumer' | 'unspecified'
export type StatusCode = 'unset' | 'ok' | 'error'

/**
 * An attribute value as OpenTelemetry's API allows it: a primitive or a homogeneous array of them.
 * Other OTLP AnyValues are kept readable: bytes as base64 text, a key/value list as JSON text, an
 * int64 past 2^53 as its decimal text.
 */
export type AttributeValue = string | number | boolean | (string | number | boolean | null)[]
export type Attributes = Record<string, AttributeValue>

export interface InstrumentationScope {
  name: string
  version: string
}

export interface SpanEvent {
  timeNs: bigint
  name: string
  attributes: Attributes
}

export interface SpanLink {
  traceId: string
  spanId: string
  traceState?: string
  attributes: Attributes
}

export interface DroppedCounts {
  attributes: number
  events: number
  links: number
}

export const spanKinds: readonly SpanKind[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer']

/** Nanoseconds to (fractional) milliseconds. */
export function nsToMs(ns: bigint): number {
  return Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6
}

/** The exact start of a span: its nanoseconds when known, else its milliseconds. */
export function startNsOf(span: Pick<Span, 'startNs' | 'startMs'>): bigint {
  return span.startNs ?? BigInt(Math.round(span.startMs * 1e6))
}

export function endNsOf(span: Pick<Span, 'endNs' | 'startNs' | 'startMs' | 'durationMs'>): bigint {
  return span.endNs ?? startNsOf(span) + BigInt(Math.round(span.durationMs * 1e6))
}
