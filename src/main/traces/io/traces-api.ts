import { MeshdeckError, type DemoLogLine, type MethodName, type MeshMarkerDto, type SpanDto, type TraceHealthDto } from '@shared/contract'
import type { EventBus, Handler, Router } from '../../api'
import type { Disposable } from '../../lib/disposable'
import { liteSpansOf, peerOfRow } from '../analysis/lite-from-store'
import { outlineTrace } from '../analysis/outline'
import { diffTraces } from '../analysis/trace-diff'
import { DependencyGraph } from '../analysis/dependencies'
import { compareSubsets } from '../analysis/subset-compare'
import type { TraceCollector } from './collector-server'
import type { GrpcTraceCollector } from './grpc-collector'
import type { Ingest } from '../ingest'
import type { ConfigHistory } from '../mesh-context/config-history'
import { rolloutMarkers, type RolloutTimeline } from '../mesh-context/rollout-at'
import { spanMeshContext } from '../mesh-context/span-context'
import { otlpJsonOf } from '../protocol/otlp-export'
import { spansFromOtlpJson } from '../protocol/otlp-json'
import { endNsOf, startNsOf, type Span } from '../span'
import type { SpanStore, TraceSummary } from '../store/span-store'

export interface TracesApiDeps {
  traces: {
    store: SpanStore
    collector: TraceCollector
    grpc?: GrpcTraceCollector | null
    ingest?: Ingest
    onSpans?: (listener: (spans: Span[]) => void) => Disposable
  }
  /** The control plane's history (null while none runs) and the rollouts, for a span's mesh context. */
  mesh?: {
    history: () => ConfigHistory | null
    rollouts: () => Promise<readonly RolloutTimeline[]>
  }
  /** Where a workload's logs are: the demo's supervisor, or a cluster's pods. */
  logs?: {
    /** The demo workload's recent lines, or null when no such workload runs. */
    demo: (workload: string) => DemoLogLine[] | null
    /** The kubeconfig context whose pods a span's k8s.* resource attributes name. */
    clusterContext: () => string | null
  }
  /** How often the live tail may fire (default once a second). */
  tailIntervalMs?: number
}

const tailTraces = 50
const defaultLogMarginMs = 5_000
const dependencyTraces = 5_000

/**
 * The Traces page's API: search, one trace (in full, outlined for the waterfall, or a span with its
 * mesh context and logs), comparison, dependencies, canary-vs-stable, ingest health, export and
 * import; and the live tail event. Every answer fits the contract whatever the store holds.
 */
