import type { EdgeLatency } from '../traces'
import type { CanaryMetrics } from './analysis'

/** A load report's view of one destination subset (what the control plane's LRS keeps). */
export interface SubsetLoad {
  host: string
  subset: string | null
  requestRate: number
  errorRate: number
}

/**
 * What the canary subset did over the window, as its callers saw it: spans first (they carry
 * latency), load reports as the fallback (counts, no latency). The same for local and cluster
 * rollouts; `loads` is empty where no Meshdeck control plane receives load reports.
 */
export function canaryMetrics(edges: EdgeLatency, loads: (windowMs: number) => SubsetLoad[], host: string, subset: string, windowSeconds: number): CanaryMetrics {
  const service = host.split('.')[0] ?? host
  const seen = edges.window(windowSeconds, { destination: service, subset })
  if (seen.length > 0) {
    const requests = seen.reduce((a, e) => a + e.requests, 0)
    const errors = seen.reduce((a, e) => a + e.errors, 0)
    const p99s = seen.map((e) => e.p99Ms).filter((v): v is number => v !== null)
    // Several callers: the worst p99 is the bound a user of the canary may hit.
    return { requests, errorRate: requests === 0 ? 0 : errors / requests, p99Ms: p99s.length > 0 ? Math.max(...p99s) : null }
  }
  const matching = loads(windowSeconds * 1000).filter((l) => l.host === host && l.subset === subset)
  const rate = matching.reduce((a, l) => a + l.requestRate, 0)
  const errorRate = rate === 0 ? 0 : matching.reduce((a, l) => a + l.requestRate * l.errorRate, 0) / rate
  return { requests: Math.round(rate * windowSeconds), errorRate, p99Ms: null }
}
