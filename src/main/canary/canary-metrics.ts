import type { EdgeLatency } from '../traces'
import type { CanaryMetrics, SourceReading } from './analysis'

/** A load report's view of one destination subset (what the control plane's LRS keeps). */
export interface SubsetLoad {
  host: string
  subset: string | null
  requestRate: number
  errorRate: number
}

/**
 * What the canary subset did over the window, as its callers saw it, from every source there is:
 * spans (counts, errors and latency) and load reports (counts and errors). Load reports count
 * every call and come over the control plane's own streams, so their counts are the ones judged
 * when there are any; latency comes only from spans. Each source's reading is kept beside the
 * result so that analysis can refuse to decide when they disagree. The same for local and cluster
 * rollouts; `loads` is empty where no Meshdeck control plane receives load reports.
 */
export function canaryMetrics(edges: EdgeLatency, loads: (windowMs: number) => SubsetLoad[], host: string, subset: string, windowSeconds: number): CanaryMetrics {
  const spans = spanReading(edges, host, subset, windowSeconds)
  const reported = loadReading(loads(windowSeconds * 1000), host, subset, windowSeconds)
  const counts = reported ?? spans
  const countSource = reported ? 'loadReports' : spans ? 'spans' : null
  return {
    requests: counts?.requests ?? 0,
    errorRate: counts?.errorRate ?? 0,
    p99Ms: spans?.p99Ms ?? null,
    sources: { requests: countSource, errorRate: countSource, p99Ms: spans?.p99Ms != null ? 'spans' : null },
    readings: { ...(spans ? { spans } : {}), ...(reported ? { loadReports: reported } : {}) },
  }
}

function spanReading(edges: EdgeLatency, host: string, subset: string, windowSeconds: number): SourceReading | null {
  const service = host.split('.')[0] ?? host
  const seen = edges.window(windowSeconds, { destination: service, subset })
  if (seen.length === 0) return null
  const requests = seen.reduce((a, e) => a + e.requests, 0)
  const errors = seen.reduce((a, e) => a + e.errors, 0)
  const p99s = seen.map((e) => e.p99Ms).filter((v): v is number => v !== null)
  // Several callers: the worst p99 is the bound a user of the canary may hit.
  return { requests, errorRate: requests === 0 ? 0 : errors / requests, p99Ms: p99s.length > 0 ? Math.max(...p99s) : null }
}

function loadReading(all: SubsetLoad[], host: string, subset: string, windowSeconds: number): SourceReading | null {
  const matching = all.filter((l) => l.host === host && l.subset === subset)
  if (matching.length === 0) return null
  const rate = matching.reduce((a, l) => a + l.requestRate, 0)
  const errorRate = rate === 0 ? 0 : matching.reduce((a, l) => a + l.requestRate * l.errorRate, 0) / rate
  return { requests: Math.round(rate * windowSeconds), errorRate, p99Ms: null }
}
