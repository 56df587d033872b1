import { MeshdeckError } from '@shared/contract'
import type { Router } from '../../api'
import type { SpanStore } from '../span-store'
import type { TraceCollector } from './collector-server'

/** traces.search and traces.get over the span store; whatever the store holds, both answer within the contract. */
export function registerTracesApi(router: Router, traces: { store: SpanStore; collector: TraceCollector }): void {
  router.register('traces.search', (query) => ({
    traces: traces.store.search(query),
    spanCount: traces.store.spanCount,
    collector: { otlpUrl: traces.collector.otlpUrl, zipkinUrl: traces.collector.zipkinUrl },
  }))
  router.register('traces.get', ({ traceId }) => {
    const spans = traces.store.trace(traceId)
    if (!spans) throw new MeshdeckError('not_found', `No trace ${traceId} is kept.`, 'Traces older than the store keeps are dropped; pick a recent one.')
    return { spans }
  })
}
