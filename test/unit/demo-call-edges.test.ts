import { describe, expect, it } from 'vitest'
import type { DemoWorkload } from '@shared/contract'
import { demoCallEdges, demoWorkloads } from '../../src/main/demo'
import { buildTopology } from '../../src/main/telemetry'

const workload = (name: string, state: DemoWorkload['state'] = 'starting'): DemoWorkload => {
  const spec = demoWorkloads.find((w) => w.name === name)!
  return { name, service: spec.role, version: spec.version, host: null, port: null, state, pid: null, restarts: 0, fault: { errorRate: 0, errorCode: 'UNAVAILABLE', latencyMs: 0 } }
}

describe('the demo call graph before any traffic', () => {
  it("gives each workload's built-in upstream calls as edges with no traffic", () => {
    const edges = demoCallEdges(['loadgen', 'frontend-v1', 'reviews-v1', 'reviews-v2'].map((n) => workload(n)))
    expect(edges.map((e) => `${'workload' in (e.source as object) ? (e.source as { workload: { name: string } }).workload.name : ''} → ${e.destinationHost}`)).toEqual([
      'loadgen → frontend.demo.svc.cluster.local',
      'frontend-v1 → details.demo.svc.cluster.local',
      'frontend-v1 → reviews.demo.svc.cluster.local',
      'reviews-v2 → ratings.demo.svc.cluster.local',
    ])
    expect(edges.every((e) => e.rps === 0 && e.p99Ms === null)).toBe(true)
  })

  it('leaves out stopped workloads, and the edges show as idle in the graph', () => {
    expect(demoCallEdges([workload('frontend-v1', 'stopped')])).toEqual([])
    const graph = buildTopology({ services: [], workloads: [], routes: [], stats: demoCallEdges([workload('loadgen')]) })
    expect(graph.edges).toHaveLength(1)
    expect(graph.edges[0]).toMatchObject({ health: 'idle', stats: { rps: 0, p99Ms: null } })
  })
})
