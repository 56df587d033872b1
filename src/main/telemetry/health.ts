import type { HealthClass, TrafficStats } from '@shared/contract'
import type { HealthThresholds } from './inputs'

const rank: Record<HealthClass, number> = { idle: 0, healthy: 1, degraded: 2, failing: 3 }

/** The worse of two health classes; idle counts as "nothing to say", never as worse than healthy. */
export function worseHealth(a: HealthClass, b: HealthClass): HealthClass {
  return rank[a] >= rank[b] ? a : b
}

/** Traffic health: idle without requests, then by error share against the thresholds. */
export function trafficHealth(stats: TrafficStats, thresholds: HealthThresholds): HealthClass {
  if (stats.rps <= 0) return 'idle'
  if (stats.errorPct >= thresholds.failingErrorPct) return 'failing'
  if (stats.errorPct >= thresholds.degradedErrorPct) return 'degraded'
  return 'healthy'
}

/** Readiness health of replicas or processes: none wanted is idle, none ready is failing. */
export function readinessHealth(ready: number, desired: number): HealthClass {
  if (desired <= 0) return 'idle'
  if (ready <= 0) return 'failing'
  if (ready < desired) return 'degraded'
  return 'healthy'
}
