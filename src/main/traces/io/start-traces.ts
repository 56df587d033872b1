import type { Disposable } from '../../lib/disposable'
import { EdgeLatency } from '../edge-latency'
import type { Span } from '../span'
import type { SpanTimeWindow } from '../span-checks'
import { SpanStore } from '../span-store'
import { startTraceCollector, type CollectorRejection, type TraceCollector } from './collector-server'

export interface Traces extends Disposable {
  readonly collector: TraceCollector
  readonly store: SpanStore
  readonly edges: EdgeLatency
}

export interface TracesOptions {
  host?: string
  port?: number
  maxSpans?: number
  /** How far from now a span may lie (default ±10 min); others are rejected and never counted. */
  timeWindow?: SpanTimeWindow
  onSpans?: (spans: Span[]) => void
  /** Where rejected batches are reported; by default one line on stderr, at most once a minute. */
  onRejected?: (rejection: CollectorRejection) => void
}

export async function startTraces(options: TracesOptions = {}): Promise<Traces> {
  const store = new SpanStore(options.maxSpans)
  const edges = new EdgeLatency(Date.now, options.timeWindow ? { timeWindow: options.timeWindow } : {})
  const collector = await startTraceCollector({
    host: options.host,
    port: options.port,
    timeWindow: options.timeWindow,
    onRejected: options.onRejected ?? rejectionLog(),
    onSpans: (spans) => {
      store.add(spans)
      edges.add(spans)
      options.onSpans?.(spans)
    },
  })
  return { collector, store, edges, dispose: () => collector.dispose() }
}

/** A sender with a wrong clock rejects every batch: say so once a minute, with the count since. */
function rejectionLog(): (rejection: CollectorRejection) => void {
  let loggedAt = -Infinity
  let since = 0
  return (rejection) => {
    since += rejection.count
    if (rejection.at - loggedAt < 60_000) return
    process.stderr.write(`meshdeck: trace collector rejected ${since} span(s) (${rejection.protocol}): ${rejection.message}\n`)
    loggedAt = rejection.at
    since = 0
  }
}

/** Starts on the wanted port, or on a free one when something else holds it (another collector). */
export async function startTracesOnFreePort(options: TracesOptions & { port: number }): Promise<Traces> {
  try {
    return await startTraces(options)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || options.port === 0) throw err
    return startTraces({ ...options, port: 0 })
  }
}
