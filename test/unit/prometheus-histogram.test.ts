import { describe, expect, it } from 'vitest'
import { bucketQuantile, quantilesFromBuckets } from '../../src/main/telemetry/prometheus/histogram'

const inf = Number.POSITIVE_INFINITY

describe("quantiles from bucket rates, as PromQL's histogram_quantile() computes them", () => {
  it('interpolates inside the bucket the rank falls in, and answers the highest finite bound from +Inf', () => {
    const buckets = [
      { le: 10, count: 50 },
      { le: 100, count: 90 },
      { le: inf, count: 100 },
    ]
    expect(bucketQuantile(0.5, buckets)).toBe(10)
    expect(bucketQuantile(0.25, buckets)).toBe(5)
    expect(bucketQuantile(0.7, buckets)).toBe(55)
    expect(bucketQuantile(0.95, buckets)).toBe(100)
  })

  it('gives NaN with no observations or no +Inf bucket, never zero', () => {
    expect(bucketQuantile(0.99, [{ le: 10, count: 0 }, { le: inf, count: 0 }])).toBeNaN()
    expect(bucketQuantile(0.99, [{ le: 10, count: 5 }, { le: 100, count: 9 }])).toBeNaN()
  })

  it('groups samples by every label but le, one list per quantile', () => {
    const edge = (name: string, le: string, value: number) => ({ metric: { source_workload: name, le }, value })
    const [p50, p99] = quantilesFromBuckets([edge('a', '1', 10), edge('a', '5', 20), edge('a', '+Inf', 20), edge('b', '1', 0), edge('b', '+Inf', 0)], [0.5, 0.99])
    expect(p50).toEqual([
      { metric: { source_workload: 'a' }, value: 1 },
      { metric: { source_workload: 'b' }, value: Number.NaN },
    ])
    expect(p99?.[0]?.value).toBeCloseTo(1 + 4 * ((19.8 - 10) / 10))
  })
})
