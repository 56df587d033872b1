import type { EdgeStatsInput, TrafficSource } from '../inputs'
import type { Sample } from './answers'
import { isErrorResponse } from './queries'

/** The answers of one refresh (see topologyQueries), as samples. */
export interface TopologyAnswers {
  traffic: Sample[]
  unknownSources: Sample[]
  security: Sample[]
  latency: { p50: Sample[]; p95: Sample[]; p99: Sample[] }
}

interface Draft {
  source: TrafficSource
  destinationHost: string
  version: string | null
  rps: number
  errorRps: number
  p50Ms: number | null
  p95Ms: number | null
  p99Ms: number | null
  mtls: boolean | null
}

const unknownLabel = (v: string | undefined): boolean => v === undefined || v === '' || v === 'unknown'

function sourceOf(m: Record<string, string>): TrafficSource {
  if (unknownLabel(m.source_workload) || unknownLabel(m.source_workload_namespace)) return 'unknown'
  return { workload: { namespace: m.source_workload_namespace as string, name: m.source_workload as string } }
}

function keyOf(m: Record<string, string>): string {
  return [m.source_workload_namespace ?? '', m.source_workload ?? '', m.destination_service ?? '', m.destination_version ?? ''].join('|')
}

/** A finite, non-negative number, or null (histogram_quantile gives NaN where no request landed). */
function finite(value: number): number | null {
  return Number.isFinite(value) && value >= 0 ? value : null
}

/**
 * Edges as the graph takes them: one per caller workload → service → answering version, with its
 * request and error rates (errors counted per response as Kiali does), p50/p95/p99, and whether
 * the destination saw mutual TLS. Rows without a destination service are dropped (nothing to draw).
 */
export function edgeStatsFromAnswers(answers: TopologyAnswers): EdgeStatsInput[] {
  const drafts = new Map<string, Draft>()
  const draft = (m: Record<string, string>): Draft | null => {
    if (unknownLabel(m.destination_service)) return null
    const key = keyOf(m)
    let d = drafts.get(key)
    if (!d) {
      d = {
        source: sourceOf(m),
        destinationHost: m.destination_service as string,
        version: unknownLabel(m.destination_version) ? null : (m.destination_version as string),
        rps: 0,
        errorRps: 0,
        p50Ms: null,
        p95Ms: null,
        p99Ms: null,
        mtls: null,
      }
      drafts.set(key, d)
    }
    return d
  }
  for (const s of [...answers.traffic, ...answers.unknownSources]) {
    const d = draft(s.metric)
    const rate = finite(s.value)
    if (!d || rate === null) continue
    d.rps += rate
    if (isErrorResponse(s.metric.response_code, s.metric.grpc_response_status)) d.errorRps += rate
  }
  for (const [field, samples] of [['p50Ms', answers.latency.p50], ['p95Ms', answers.latency.p95], ['p99Ms', answers.latency.p99]] as const) {
    for (const s of samples) {
      const d = drafts.get(keyOf(s.metric))
      const v = finite(s.value)
      if (d && v !== null) d[field] = v
    }
  }
  for (const s of answers.security) {
    const d = drafts.get(keyOf(s.metric))
    if (!d || !(s.value > 0)) continue
    const mutual = s.metric.connection_security_policy === 'mutual_tls'
    // One plaintext series makes the edge not mTLS: a user must see any call that goes in the clear.
    d.mtls = d.mtls === false ? false : mutual
  }
  return [...drafts.values()].map((d) => ({
    source: d.source,
    destinationHost: d.destinationHost,
    subset: null,
    destinationVersion: d.version,
    rps: d.rps,
    errorRps: Math.min(d.errorRps, d.rps),
    p50Ms: d.p50Ms,
    p95Ms: d.p95Ms,
    p99Ms: d.p99Ms,
    inFlight: 0,
    mtls: d.mtls,
  }))
}
