import type { Span } from './span'

export interface TraceSummary {
  traceId: string
  rootService: string
  rootName: string
  startMs: number
  durationMs: number
  spanCount: number
  services: string[]
  error: boolean
}

export interface TraceQuery {
  service?: string
  errorsOnly?: boolean
  minDurationMs?: number
  limit?: number
}

/**
 * The last `maxSpans` spans, grouped by trace. Oldest traces are dropped first so memory stays
 * bounded however much a load generator sends.
 */
export class SpanStore {
  private readonly traces = new Map<string, Span[]>()
  private size = 0

  constructor(private readonly maxSpans = 50_000) {}

  add(spans: readonly Span[]): void {
    for (const span of spans) {
      const trace = this.traces.get(span.traceId)
      if (trace) trace.push(span)
      else this.traces.set(span.traceId, [span])
      this.size++
    }
    // Map iteration order is insertion order: the first traces are the oldest.
    for (const [traceId, trace] of this.traces) {
      if (this.size <= this.maxSpans) break
      this.traces.delete(traceId)
      this.size -= trace.length
    }
  }

  get spanCount(): number {
    return this.size
  }

  trace(traceId: string): Span[] | undefined {
    const spans = this.traces.get(traceId)
    return spans ? [...spans].sort((a, b) => a.startMs - b.startMs) : undefined
  }

  /** Newest first. */
  search(query: TraceQuery = {}): TraceSummary[] {
    const out: TraceSummary[] = []
    const limit = query.limit ?? 100
    for (const spans of [...this.traces.values()].reverse()) {
      const summary = summarise(spans)
      if (query.service && !summary.services.includes(query.service)) continue
      if (query.errorsOnly && !summary.error) continue
      if (query.minDurationMs !== undefined && summary.durationMs < query.minDurationMs) continue
      out.push(summary)
      if (out.length >= limit) break
    }
    return out
  }
}

function summarise(spans: Span[]): TraceSummary {
  const ids = new Set(spans.map((s) => s.spanId))
  const root = spans.find((s) => s.parentSpanId === null || !ids.has(s.parentSpanId)) ?? spans[0]!
  const start = Math.min(...spans.map((s) => s.startMs))
  const end = Math.max(...spans.map((s) => s.startMs + s.durationMs))
  return {
    traceId: root.traceId,
    rootService: root.service,
    rootName: root.name,
    startMs: start,
    durationMs: end - start,
    spanCount: spans.length,
    services: [...new Set(spans.map((s) => s.service))].sort(),
    error: spans.some((s) => s.error),
  }
}
