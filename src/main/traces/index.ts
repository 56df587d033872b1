/**
 * Traces: OTLP/HTTP and Zipkin receivers, a bounded span store, and per-edge latency built from
 * spans (the latency percentiles that load reports do not carry).
 *
 *   const traces = await startTraces({ port: 4318 })
 *   traces.collector.otlpUrl           // give this to workloads' OTLP exporters
 *   traces.edges.window(30, { destination: 'reviews', subset: 'v3' })
 */
import type { Disposable } from '../lib/disposable'
import { startTraceCollector, type TraceCollector } from './collector-server'
import { EdgeLatency } from './edge-latency'
import type { Span } from './span'
import { SpanStore } from './span-store'

export type { Span } from './span'
export { SpanStore, type TraceQuery, type TraceSummary } from './span-store'
export { EdgeLatency, type EdgeKey, type EdgeWindowStats } from './edge-latency'
export { spansFromOtlpJson } from './otlp-json'
export { spansFromZipkinJson } from './zipkin-json'
export { startTraceCollector, type TraceCollector } from './collector-server'

export interface Traces extends Disposable {
  readonly collector: TraceCollector
  readonly store: SpanStore
  readonly edges: EdgeLatency
}

export async function startTraces(options: { host?: string; port?: number; maxSpans?: number; onSpans?: (spans: Span[]) => void } = {}): Promise<Traces> {
  const store = new SpanStore(options.maxSpans)
  const edges = new EdgeLatency()
  const collector = await startTraceCollector({
    host: options.host,
    port: options.port,
    onSpans: (spans) => {
      store.add(spans)
      edges.add(spans)
      options.onSpans?.(spans)
    },
  })
  return { collector, store, edges, dispose: () => collector.dispose() }
}

/** Starts on the wanted port, or on a free one when something else holds it (another collector). */
export async function startTracesOnFreePort(options: { host?: string; port: number; maxSpans?: number }): Promise<Traces> {
  try {
    return await startTraces(options)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || options.port === 0) throw err
    return startTraces({ ...options, port: 0 })
  }
}
