import { afterEach, describe, expect, it, vi } from 'vitest'
import { MeshdeckError, topologyDiffSchema, type TopologyDiff } from '@shared/contract'
import { TopologySeriesStore, topologyIds as ids } from '../../src/main/telemetry'
import { TopologyService } from '../../src/main/telemetry/io'
import { demoMesh, host, stat } from './topology-fixtures'

describe('TopologySeriesStore', () => {
  const stats = (rps: number, p99Ms: number | null = 10) => ({ rps, errorPct: 1, p50Ms: null, p99Ms, inFlight: 0 })

  it('keeps the last 15 minutes at 5 s resolution, oldest first, with gaps as null', () => {
    const store = new TopologySeriesStore({ resolutionMs: 5_000, windowMs: 15 * 60_000 })
    const t0 = 1_000_000_000
    store.record(t0, [['e', stats(1)]])
    store.record(t0 + 10_000, [['e', stats(3, null)]])
    const s = store.series('e', t0 + 10_000)
    expect(s.t).toHaveLength(180)
    expect(s.t.at(-1)).toBe(Math.floor((t0 + 10_000) / 5_000) * 5_000)
    expect(s.rps.slice(-3)).toEqual([1, null, 3])
    expect(s.p99Ms.slice(-3)).toEqual([10, null, null])
  })

  it('forgets samples older than the window and elements gone for a whole window', () => {
    const store = new TopologySeriesStore({ resolutionMs: 1_000, windowMs: 10_000 })
    store.record(0, [['old', stats(1)], ['kept', stats(1)]])
    store.record(11_000, [['kept', stats(2)]])
    expect(store.has('old')).toBe(false)
    const s = store.series('kept', 11_000)
    expect(s.rps.filter((v) => v !== null)).toEqual([2])
    expect(store.trackedIds).toBe(1)
  })
})

describe('TopologyService', () => {
  afterEach(() => vi.useRealTimers())

  function started(minIntervalMs = 1_000): { service: TopologyService; diffs: TopologyDiff[] } {
    vi.useFakeTimers({ now: 1_700_000_000_000 })
    const diffs: TopologyDiff[] = []
    const service = new TopologyService({ emit: (d) => diffs.push(d), minIntervalMs })
    return { service, diffs }
  }

  it('starts empty at version 0', () => {
    const { service } = started()
    expect(service.graph()).toEqual({ version: 0, nodes: [], edges: [] })
    service.dispose()
  })

  it('emits the first graph as a diff from version 0, then at most one diff per second', () => {
    const { service, diffs } = started()
    service.update('demo', demoMesh())
    vi.advanceTimersByTime(0)
    expect(diffs).toHaveLength(1)
    expect(diffs[0]).toMatchObject({ fromVersion: 0, version: 1 })
    expect(topologyDiffSchema.safeParse(diffs[0]).success).toBe(true)
    expect(service.graph().nodes.length).toBe(diffs[0]?.upsertNodes.length)

    for (let i = 0; i < 10; i++) service.update('demo', { stats: [stat('frontend-v1', 'details', null, 20 + i)] })
    vi.advanceTimersByTime(999)
    expect(diffs).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(diffs).toHaveLength(2)
    const second = diffs[1] as TopologyDiff
    expect(second).toMatchObject({ fromVersion: 1, version: 2 })
    // Only the last update counts, and only what it changed is sent.
    const details = second.upsertEdges.find((e) => e.id === ids.requestEdge(ids.version('default', 'frontend', 'v1'), ids.service(host('details'))))
    expect(details?.stats.rps).toBe(29)
    expect(second.removeEdges).toContain(ids.requestEdge(ids.version('default', 'frontend', 'v1'), ids.service(host('reviews'))))
    expect(second.upsertNodes.some((n) => n.kind === 'namespace' && n.health === 'idle')).toBe(false)
    service.dispose()
  })

  it('sends nothing when an update changes nothing', () => {
    const { service, diffs } = started()
    service.update('demo', demoMesh())
    vi.advanceTimersByTime(0)
    service.update('demo', demoMesh())
    vi.advanceTimersByTime(2_000)
    expect(diffs).toHaveLength(1)
    expect(service.graph().version).toBe(1)
    service.dispose()
  })

  it('keeps each feeder apart: one feeder replacing its stats leaves the others alone, and removing it drops its part', () => {
    const { service } = started()
    const { stats, ...config } = demoMesh()
    service.update('mesh', config)
    service.update('lrs', { stats })
    vi.advanceTimersByTime(0)
    expect(service.graph().edges.filter((e) => e.kind === 'request')).toHaveLength(3)
    service.update('script', { stats: [stat('frontend-v1', 'ratings', null, 1)] })
    vi.advanceTimersByTime(1_000)
    expect(service.graph().edges.filter((e) => e.kind === 'request')).toHaveLength(4)
    service.removeFeeder('lrs')
    vi.advanceTimersByTime(1_000)
    expect(service.graph().edges.filter((e) => e.kind === 'request')).toHaveLength(1)
    expect(service.graph().nodes.some((n) => n.id === ids.version('default', 'reviews', 'v3'))).toBe(true)
    service.dispose()
  })

  it('records a time series per node and edge for the charts, and refuses an unknown id with a hint', () => {
    const { service } = started()
    service.update('demo', demoMesh())
    vi.advanceTimersByTime(0)
    for (let i = 1; i <= 3; i++) {
      vi.advanceTimersByTime(5_000)
      service.update('demo', { stats: [stat('frontend-v1', 'details', null, 10 * i)] })
      vi.advanceTimersByTime(0)
    }
    const id = ids.requestEdge(ids.version('default', 'frontend', 'v1'), ids.service(host('details')))
    const series = service.series(id)
    // The first sample is the demo mesh's own 10 rps, then one per 5 s bucket.
    expect(series.rps.filter((v) => v !== null)).toEqual([10, 10, 20, 30])
    expect(() => service.series('svc:nope')).toThrow(MeshdeckError)
    try {
      service.series('svc:nope')
    } catch (err) {
      expect((err as MeshdeckError).hint).toMatch(/topology.get/)
    }
    service.dispose()
  })

  it('stops its timer when disposed, and ignores updates afterwards', () => {
    const { service, diffs } = started()
    service.update('demo', demoMesh())
    service.dispose()
    vi.advanceTimersByTime(5_000)
    service.update('demo', demoMesh())
    vi.advanceTimersByTime(5_000)
    expect(diffs).toHaveLength(0)
    expect(vi.getTimerCount()).toBe(0)
  })
})
