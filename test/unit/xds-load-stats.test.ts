import { describe, expect, it } from 'vitest'
import { LoadStatsServer } from '../../src/main/xds/load-stats'

function report(cluster: string, issued: number, ok: number, failed: number, inProgress: number, seconds = 2) {
  return {
    cluster_stats: [
      {
        cluster_name: cluster,
        cluster_service_name: cluster,
        upstream_locality_stats: [{ total_issued_requests: String(issued), total_successful_requests: String(ok), total_error_requests: String(failed), total_requests_in_progress: String(inProgress) }],
        total_dropped_requests: '0',
        load_report_interval: { seconds: String(seconds), nanos: 0 },
      },
    ],
  }
}

describe('LoadStatsServer', () => {
  it('turns per-caller reports into per-cluster rates, summed over callers', () => {
    let now = 0
    const lrs = new LoadStatsServer(2000, 10_000, () => now)
    const v1 = 'outbound|9080|v1|reviews.demo'
    lrs.record('a', report(v1, 20, 18, 2, 1))
    lrs.record('b', report(v1, 40, 40, 0, 3))
    now = 2000
    lrs.record('a', report(v1, 20, 20, 0, 0))
    const [load] = lrs.loads()
    // a: 40 calls / 4 s = 10/s; b: 40 / 2 s = 20/s.
    expect(load).toEqual({ cluster: v1, host: 'reviews.demo', port: 9080, subset: 'v1', requestRate: 30, errorRate: 2 / 80, inFlight: 3, callers: ['a', 'b'] })
  })

  it('forgets reports older than the window', () => {
    let now = 0
    const lrs = new LoadStatsServer(1000, 5000, () => now)
    lrs.record('a', report('outbound|1||x', 10, 10, 0, 0))
    now = 6000
    expect(lrs.loads()).toEqual([])
  })
})
