import { MeshdeckError } from '@shared/contract'
import { prometheus, PrometheusAnswerError, type CanaryTemplateVars } from '../../telemetry'
import type { PrometheusClient } from '../../telemetry/io'
import type { CanaryMetrics, CheckReading, MetricCheck } from '../analysis'

function why(err: unknown): string {
  if (err instanceof PrometheusAnswerError) return `${err.problem.message} ${err.problem.hint}`
  if (err instanceof MeshdeckError) return `${err.message}${err.hint ? ` ${err.hint}` : ''}`
  return err instanceof Error ? err.message : String(err)
}

/**
 * One analysis window from Prometheus: Flagger's built-in checks on the canary (request count,
 * success rate, p99 from the duration histogram, as the destination reports them) and the user's
 * PromQL checks. Whatever cannot be read — no series, a NaN ratio, Prometheus unreachable, a query
 * refused — makes the window `unavailable` with the reason, so the rollout pauses on it instead of
 * judging numbers it does not have.
 */
export async function prometheusCanaryMetrics(client: PrometheusClient, vars: CanaryTemplateVars, checks: readonly MetricCheck[]): Promise<CanaryMetrics> {
  const q = prometheus.canaryBuiltinQueries(vars)
  const unavailable = (reason: string): CanaryMetrics => ({
    requests: 0,
    errorRate: 0,
    p99Ms: null,
    sources: { requests: null, errorRate: null, p99Ms: null },
    unavailable: `Prometheus (${client.describe}) cannot judge the canary ${vars.subset} of ${vars.host}: ${reason}`,
  })
  const one = async (query: string): Promise<number> => prometheus.singleValue(await client.query(query), query)
  let requests: number
  let successRate: number
  let p99: number
  try {
    ;[requests, successRate, p99] = await Promise.all([one(q.requests), one(q.successRate), one(q.p99)])
  } catch (err) {
    return unavailable(why(err))
  }
  const readings: CheckReading[] = []
  for (const check of checks) {
    let query: string
    try {
      query = prometheus.renderCheckQuery(check.query, vars)
    } catch (err) {
      return unavailable(`check "${check.name}": ${why(err)}`)
    }
    try {
      const value = await one(query)
      readings.push({ name: check.name, query, value, ...(check.min === undefined ? {} : { min: check.min }), ...(check.max === undefined ? {} : { max: check.max }) })
    } catch (err) {
      return unavailable(`check "${check.name}": ${why(err)}`)
    }
  }
  const reading = { requests: Math.round(requests), errorRate: Math.min(1, Math.max(0, 1 - successRate / 100)), p99Ms: Number.isFinite(p99) ? p99 : null }
  return {
    ...reading,
    sources: { requests: 'prometheus', errorRate: 'prometheus', p99Ms: reading.p99Ms === null ? null : 'prometheus' },
    readings: { prometheus: reading },
    ...(readings.length > 0 ? { checks: readings } : {}),
  }
}
