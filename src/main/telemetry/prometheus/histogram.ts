import type { Sample } from './answers'

/**
 * Quantiles of Prometheus histograms computed here from their bucket rates, the way PromQL's
 * histogram_quantile() computes them (linear within the bucket the rank falls in; the +Inf bucket
 * answers the highest finite bound; no observations → NaN). One query for the bucket rates then
 * gives p50, p95 and p99 at once, instead of three queries that each compute the same rates.
 */

interface Bucket {
  le: number
  count: number
}

function labelsWithoutLe(metric: Record<string, string>): Record<string, string> {
  const { le: _le, ...rest } = metric
  return rest
}

function keyOf(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}\u0000${labels[k]}`)
    .join('\u0001')
}

/** One quantile of one histogram's cumulative buckets. */
export function bucketQuantile(q: number, unsorted: readonly Bucket[]): number {
  if (Number.isNaN(q)) return Number.NaN
  if (q < 0) return Number.NEGATIVE_INFINITY
  if (q > 1) return Number.POSITIVE_INFINITY
  const sorted = [...unsorted].sort((a, b) => a.le - b.le)
  // Buckets of the same bound (series that differ in a dropped label) add up.
  const buckets: Bucket[] = []
  for (const b of sorted) {
    const last = buckets.at(-1)
    if (last && last.le === b.le) last.count += b.count
    else buckets.push({ ...b })
  }
  if (buckets.length < 2 || buckets.at(-1)?.le !== Number.POSITIVE_INFINITY) return Number.NaN
  // Counts are cumulative; rates of separately scraped buckets may wobble below that, so keep them monotonic.
  for (let i = 1; i < buckets.length; i++) buckets[i]!.count = Math.max(buckets[i]!.count, buckets[i - 1]!.count)
  const observations = buckets.at(-1)!.count
  if (!(observations > 0)) return Number.NaN
  let rank = q * observations
  const b = buckets.findIndex((x) => x.count >= rank)
  if (b === buckets.length - 1) return buckets[buckets.length - 2]!.le
  if (b === 0 && buckets[0]!.le <= 0) return buckets[0]!.le
  let start = 0
  let count = buckets[b]!.count
  if (b > 0) {
    start = buckets[b - 1]!.le
    count -= buckets[b - 1]!.count
    rank -= buckets[b - 1]!.count
  }
  const end = buckets[b]!.le
  return count > 0 ? start + (end - start) * (rank / count) : end
}

/**
 * The given quantiles of every histogram among the bucket samples (grouped by all labels but
 * `le`): one list of samples per quantile, each sample labelled as its histogram.
 */
export function quantilesFromBuckets(samples: readonly Sample[], quantiles: readonly number[]): Sample[][] {
  const groups = new Map<string, { metric: Record<string, string>; buckets: Bucket[] }>()
  for (const s of samples) {
    const raw = s.metric.le
    if (raw === undefined) continue
    const le = raw === '+Inf' ? Number.POSITIVE_INFINITY : Number(raw)
    if (Number.isNaN(le)) continue
    const metric = labelsWithoutLe(s.metric)
    const key = keyOf(metric)
    let group = groups.get(key)
    if (!group) groups.set(key, (group = { metric, buckets: [] }))
    group.buckets.push({ le, count: s.value })
  }
  return quantiles.map((q) => [...groups.values()].map((g) => ({ metric: g.metric, value: bucketQuantile(q, g.buckets) })))
}
