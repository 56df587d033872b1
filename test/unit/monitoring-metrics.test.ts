import { describe, expect, it } from 'vitest'
import { ConvergenceTracker, controlPlaneMetrics, rejectedConfigLabels } from '../../src/main/monitoring'

describe('convergence, as istiod times it', () => {
  it("times a change's pushes from its start, and a client's convergence at its last ACK", () => {
    const tracker = new ConvergenceTracker()
    tracker.pushed('a', 'rds', 1_100)
    tracker.pushed('a', 'cds', 1_200)
    tracker.pushed('b', 'rds', 1_300)
    expect(tracker.applied(1_000)).toEqual([
      { type: 'rds', seconds: 0.1 },
      { type: 'cds', seconds: 0.2 },
      { type: 'rds', seconds: 0.3 },
    ])
    expect(tracker.acked('a', 'rds', 1_400)).toBeNull()
    expect(tracker.acked('a', 'cds', 2_500)).toBe(1.5)
    expect(tracker.acked('b', 'rds', 1_600)).toBe(0.6)
    // A second ACK of the same change is not a second convergence.
    expect(tracker.acked('b', 'rds', 1_700)).toBeNull()
  })

  it('never counts a client that NACKed or left as converged, nor pushes from before the change', () => {
    const tracker = new ConvergenceTracker()
    tracker.pushed('early', 'lds', 900)
    tracker.pushed('a', 'rds', 1_100)
    tracker.pushed('b', 'rds', 1_100)
    expect(tracker.applied(1_000)).toHaveLength(2)
    tracker.gone('a')
    expect(tracker.acked('a', 'rds', 1_200)).toBeNull()
    expect(tracker.acked('early', 'lds', 1_200)).toBeNull()
    expect(tracker.acked('b', 'rds', 1_200)).toBeCloseTo(0.2)
  })
})

describe("istiod's names", () => {
  it('labels a rejected object as istiod labels a rejected gateway', () => {
    expect(rejectedConfigLabels('VirtualService/demo/broken')).toEqual({ type: 'virtualservice', name: 'demo/broken' })
  })

  it("uses istiod's names for the metrics whose meaning is the same, and meshdeck_ for its own", () => {
    const names = Object.values(controlPlaneMetrics).map((m) => m.name)
    for (const name of names) expect(name).toMatch(/^(pilot_|citadel_server_|meshdeck_)/)
    expect(names).toEqual(expect.arrayContaining(['pilot_xds', 'pilot_xds_pushes', 'pilot_xds_push_time', 'pilot_proxy_convergence_time', 'pilot_total_xds_rejects', 'pilot_total_rejected_configs', 'citadel_server_csr_count', 'citadel_server_success_cert_issuance_count']))
  })
})
