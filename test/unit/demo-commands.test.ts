import { describe, expect, it } from 'vitest'
import type { DemoStatus, DemoWorkload } from '@shared/contract'
import { demoCommands } from '../../src/renderer/src/lib/demo-commands'

const workload = (name: string, host: string | null, errorRate = 0): DemoWorkload => ({
  name,
  service: name.split('-')[0]!,
  version: 'v1',
  host,
  port: host ? 5000 : null,
  state: 'running',
  pid: 42,
  restarts: 0,
  fault: { errorRate, errorCode: 'UNAVAILABLE', latencyMs: 0 },
})

describe('demo actions in the command palette', () => {
  it('offers nothing when no demo runs', () => {
    const actions = { setFault: async () => undefined, restart: async () => undefined, setLoad: async () => undefined }
    expect(demoCommands(null, actions)).toEqual([])
    expect(demoCommands({ running: false, meshDir: null, workloads: [], load: null }, actions)).toEqual([])
  })

  it('breaks, heals and restarts workloads and sets the load, each by calling the demo API', () => {
    const calls: unknown[][] = []
    const actions = {
      setFault: async (...args: unknown[]) => void calls.push(['setFault', ...args]),
      restart: async (...args: unknown[]) => void calls.push(['restart', ...args]),
      setLoad: async (...args: unknown[]) => void calls.push(['setLoad', ...args]),
    }
    const status: DemoStatus = {
      running: true,
      meshDir: '/m',
      workloads: [workload('reviews-v3', 'reviews.demo.svc.cluster.local', 0.3), workload('loadgen', null)],
      load: { rps: 5, ok: 0, failed: 0, failedByCode: {}, okByReviews: {} },
    }
    const commands = demoCommands(status, actions)
    expect(commands.map((c) => c.label)).toEqual([
      'Demo: make reviews-v3 fail 30 % of its calls',
      "Demo: clear reviews-v3's injected faults",
      'Demo: restart reviews-v3',
      'Demo: restart loadgen',
      'Demo: pause the load generator',
      'Demo: load generator at 1 rps',
      'Demo: load generator at 20 rps',
      'Demo: load generator at 50 rps',
    ])
    for (const c of commands) void c.run()
    expect(calls).toContainEqual(['setFault', 'reviews-v3', { errorRate: 0.3, errorCode: 'UNAVAILABLE', latencyMs: 0 }])
    expect(calls).toContainEqual(['setFault', 'reviews-v3', { errorRate: 0, errorCode: 'UNAVAILABLE', latencyMs: 0 }])
    expect(calls).toContainEqual(['restart', 'loadgen'])
    expect(calls).toContainEqual(['setLoad', 20])
  })
})
