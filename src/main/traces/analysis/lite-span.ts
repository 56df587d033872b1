import type { SpanKind } from '../span'

/**
 * The few fields trace analysis reads (layout, clock skew, critical path, comparison): a big
 * trace is analysed from these without building its full spans. Pure.
 */
export interface LiteSpan {
  spanId: string
  parentSpanId: string | null
  service: string
  serviceVersion: string | null
  name: string
  kind: SpanKind
  error: boolean
  /** Exact start (ms since the epoch, fractional). */
  startMs: number
  durationMs: number
  /**
   * Which clock stamped the span: spans of one host (or process) share it. From the resource's
   * host.name, k8s.pod.name or service.instance.id, else the service and its version.
   */
  clock: string
  /** Zipkin shared server span: the client span id it was split from. */
  sharedWith?: string
}

export function clockOf(resource: Record<string, unknown> | undefined, service: string, version: string | null): string {
  for (const key of ['host.id', 'host.name', 'k8s.pod.uid', 'k8s.pod.name', 'service.instance.id']) {
    const value = resource?.[key]
    if (typeof value === 'string' && value !== '') return `${key}=${value}`
  }
  return `service=${service}@${version ?? ''}`
}
