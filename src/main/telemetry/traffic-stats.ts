import type { TrafficStats } from '@shared/contract'

/** Sums of observed traffic that can be merged; turned into TrafficStats once all parts are in. */
export interface TrafficAccumulator {
  rps: number
  errorRps: number
  inFlight: number
  p50Ms: number | null
  p95Ms: number | null
  p99Ms: number | null
  mtls: boolean | null
  /** How many reports were merged; mtls is only true when every one of them said so. */
  reports: number
  /** How many of them spoke about mTLS (a report of no traffic with no word on it is silent). */
  mtlsReports: number
}

export const emptyAccumulator = (): TrafficAccumulator => ({ rps: 0, errorRps: 0, inFlight: 0, p50Ms: null, p95Ms: null, p99Ms: null, mtls: null, reports: 0, mtlsReports: 0 })

export interface TrafficPart {
  rps: number
  errorRps: number
  inFlight: number
  p50Ms: number | null
  p95Ms?: number | null
  p99Ms: number | null
  mtls: boolean | null
}

/**
 * Adds one report. Percentiles of a merged stream cannot be computed from percentiles of its parts,
 * so the merged p50/p99 is the largest of the parts: an upper bound that never hides a slow subset.
 */
export function accumulate(into: TrafficAccumulator, part: TrafficPart): void {
  into.rps += part.rps
  into.errorRps += Math.min(part.errorRps, part.rps)
  into.inFlight += part.inFlight
  into.p50Ms = maxNullable(into.p50Ms, part.p50Ms)
  into.p95Ms = maxNullable(into.p95Ms, part.p95Ms ?? null)
  into.p99Ms = maxNullable(into.p99Ms, part.p99Ms)
  // A part that carried no calls and knows nothing of TLS (the demo's declared edges, a quiet caller)
  // says nothing about the edge's mTLS: merged in, its null made every demo request edge "unknown"
  // while the Security page said mutual TLS for the very same calls.
  if (part.mtls !== null || part.rps > 0) {
    into.mtls = into.mtlsReports === 0 ? part.mtls : mergeMtls(into.mtls, part.mtls)
    into.mtlsReports += 1
  }
  into.reports += 1
}

export function toTrafficStats(acc: TrafficAccumulator): TrafficStats {
  return {
    rps: round(acc.rps, 3),
    errorPct: acc.rps > 0 ? round(Math.min(100, (acc.errorRps / acc.rps) * 100), 2) : 0,
    p50Ms: acc.p50Ms === null ? null : round(acc.p50Ms, 2),
    p99Ms: acc.p99Ms === null ? null : round(acc.p99Ms, 2),
    inFlight: round(acc.inFlight, 2),
    // Only where a source measures it (Prometheus's histograms), so other sources' stats keep their shape.
    ...(acc.p95Ms === null ? {} : { p95Ms: round(acc.p95Ms, 2) }),
  }
}

function mergeMtls(a: boolean | null, b: boolean | null): boolean | null {
  if (a === false || b === false) return false
  if (a === null || b === null) return null
  return true
}

function maxNullable(a: number | null, b: number | null): number | null {
  if (a === null) return b
  if (b === null) return a
  return Math.max(a, b)
}

/** Rounding keeps tiny float noise from counting as a change (and from being sent as one). */
export function round(value: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}
