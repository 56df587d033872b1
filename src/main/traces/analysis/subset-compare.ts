import type { RolloutTimeline } from '../mesh-context/rollout-at'
import { sameHost } from '../mesh-context/route-of-call'
import type { SpanStore } from '../store/span-store'

/**
 * Canary against stable from traces: the server spans of one service over a window, split by the
 * version that served them (service.version — the subset label), with latency percentiles, a
 * shared histogram, error rates and example traces (the slowest and failed ones), and the same
 * per rollout step when a rollout of that service ran in the window. Pure: reads the store.
 */
export interface SubsetStats {
  subset: string
  count: number
  errors: number
  errorRate: number
  p50Ms: number | null
  p90Ms: number | null
  p99Ms: number | null
  /** Span counts per histogram bucket (see `bucketsMs`). */
  histogram: number[]
  slowest: string[]
  failed: string[]
}

export interface SubsetComparison {
  service: string
  sinceMs: number
  untilMs: number
  /** Upper bounds of the histogram buckets, in ms. */
  bucketsMs: number[]
  subsets: SubsetStats[]
  steps: { label: string; sinceMs: number; untilMs: number; subsets: Omit<SubsetStats, 'histogram' | 'slowest' | 'failed'>[] }[]
  /** Spans read; the scan stops at `maxSpans`. */
  scanned: number
  partial: boolean
}

const maxSpans = 300_000
const bucketCount = 24
const examples = 5

interface Sample {
  startMs: number
  durationMs: number
  error: boolean
  traceId: string
}

export function compareSubsets(
  store: SpanStore,
  query: { service: string; subsets?: string[]; sinceMs: number; untilMs: number },
  rollouts: readonly RolloutTimeline[],
): SubsetComparison {
  const bySubset = new Map<string, Sample[]>()
  let scanned = 0
  store.scan({ service: query.service, kind: 'server', sinceMs: query.sinceMs, untilMs: query.untilMs }, (segment, row, traceId) => {
    scanned++
    const subset = segment.serviceVersionOf(row) ?? '(no version)'
    if (query.subsets && query.subsets.length > 0 && !query.subsets.includes(subset)) return scanned < maxSpans
    const list = bySubset.get(subset) ?? []
    list.push({ startMs: segment.exactStartMs(row), durationMs: segment.durationNs[row]! / 1e6, error: segment.isError(row), traceId })
    bySubset.set(subset, list)
    return scanned < maxSpans
  })
  const all = [...bySubset.values()].flat()
  const bucketsMs = logBuckets(all)
  const order = query.subsets && query.subsets.length > 0 ? query.subsets : [...bySubset.keys()].sort()
  const subsets = order.map((subset) => statsOf(subset, bySubset.get(subset) ?? [], bucketsMs))
  const steps = stepsOf(rollouts, query).map((step) => ({
    ...step,
    subsets: order.map((subset) => {
      const { histogram: _h, slowest: _s, failed: _f, ...rest } = statsOf(subset, (bySubset.get(subset) ?? []).filter((s) => s.startMs >= step.sinceMs && s.startMs < step.untilMs), bucketsMs)
      return rest
    }),
  }))
  return { service: query.service, sinceMs: query.sinceMs, untilMs: query.untilMs, bucketsMs, subsets, steps, scanned, partial: scanned >= maxSpans }
}

function statsOf(subset: string, samples: Sample[], bucketsMs: number[]): SubsetStats {
  const durations = samples.map((s) => s.durationMs).sort((a, b) => a - b)
  const errors = samples.filter((s) => s.error).length
  const histogram = new Array<number>(bucketsMs.length).fill(0)
  for (const d of durations) {
    let b = bucketsMs.findIndex((upper) => d <= upper)
    if (b === -1) b = bucketsMs.length - 1
    histogram[b]!++
  }
  return {
    subset,
    count: samples.length,
    errors,
    errorRate: samples.length === 0 ? 0 : errors / samples.length,
    p50Ms: percentile(durations, 0.5),
    p90Ms: percentile(durations, 0.9),
    p99Ms: percentile(durations, 0.99),
    histogram,
    slowest: unique([...samples].sort((a, b) => b.durationMs - a.durationMs).map((s) => s.traceId)).slice(0, examples),
    failed: unique(samples.filter((s) => s.error).map((s) => s.traceId)).slice(0, examples),
  }
}

/** Log-spaced bucket bounds covering every duration seen. */
function logBuckets(samples: Sample[]): number[] {
  if (samples.length === 0) return [1]
  let min = Infinity
  let max = -Infinity
  for (const s of samples) {
    min = Math.min(min, s.durationMs)
    max = Math.max(max, s.durationMs)
  }
  min = Math.max(0.01, min)
  max = Math.max(min * 1.01, max)
  const ratio = Math.pow(max / min, 1 / (bucketCount - 1))
  return Array.from({ length: bucketCount }, (_, i) => Number((min * Math.pow(ratio, i)).toPrecision(4)))
}

/** The windows of each rollout step of this service inside the query window. */
function stepsOf(rollouts: readonly RolloutTimeline[], query: { service: string; sinceMs: number; untilMs: number }): { label: string; sinceMs: number; untilMs: number }[] {
  const out: { label: string; sinceMs: number; untilMs: number }[] = []
  for (const rollout of rollouts) {
    if (!sameHost(rollout.spec.host, query.service)) continue
    const applied = rollout.timeline.filter((e) => e.what === 'applied' || e.what === 'promoted' || e.what === 'rolledBack' || e.what === 'aborted')
    applied.forEach((entry, i) => {
      const next = applied[i + 1]
      const sinceMs = Math.max(entry.at, query.sinceMs)
      const untilMs = Math.min(next?.at ?? query.untilMs, query.untilMs)
      if (untilMs <= sinceMs || entry.what !== 'applied') return
      out.push({ label: `${rollout.spec.id}: step ${entry.step + 1} (${entry.canaryPercent}% ${rollout.spec.canary})`, sinceMs, untilMs })
    })
  }
  return out.sort((a, b) => a.sinceMs - b.sinceMs)
}

function percentile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
}

function unique(values: string[]): string[] {
  return [...new Set(values)]
}