export function registerTracesApi(router: Router, bus: EventBus | null, deps: TracesApiDeps): Disposable {
  // Every method registered here is unregistered by the Disposable returned.
  const owned: Disposable[] = []
  const api = { register: <M extends MethodName>(name: M, handler: Handler<M>): void => void owned.push(router.register(name, handler)) }
  const { store, collector } = deps.traces
  const info = () => ({ otlpUrl: collector.otlpUrl, otlpGrpcUrl: deps.traces.grpc?.url ?? null, zipkinUrl: collector.zipkinUrl, zipkinV1Url: collector.zipkinV1Url })
  const health = (): TraceHealthDto => {
    const stats = collector.stats()
    return { collector: info(), ...storeHealth(store), spansRejected: stats.rejectedSpans, requestsRefused: stats.refusedRequests, byFormat: stats.byFormat, recentRejections: stats.recentRejections }
  }
  const rollouts = async (): Promise<readonly RolloutTimeline[]> => (deps.mesh ? await deps.mesh.rollouts().catch(() => []) : [])
  const markers = async (sinceMs: number, untilMs: number): Promise<MeshMarkerDto[]> => {
    const pushes = deps.mesh?.history()?.pushesBetween(sinceMs, untilMs) ?? []
    const steps = rolloutMarkers(await rollouts(), sinceMs, untilMs)
    return [...pushes.map((p) => ({ atMs: p.atMs, kind: 'config' as const, label: p.detail })), ...steps.map((s) => ({ atMs: s.atMs, kind: 'rollout' as const, label: s.label }))].sort((a, b) => a.atMs - b.atMs)
  }
  const spansOf = (traceId: string): Span[] => {
    const spans = store.trace(traceId)
    if (!spans) throw notFound(traceId)
    return spans
  }

  api.register('traces.search', (query) => {
    const started = performance.now()
    if (query.minDurationMs !== undefined && query.maxDurationMs !== undefined && query.minDurationMs > query.maxDurationMs) {
      throw new MeshdeckError('invalid_trace_query', `The minimum duration (${query.minDurationMs} ms) is above the maximum (${query.maxDurationMs} ms).`, 'Swap or clear one of the two.')
    }
    const traces = store.search(query)
    return { traces, spanCount: store.spanCount, collector: info(), tookMs: Math.round((performance.now() - started) * 100) / 100 }
  })
  api.register('traces.get', ({ traceId }) => ({ spans: spansOf(traceId).map(spanDto) }))
  api.register('traces.outline', async ({ traceId }) => {
    const lite = liteSpansOf(store, traceId)
    if (!lite) throw notFound(traceId)
    const outline = outlineTrace(store.summary(traceId)!.traceId, lite)
    // Markers inside the trace draw on its timeline; the latest ones before it say what config it ran under.
    return { ...outline, markers: await markers(outline.startMs - 15 * 60_000, outline.startMs + outline.durationMs + 1_000) }
  })
  api.register('traces.span', async ({ traceId, spanId }) => {
    const spans = spansOf(traceId)
    const span = spans.find((s) => s.spanId === spanId.toLowerCase())
    if (!span) throw new MeshdeckError('not_found', `Trace ${traceId} has no span ${spanId}.`, 'Pick a span from the trace shown.')
    return { span: spanDto(span), mesh: spanMeshContext(span, spans, { history: deps.mesh?.history() ?? null, rollouts: await rollouts() }) }
  })
  api.register('traces.spanLogs', ({ traceId, spanId, marginMs }) => {
    const span = spansOf(traceId).find((s) => s.spanId === spanId.toLowerCase())
    if (!span) throw new MeshdeckError('not_found', `Trace ${traceId} has no span ${spanId}.`, 'Pick a span from the trace shown.')
    const margin = marginMs ?? defaultLogMarginMs
    const fromMs = span.startMs - margin
    const toMs = span.startMs + span.durationMs + margin
    const resource = span.resource ?? {}
    const instance = resource['service.instance.id']
    const lines = typeof instance === 'string' ? deps.logs?.demo(instance) : null
    if (lines) {
      return { source: 'demo' as const, workload: instance as string, fromMs, toMs, lines: lines.filter((l) => Date.parse(l.at) >= fromMs && Date.parse(l.at) <= toMs) }
    }
    const pod = resource['k8s.pod.name']
    const namespace = resource['k8s.namespace.name']
    if (typeof pod === 'string' && typeof namespace === 'string') {
      const container = resource['k8s.container.name']
      return { source: 'pod' as const, context: deps.logs?.clusterContext() ?? null, namespace, pod, container: typeof container === 'string' ? container : null, fromMs, toMs }
    }
    return {
      source: 'none' as const,
      reason: `${span.service} is neither a running demo workload (service.instance.id) nor a pod (k8s.pod.name and k8s.namespace.name are not on its resource). Add the k8s resource detector to its OpenTelemetry SDK to link its logs.`,
    }
  })
  api.register('traces.compare', ({ a, b }) => {
    const left = liteSpansOf(store, a)
    const right = liteSpansOf(store, b)
    if (!left) throw notFound(a)
    if (!right) throw notFound(b)
    return { rows: diffTraces(left, right), a: store.summary(a)!, b: store.summary(b)! }
  })
  api.register('traces.dependencies', ({ sinceMs, limit }) => {
    const ids = store.recentTraceIds(sinceMs ?? Date.now() - 15 * 60_000, (limit ?? dependencyTraces) + 1)
    const graph = new DependencyGraph()
    for (const traceId of ids.slice(0, limit ?? dependencyTraces)) graph.addTrace(liteSpansOf(store, traceId) ?? [], peerOfRow(store, traceId))
    return { ...graph.result(), traces: graph.traces, partial: ids.length > (limit ?? dependencyTraces) }
  })
  api.register('traces.subsets', async ({ service, subsets, sinceMs, untilMs }) => {
    const until = untilMs ?? Date.now()
    return compareSubsets(store, { service, subsets, sinceMs: sinceMs ?? until - 15 * 60_000, untilMs: until }, await rollouts())
  })
  api.register('traces.markers', async ({ sinceMs, untilMs }) => ({ markers: await markers(sinceMs, untilMs) }))
  api.register('traces.health', () => health())
  api.register('traces.export', ({ traceId }) => {
    const spans = spansOf(traceId)
    return { fileName: `trace-${spans[0]!.traceId}.otlp.json`, otlpJson: JSON.stringify(otlpJsonOf(spans)) }
  })
  api.register('traces.import', ({ otlpJson }) => {
    let parsed
    try {
      parsed = spansFromOtlpJson(JSON.parse(otlpJson))
    } catch (err) {
      throw new MeshdeckError('invalid_trace_file', `This file is not OTLP/JSON trace data: ${(err as Error).message}`, 'Drop a file exported from Meshdeck or written by an OTLP/JSON exporter (an object with "resourceSpans").')
    }
    if (parsed.spans.length === 0 && parsed.rejected.length > 0) {
      throw new MeshdeckError('invalid_trace_file', `No span of this file could be read (${parsed.rejected[0]!.reason}).`, 'Check that the ids are hex and the times are nanoseconds.')
    }
    // Imported spans are for looking at: any date is fine, and they stay out of canary analysis and the topology.
    store.add(parsed.spans)
    return {
      traceIds: [...new Set(parsed.spans.map((s) => store.summary(s.traceId)?.traceId ?? s.traceId))],
      accepted: parsed.spans.length,
      rejected: parsed.rejected.length,
      message: parsed.rejected.length > 0 ? `${parsed.rejected.length} span(s) could not be read: ${parsed.rejected[0]!.reason}` : null,
    }
  })

  // The live tail: traces touched since the last tick, at most once a second, with ingest health.
  const touched = new Set<string>()
  let timer: ReturnType<typeof setTimeout> | null = null
  const interval = deps.tailIntervalMs ?? 1_000
  const flush = (): void => {
    timer = null
    const summaries: TraceSummary[] = []
    for (const traceId of touched) {
      const summary = store.summary(traceId)
      if (summary) summaries.push(summary)
    }
    touched.clear()
    summaries.sort((a, b) => b.startMs - a.startMs)
    bus?.emit('traces.tail', { traces: summaries.slice(0, tailTraces), more: Math.max(0, summaries.length - tailTraces), health: health() })
  }
  const subscription = bus === null ? undefined : deps.traces.onSpans?.((spans) => {
    for (const span of spans) touched.add(span.traceId)
    // Bounded: a flood of new traces between two ticks keeps at most this many ids.
    if (touched.size > 20_000) touched.delete(touched.values().next().value as string)
    timer ??= setTimeout(flush, interval)
  })
  return {
    dispose: () => {
      for (const registration of owned) void registration.dispose()
      subscription?.dispose()
      if (timer) clearTimeout(timer)
      timer = null
    },
  }
}

