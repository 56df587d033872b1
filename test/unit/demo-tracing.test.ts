import { describe, expect, it } from 'vitest'
import { formatTraceparent, parseTraceparent, startWorkloadTracing } from '../../src/main/demo/io/workload/tracing'

describe('demo workload tracing', () => {
  it('reads and writes W3C traceparent headers', () => {
    const header = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
    const parsed = parseTraceparent(header)
    expect(parsed).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true })
    expect(formatTraceparent(parsed!)).toBe(header)
  })

  it('ignores malformed or all-zero ids instead of joining spans to nothing', () => {
    expect(parseTraceparent('garbage')).toBeNull()
    expect(parseTraceparent('00-00000000000000000000000000000000-00f067aa0ba902b7-01')).toBeNull()
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01')).toBeNull()
  })

  it('records nothing without a collector URL', () => {
    expect(startWorkloadTracing({ endpoint: undefined, service: 'reviews', version: 'v1', instance: 'reviews-v1' })).toBeNull()
  })
})
