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
 * The last `maxSpans` spans (and at most about `maxBytes` of them), grouped by trace. Oldest
 * traces are dropped first so memory stays bounded however much a load generator sends, and
 * however large the spans a sender makes up.
 */
export class SpanStore {
  private readonly traces = new Map<string, { spans: Span[]; bytes: number }>()
  private size = 0
  private bytes = 0

  constructor(
    private readonly maxSpans = 50_000,
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  add(spans: readonly Span[]): void {
    for (const span of spans) {
      const cost = approximateBytes(span)
      const trace = this.traces.get(span.traceId)
      if (trace) {
        trace.spans.push(span)
        trace.bytes += cost
      } else this.traces.set(span.traceId, { spans: [span], bytes: cost })
      this.size++
      this.bytes += cost
    }
    // Map iteration order is insertion order: the first traces are the oldest.
    for (const [traceId, trace] of this.traces) {
      if (this.size <= this.maxSpans && this.bytes <= this.maxBytes) break
      this.traces.delete(traceId)
      this.size -= trace.spans.length
      this.bytes -= trace.bytes
    }
  }

  get spanCount(): number {
    return this.size
  }

  trace(traceId: string): Span[] | undefined {
    const spans = this.traces.get(traceId)?.spans
    return spans ? [...spans].sort((a, b) => a.startMs - b.startMs) : undefined
  }

  /** Newest first. */
  search(query: TraceQuery = {}): TraceSummary[] {
    const out: TraceSummary[] = []
    const limit = query.limit ?? 100
    for (const { spans } of [...this.traces.values()].reverse()) {
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

/** Whatever shape a stored trace has (no root, a span its own parent, thousands of spans). */
function summarise(spans: Span[]): TraceSummary {
  const ids = new Set(spans.map((s) => s.spanId))
  const root = spans.find((s) => s.parentSpanId === null || !ids.has(s.parentSpanId)) ?? spans[0]!
  // A loop, not Math.min(...spans): spreading a huge trace into arguments overflows the stack.
  let start = Infinity
  let end = -Infinity
  for (const s of spans) {
    start = Math.min(start, s.startMs)
    end = Math.max(end, s.startMs + s.durationMs)
  }
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

/** Roughly what a span costs in memory: its strings (two bytes a character) and a fixed overhead. */
function approximateBytes(span: Span): number {
  let chars = span.traceId.length + span.spanId.length + (span.parentSpanId?.length ?? 0) + span.name.length + span.service.length
  chars += (span.serviceVersion?.length ?? 0) + (span.statusMessage?.length ?? 0)
  for (const [key, value] of Object.entries(span.attributes)) chars += key.length + (typeof value === 'string' ? value.length : 8)
  return 200 + 2 * chars
}