function notFound(traceId: string): MeshdeckError {
  return new MeshdeckError('not_found', `No trace ${traceId} is held.`, 'The store keeps the newest traces within its byte budget; older ones are evicted. Search again for a recent one.')
}

function storeHealth(store: SpanStore): Omit<TraceHealthDto, 'collector' | 'spansRejected' | 'requestsRefused' | 'byFormat' | 'recentRejections'> {
  const h = store.health()
  return {
    spansReceived: h.spansReceived,
    spansHeld: h.spansHeld,
    spansEvicted: h.spansEvicted,
    tracesHeld: h.tracesHeld,
    tracesEvicted: h.tracesEvicted,
    tracesWithMissingParents: h.tracesWithMissingParents,
    tracesSettling: h.tracesSettling,
    bytesHeld: h.bytesHeld,
    maxBytes: h.maxBytes,
    oldestStartMs: h.oldestStartMs,
  }
}

export function spanDto(span: Span): SpanDto {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: span.name,
    kind: span.kind,
    service: span.service,
    serviceVersion: span.serviceVersion,
    startMs: span.startMs,
    durationMs: span.durationMs,
    error: span.error,
    statusMessage: span.statusMessage,
    attributes: span.attributes,
    startTimeUnixNano: String(startNsOf(span)),
    endTimeUnixNano: String(endNsOf(span)),
    statusCode: span.statusCode ?? (span.error ? 'error' : 'unset'),
    traceState: span.traceState ?? null,
    flags: span.flags ?? 0,
    resource: span.resource ?? { 'service.name': span.service },
    scope: span.scope ?? { name: '', version: '' },
    events: (span.events ?? []).map((e) => ({ timeUnixNano: String(e.timeNs), name: e.name, attributes: e.attributes })),
    links: (span.links ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId, traceState: l.traceState ?? null, attributes: l.attributes })),
    dropped: span.dropped ?? { attributes: 0, events: 0, links: 0 },
    sharedWith: span.sharedWith ?? null,
  }
}
