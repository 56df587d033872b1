import { afterEach, describe, expect, it } from 'vitest'
import { LoadStatsServer } from '../../src/main/xds/io/load-stats'

const servers: LoadStatsServer[] = []
afterEach(() => {
  for (const s of servers.splice(0)) s.dispose()
})
const newServer = (...args: ConstructorParameters<typeof LoadStatsServer>): LoadStatsServer => {
  const lrs = new LoadStatsServer(...args)
  servers.push(lrs)
  return lrs
}

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
    const lrs = newServer(2000, 10_000, () => now)
    const v1 = 'outbound|9080|v1|reviews.demo'
    lrs.record('a', report(v1, 20, 18, 2, 1))
    lrs.record('b', report(v1, 40, 40, 0, 3))
    now = 2000
    lrs.record('a', report(v1, 20, 20, 0, 0))
    const [load] = lrs.loads()
    // a: 40 calls / 4 s = 10/s; b: 40 / 2 s = 20/s.
    expect(load).toEqual({ cluster: v1, host: 'reviews.demo', port: 9080, subset: 'v1', requestRate: 30, errorRate: 2 / 80, inFlight: 3,
      callers: ['a', 'b'],
      // Each caller's own share, so the topology can draw a → reviews v1 and b → reviews v1 apart.
      byCaller: [
        { nodeId: 'a', requestRate: 10, errorRate: 2 / 40, inFlight: 0 },
        { nodeId: 'b', requestRate: 20, errorRate: 0, inFlight: 3 },
      ],
    })
  })

  it("averages a quiet subset over all of its caller's reports, not only those that mention it", () => {
    let now = 0
    const lrs = newServer(2000, 10_000, () => now)
    const v1 = 'outbound|9080|v1|reviews.demo'
    const v3 = 'outbound|9080|v3|reviews.demo'
    // Clients leave a cluster out of a report when they made no calls to it in that interval.
    lrs.record('a', { cluster_stats: [...report(v1, 18, 18, 0, 0).cluster_stats, ...report(v3, 2, 2, 0, 0).cluster_stats] })
    now = 2000
    lrs.record('a', report(v1, 20, 20, 0, 0))
    const rates = Object.fromEntries(lrs.loads().map((l) => [l.subset, l.requestRate]))
    // 38 calls to v1 and 2 to v3 over the same 4 s: 9.5/s and 0.5/s (not 1/s for v3).
    expect(rates).toEqual({ v1: 9.5, v3: 0.5 })
  })

  it('a recent window (a canary analysis) gets the rate of its own reports, not one diluted by older time', () => {
    let now = 0
    const lrs = newServer(1000, 10_000, () => now)
    const v3 = 'outbound|9080|v3|reviews.demo'
    for (; now <= 9000; now += 1000) lrs.record('a', report(v3, 10, 10, 0, 0, 1))
    now = 9000
    // The last four reports: 40 calls over 4 s.
    expect(lrs.loads(3500)[0]?.requestRate).toBe(10)
  })

  it('forgets reports older than the window', () => {
    let now = 0
    const lrs = newServer(1000, 5000, () => now)
    lrs.record('a', report('outbound|1||x', 10, 10, 0, 0))
    now = 6000
    expect(lrs.loads()).toEqual([])
  })
})
