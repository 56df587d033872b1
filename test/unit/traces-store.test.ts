import { describe, expect, it } from 'vitest'
import { SpanStore, type Span } from '../../src/main/traces'

const span = (traceId: string, spanId: string): Span => ({
  traceId,
  spanId,
  parentSpanId: null,
  name: 'x',
  kind: 'server',
  service: 's',
  serviceVersion: null,
  startMs: 0,
  durationMs: 1,
  error: false,
  statusMessage: null,
  attributes: {},
})

describe('span store', () => {
  it('stays within its bound by dropping the oldest traces first', () => {
    const store = new SpanStore(100)
    for (let t = 0; t < 60; t++) store.add([span(`t${t}`, 'a'), span(`t${t}`, 'b')])
    expect(store.spanCount).toBeLessThanOrEqual(100)
    expect(store.trace('t0')).toBeUndefined()
    expect(store.trace('t59')).toHaveLength(2)
  })
})
