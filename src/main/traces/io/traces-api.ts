import { MeshdeckError } from '@shared/contract'
import type { EventBus, Router } from '../../api'
import type { Disposable } from '../../lib/disposable'
import type { SpanStore } from '../span-store'
import type { TraceCollector } from './collector-server'

/**
 * traces.search and traces.get over the span store; whatever the store holds, both answer within
 * the contract. Traces send no events (yet): the bus is taken for the shape every domain shares.
 */
export function registerTracesApi(router: Router, _bus: EventBus, traces: { store: SpanStore; collector: TraceCollector }): Disposable {
  return router.registerAll({
    'traces.search': (query) => ({
      traces: traces.store.search(query),
      spanCount: traces.store.spanCount,
      collector: { otlpUrl: traces.collector.otlpUrl, zipkinUrl: traces.collector.zipkinUrl },
    }),
    'traces.get': ({ traceId }) => {
      const spans = traces.store.trace(traceId)
      if (!spans) throw new MeshdeckError('not_found', `No trace ${traceId} is kept.`, 'Traces older than the store keeps are dropped; pick a recent one.')
      return { spans }
    },
  })
}
