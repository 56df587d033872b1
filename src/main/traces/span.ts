/** One span as Meshdeck keeps it, whichever protocol (OTLP, Zipkin) it arrived by. */
export interface Span {
  traceId: string
  spanId: string
  parentSpanId: string | null
  name: string
  kind: 'client' | 'server' | 'internal' | 'producer' | 'consumer' | 'unspecified'
  /** The resource's service.name. */
  service: string
  /** The resource's service.version (the demo's subset label), when set. */
  serviceVersion: string | null
  startMs: number
  durationMs: number
  error: boolean
  statusMessage: string | null
  attributes: Record<string, string | number | boolean>
}
