import type { Disposable } from '../../lib/disposable'
import { EdgeLatency } from '../edge-latency'
import { Ingest, type CollectorRejection } from '../ingest'
import type { SpanTimeWindow } from '../span-checks'
import type { Span } from '../span'
import { SpanStore, defaultMaxTraceBytes } from '../store/span-store'
import { startTraceCollector, type TraceCollector } from './collector-server'
import { startGrpcTraceCollector, type GrpcTraceCollector } from './grpc-collector'

export interface Traces extends Disposable {
  readonly collector: TraceCollector
  /** The OTLP/gRPC receiver; null when it was turned off (grpcPort: null) or its port was taken. */
  readonly grpc: GrpcTraceCollector | null
  readonly store: SpanStore
  readonly edges: EdgeLatency
  readonly ingest: Ingest
  /** Told of every accepted batch, after the store has it (the live tail listens here). */
  onSpans(listener: (spans: Span[]) => void): Disposable
}

export interface TracesOptions {
  host?: string
  /** OTLP/HTTP and Zipkin (default 4318; 0 picks a free port). */
  port?: number
  /** OTLP/gRPC (default 4317, or a free port when `port` is 0); null turns it off. */
  grpcPort?: number | null
  /** The store's byte budget (default 256 MiB). */
  maxBytes?: number
  /** An optional cap on spans held, on top of the byte budget. */
  maxSpans?: number
  /** How far from now a span may lie (default ±10 min); others are rejected and never counted. */
  timeWindow?: SpanTimeWindow
  onSpans?: (spans: Span[]) => void
  /** Where rejected batches are reported; by default one line on stderr, at most once a minute. */
  onRejected?: (rejection: CollectorRejection) => void
}

export async function startTraces(options: TracesOptions = {}): Promise<Traces> {
  const store = new SpanStore({ maxBytes: options.maxBytes ?? defaultMaxTraceBytes, ...(options.maxSpans === undefined ? {} : { maxSpans: options.maxSpans }) })
  const edges = new EdgeLatency(Date.now, options.timeWindow ? { timeWindow: options.timeWindow } : {})
  const listeners = new Set<(spans: Span[]) => void>()
  const ingest = new Ingest({
    timeWindow: options.timeWindow,
    onRejected: options.onRejected ?? rejectionLog(),
    onSpans: (spans) => {
      store.add(spans)
      edges.add(spans)
      options.onSpans?.(spans)
      for (const listener of listeners) listener(spans)
    },
  })
  const collector = await startTraceCollector({ host: options.host, port: options.port, ingest, onSpans: () => undefined })
  let grpc: GrpcTraceCollector | null = null
  if (options.grpcPort !== null) {
    const grpcPort = options.grpcPort ?? (options.port === 0 ? 0 : 4317)
    try {
      grpc = await startGrpcTraceCollector({ host: options.host, port: grpcPort, ingest })
    } catch (err) {
      // Another collector holds 4317: take a free port rather than go without gRPC.
      if (grpcPort === 0) {
        await collector.dispose()
        throw err
      }
      grpc = await startGrpcTraceCollector({ host: options.host, port: 0, ingest }).catch(() => null)
    }
  }
  return {
    collector,
    grpc,
    store,
    edges,
    ingest,
    onSpans: (listener) => {
      listeners.add(listener)
      return { dispose: () => void listeners.delete(listener) }
    },
    dispose: async () => {
      listeners.clear()
      await Promise.all([collector.dispose(), grpc?.dispose()])
    },
  }
}

/** A sender with a wrong clock rejects every batch: say so once a minute, with the count since. */
function rejectionLog(): (rejection: CollectorRejection) => void {
  let loggedAt = -Infinity
  let since = 0
  let refused = 0
  return (rejection) => {
    since += rejection.count
    if (rejection.count === 0) refused++
    if (rejection.at - loggedAt < 60_000) return
    const what = [since > 0 ? `rejected ${since} span(s)` : null, refused > 0 ? `refused ${refused} request(s)` : null].filter(Boolean).join(' and ')
    process.stderr.write(`meshdeck: trace collector ${what} (${rejection.format}): ${rejection.message}\n`)
    loggedAt = rejection.at
    since = 0
    refused = 0
  }
}

/** Starts on the wanted port, or on a free one when something else holds it (another collector). */
export async function startTracesOnFreePort(options: TracesOptions & { port: number }): Promise<Traces> {
  try {
    return await startTraces(options)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || options.port === 0) throw err
    return startTraces({ ...options, port: 0, grpcPort: options.grpcPort === null ? null : options.grpcPort })
  }
}
