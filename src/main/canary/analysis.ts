/** What one analysis window measured for the canary subset. */
export interface CanaryMetrics {
  requests: number
  /** Fraction of requests that failed, 0..1. */
  errorRate: number
  /** 99th percentile latency in milliseconds, or null when nothing was measured. */
  p99Ms: number | null
}

export interface AnalysisThresholds {
  /** Highest acceptable error fraction, 0..1. */
  maxErrorRate: number
  maxP99Ms: number
  /** Fewer requests than this in a window is a failed check: no traffic never counts as healthy. */
  minRequests: number
}

export type AnalysisVerdict =
  | { ok: true }
  | { ok: false; metric: 'requests' | 'errorRate' | 'p99Ms'; value: number; threshold: number; message: string }

/** Decides one analysis window; the first failing check names the metric and its value. */
export function analyse(metrics: CanaryMetrics, thresholds: AnalysisThresholds): AnalysisVerdict {
  if (metrics.requests < thresholds.minRequests) {
    return {
      ok: false,
      metric: 'requests',
      value: metrics.requests,
      threshold: thresholds.minRequests,
      message: `Only ${metrics.requests} requests reached the canary (at least ${thresholds.minRequests} needed to judge it).`,
    }
  }
  if (metrics.errorRate > thresholds.maxErrorRate) {
    return {
      ok: false,
      metric: 'errorRate',
      value: metrics.errorRate,
      threshold: thresholds.maxErrorRate,
      message: `Error rate ${(metrics.errorRate * 100).toFixed(1)}% is above the ${(thresholds.maxErrorRate * 100).toFixed(1)}% limit.`,
    }
  }
  if (metrics.p99Ms !== null && metrics.p99Ms > thresholds.maxP99Ms) {
    return {
      ok: false,
      metric: 'p99Ms',
      value: metrics.p99Ms,
      threshold: thresholds.maxP99Ms,
      message: `p99 latency ${Math.round(metrics.p99Ms)} ms is above the ${thresholds.maxP99Ms} ms limit.`,
    }
  }
  return { ok: true }
}
