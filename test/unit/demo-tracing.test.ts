import { describe, expect, it } from 'vitest'
import { Metadata } from '@grpc/grpc-js'
import { formatGrpcTraceBin, formatTraceparent, parseGrpcTraceBin, parseTraceparent, remoteContext, startWorkloadTracing } from '../../src/main/demo/io/workload/tracing'

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

describe("proxyless gRPC's grpc-trace-bin", () => {
  const context = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true }

  it('reads and writes the binary context (version 0; fields trace id, span id, options)', () => {
    const bytes = formatGrpcTraceBin(context)
    expect(bytes.toString('hex')).toBe('00004bf92f3577b34da6a3ce929d0e0e4736' + '0100f067aa0ba902b7' + '0201')
    expect(parseGrpcTraceBin(bytes)).toEqual(context)
    expect(parseGrpcTraceBin(Buffer.from('01', 'hex'))).toBeNull()
    expect(parseGrpcTraceBin(bytes.subarray(0, 10))).toBeNull()
  })

  it('joins a server span to a caller that sent only grpc-trace-bin, and prefers traceparent when both came', () => {
    const onlyBinary = new Metadata()
    onlyBinary.set('grpc-trace-bin', formatGrpcTraceBin(context))
    expect(remoteContext(onlyBinary)).toEqual(context)
    const both = new Metadata()
    both.set('grpc-trace-bin', formatGrpcTraceBin(context))
    both.set('traceparent', '00-11111111111111111111111111111111-2222222222222222-01')
    expect(remoteContext(both)?.traceId).toBe('11111111111111111111111111111111')
  })
})
