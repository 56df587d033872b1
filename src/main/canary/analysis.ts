/** Where a number came from: the collector's spans, the clients' load reports (LRS) to the control plane, or Prometheus. */
export type MetricSource = 'spans' | 'loadReports' | 'prometheus'

/**
 * A user's PromQL check (Flagger's MetricTemplate idea): one number, judged against a range. The
 * query may use {{ namespace }}, {{ target }} (the canary's version), {{ service }}, {{ subset }}
 * and {{ interval }}.
 */
export interface MetricCheck {
  name: string
  query: string
  /** The value must be at least this. */
  min?: number
  /** The value must be at most this. */
  max?: number
}

/** What one check read in one window. */
export interface CheckReading {
  name: string
  /** The query as sent, variables filled in. */
  query: string
  value: number
  min?: number
  max?: number
}

/** What one source saw of the canary over the window. */
export interface SourceReading {
  requests: number
  errorRate: number
  /** Only spans carry latency. */
  p99Ms: number | null
}

/** What one analysis window measured for the canary subset. */
export interface CanaryMetrics {
  requests: number
  /** Fraction of requests that failed, 0..1. */
  errorRate: number
  /** 99th percentile latency in milliseconds, or null when nothing was measured. */
  p99Ms: number | null
  /** Which source each number above came from (null: no source had it). Absent in older records. */
  sources?: { requests: MetricSource | null; errorRate: MetricSource | null; p99Ms: MetricSource | null }
  /** Each source's own reading, so a disagreement can be seen and judged. */
  readings?: Partial<Record<MetricSource, SourceReading>>
  /** The user's PromQL checks, each with its value. */
  checks?: CheckReading[]
  /**
   * Why this window could not be judged (no data, Prometheus unreachable, a query refused): the
   * rollout pauses with this, and neither advances nor rolls back on numbers it does not have.
   */
  unavailable?: string
}

/**
 * How far two sources may differ before neither is trusted. Spans lag a little (exporters batch
 * them) and load reports come every few seconds, so counts differ by some; spans counting more
 * than twice the load-reported calls plus 20, or error rates that pass and fail the check and lie
 * further apart than 10 points and than chance explains, is not noise but a source that is wrong
 * (forged spans, a client that stopped reporting load). Fewer spans than
 * calls is normal: tracing is often sampled, so that direction is never a conflict.
 */
export const sourceAgreement = { requestsFactor: 2, requestsSlack: 20, errorRatePoints: 0.1 }

export interface AnalysisThresholds {
  /** Highest acceptable error fraction, 0..1. */
  maxErrorRate: number
  maxP99Ms: number
  /** Fewer requests than this in a window is a failed check: no traffic never counts as healthy. */
  minRequests: number
  /** The user's PromQL checks; they need Prometheus. */
  checks?: MetricCheck[]
}

export type AnalysisVerdict =
  | { ok: true }
  | { ok: false; metric: 'requests' | 'errorRate' | 'p99Ms' | 'check'; value: number; threshold: number; message: string; check?: string }

/**
 * Why the sources of one window cannot both be right, or null when they agree (or only one
 * spoke). A rollout pauses on this rather than decide on numbers one source contradicts.
 */
export function sourceConflict(metrics: CanaryMetrics, thresholds: AnalysisThresholds): string | null {
  const spans = metrics.readings?.spans
  const loads = metrics.readings?.loadReports
  if (!spans || !loads) return null
  if (spans.requests > loads.requests * sourceAgreement.requestsFactor + sourceAgreement.requestsSlack) {
    return `The sources disagree: spans count ${spans.requests} requests to the canary, load reports ${loads.requests}. Check what sends spans to the collector, then resume.`
  }
  const judged = Math.min(spans.requests, loads.requests) >= thresholds.minRequests
  if (judged && verdictsDiffer(spans, loads, thresholds.maxErrorRate) && Math.abs(spans.errorRate - loads.errorRate) > errorRateTolerance(spans, loads)) {
    return `The sources disagree: spans show ${pct(spans.errorRate)} errors, load reports ${pct(loads.errorRate)}. Check what sends spans to the collector, then resume.`
  }
  return null
}

/**
 * How far two error rates may differ and still be the same calls, counted twice: 10 points, or
 * more where few requests were counted — the two sources' windows never hold exactly the same
 * calls, and one error among six is 17 points. Three standard errors of the difference of two
 * proportions (pooled), so chance alone almost never exceeds it while a forged source still does.
 */
function errorRateTolerance(a: SourceReading, b: SourceReading): number {
  const n = a.requests + b.requests
  if (a.requests === 0 || b.requests === 0) return sourceAgreement.errorRatePoints
  const pooled = (a.errorRate * a.requests + b.errorRate * b.requests) / n
  const noise = 3 * Math.sqrt(pooled * (1 - pooled) * (1 / a.requests + 1 / b.requests))
  return Math.max(sourceAgreement.errorRatePoints, noise)
}

/** Rates on the same side of the limit lead to the same verdict: their gap changes nothing. */
function verdictsDiffer(a: SourceReading, b: SourceReading, maxErrorRate: number): boolean {
  return a.errorRate > maxErrorRate !== b.errorRate > maxErrorRate
}

const pct = (fraction: number): string => `${(fraction * 100).toFixed(1)}%`

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
  for (const check of metrics.checks ?? []) {
    if (check.min !== undefined && check.value < check.min) {
      return { ok: false, metric: 'check', check: check.name, value: check.value, threshold: check.min, message: `Check "${check.name}" is ${formatValue(check.value)}, below its minimum ${check.min}.` }
    }
    if (check.max !== undefined && check.value > check.max) {
      return { ok: false, metric: 'check', check: check.name, value: check.value, threshold: check.max, message: `Check "${check.name}" is ${formatValue(check.value)}, above its maximum ${check.max}.` }
    }
  }
  return { ok: true }
}

const formatValue = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(4)).toString())

/** Problems with a plan's checks, in words (a check needs a name, a query and a range). */
export function checkProblems(checks: readonly MetricCheck[] | undefined): string[] {
  const problems: string[] = []
  const names = new Set<string>()
  for (const [i, c] of (checks ?? []).entries()) {
    const label = c.name ? `Check "${c.name}"` : `Check ${i + 1}`
    if (!c.name.trim()) problems.push(`${label} has no name.`)
    else if (names.has(c.name)) problems.push(`${label} is named twice.`)
    names.add(c.name)
    if (!c.query.trim()) problems.push(`${label} has no query.`)
    if (c.min === undefined && c.max === undefined) problems.push(`${label} has neither a minimum nor a maximum, so it could never fail.`)
    if (c.min !== undefined && c.max !== undefined && c.min > c.max) problems.push(`${label}'s minimum ${c.min} is above its maximum ${c.max}.`)
  }
  return problems
}
