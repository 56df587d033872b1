import { describe, expect, it } from 'vitest'
import type { TopologySourceState } from '../../src/shared/contract'
import { figuresWindowLine } from '../../src/renderer/src/lib/topology-source'

const mesh: TopologySourceState = { traffic: 'mesh', context: null, windowSeconds: 60, rates: 'loadReports', latency: 'spans', windows: { rates: 10, latency: 15 }, endpoint: null, lastRefresh: null, error: null }

describe("the side panel's time window, as the server states it", () => {
  it('names the load reports\' window and the spans\' window the mesh figures are over', () => {
    expect(figuresWindowLine(mesh)).toBe('Now — rates and errors over the last 10 s of load reports, latency over the last 15 s of spans, as on the graph')
    expect(figuresWindowLine({ ...mesh, windows: { rates: 40, latency: 15 } })).toContain('the last 40 s of load reports')
  })

  it("uses Prometheus's chosen window when Prometheus is the source", () => {
    expect(figuresWindowLine({ ...mesh, traffic: 'prometheus', rates: 'prometheus', latency: 'prometheus', windowSeconds: 300, windows: { rates: 300, latency: 300 } })).toBe(
      'Now — the last 5 min from Prometheus, as on the graph',
    )
  })

  it('says so when no control plane runs, and claims no window before the source is read', () => {
    expect(figuresWindowLine({ ...mesh, windows: { rates: null, latency: null } })).toBe('Now — no load reports (the control plane is not running)')
    expect(figuresWindowLine(null)).toBe('Now, as on the graph')
  })
})
