import type { SpanStore } from '../store/span-store'
import { clockOf, type LiteSpan } from './lite-span'

/** A held trace as LiteSpans, read from the store's columns (no attributes built). Pure. */
export function liteSpansOf(store: SpanStore, traceId: string): LiteSpan[] | undefined {
  const rows = store.rows(traceId)
  if (!rows) return undefined
  // The clock is a property of the resource: work it out once per resource, not per span.
  const clocks = new Map<object, string>()
  return rows.map(({ segment, row }) => {
    const resource = segment.resourceOf(row)
    let clock = clocks.get(resource)
    if (clock === undefined) {
      clock = clockOf(resource.attributes, resource.service, resource.version)
      clocks.set(resource, clock)
    }
    const span: LiteSpan = {
      spanId: segment.spanId(row),
      parentSpanId: segment.parentSpanId(row),
      service: resource.service,
      serviceVersion: resource.version,
      name: segment.nameOf(row),
      kind: segment.kindOf(row),
      error: segment.isError(row),
      startMs: segment.exactStartMs(row),
      durationMs: segment.durationNs[row]! / 1e6,
      clock,
    }
    const shared = segment.sharedWithOf(row)
    if (shared) span.sharedWith = shared
    return span
  })
}

/** The callee a client span names, for the dependency graph. */
export function peerOfRow(store: SpanStore, traceId: string): (index: number) => string | null {
  const rows = store.rows(traceId) ?? []
  return (index) => {
    const at = rows[index]
    if (!at) return null
    for (const key of ['peer.service', 'server.address', 'net.peer.name']) {
      const value = at.segment.attribute(at.row, key)
      if (typeof value === 'string' && value !== '') return value
    }
    return null
  }
}
