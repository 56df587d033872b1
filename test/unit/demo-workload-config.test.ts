import { status } from '@grpc/grpc-js'
import { describe, expect, it } from 'vitest'
import { parseWorkloadArgs, WorkloadConfigError } from '../../src/main/demo/workload-config'
import { decideFault } from '../../src/main/demo/io/workload/fault'

describe('a demo workload command line', () => {
  it('reads role, version, port, upstreams and knobs', () => {
    const config = parseWorkloadArgs([
      '--workload', 'reviews-v2', '--role', 'reviews', '--version', 'v2', '--port', '41000',
      '--upstream', 'ratings=xds:///ratings.demo.svc.cluster.local:9080',
      '--error-rate', '0.25', '--error-code', 'INTERNAL', '--latency-ms', '150',
    ])
    expect(config).toMatchObject({
      workload: 'reviews-v2',
      role: 'reviews',
      version: 'v2',
      port: 41000,
      server: 'xds',
      upstreams: { ratings: 'xds:///ratings.demo.svc.cluster.local:9080' },
      knobs: { errorRate: 0.25, errorCode: 'INTERNAL', latencyMs: 150 },
    })
  })

  it('lets reviews v1 run without ratings, as bookinfo v1 never calls it', () => {
    expect(parseWorkloadArgs(['--workload', 'reviews-v1', '--role', 'reviews', '--port', '1']).upstreams).toEqual({})
  })

  it('names the fix for each bad input', () => {
    const bad = (args: string[]) => () => parseWorkloadArgs(args)
    expect(bad(['--workload', 'r', '--role', 'reviews', '--version', 'v3', '--port', '1'])).toThrow(/pass --upstream ratings=TARGET/)
    expect(bad(['--workload', 'r', '--role', 'gateway', '--port', '1'])).toThrow(/--role is required and must be one of/)
    expect(bad(['--workload', 'd', '--role', 'details'])).toThrow(/--port is required/)
    expect(bad(['--workload', 'd', '--role', 'details', '--port', '1', '--error-rate', '2'])).toThrow(/--error-rate must be a number from 0 to 1/)
    expect(bad(['--workload', 'd', '--role', 'details', '--port', '1', '--error-code', 'OK'])).toThrow(WorkloadConfigError)
    expect(bad(['--workload', 'd', '--role', 'details', '--port', '1', '--colour', 'red'])).toThrow(/unknown flag --colour/)
  })

  it('needs no port for the load generator, which only calls', () => {
    const config = parseWorkloadArgs(['--workload', 'loadgen', '--role', 'loadgen', '--rps', '5', '--upstream', 'frontend=xds:///frontend.demo.svc.cluster.local:9080'])
    expect(config.server).toBe('none')
    expect(config.rps).toBe(5)
  })
})

describe('a fault decision', () => {
  const knobs = { errorRate: 0.3, errorCode: 'UNAVAILABLE' as const, latencyMs: 25 }

  it('fails the RPCs whose draw falls under the error rate, with the configured status', () => {
    expect(decideFault(knobs, 0.29, 'ratings-v1').fail?.code).toBe(status.UNAVAILABLE)
    expect(decideFault(knobs, 0.3, 'ratings-v1').fail).toBeNull()
    expect(decideFault({ ...knobs, errorRate: 0 }, 0, 'ratings-v1').fail).toBeNull()
    expect(decideFault(knobs, 0.1, 'ratings-v1').fail?.details).toContain('ratings-v1')
  })

  it('always adds the configured latency', () => {
    expect(decideFault(knobs, 0.9, 'x').delayMs).toBe(25)
  })
})
