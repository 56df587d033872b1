/**
 * When to restart a crashed workload: exponential backoff (1s, 2s, 4s … capped), forgiven once the
 * workload has stayed up long enough, as Kubernetes does for CrashLoopBackOff. Pure.
 */
export interface RestartPolicy {
  initialDelayMs: number
  maxDelayMs: number
  /** A run at least this long resets the backoff to the initial delay. */
  stableAfterMs: number
}

export const defaultRestartPolicy: RestartPolicy = { initialDelayMs: 1_000, maxDelayMs: 30_000, stableAfterMs: 60_000 }

/** The delay before the next start, given how many crashes in a row came before and how long the last run lasted. */
export function restartDelay(policy: RestartPolicy, crashesInRow: number, lastRunMs: number): { delayMs: number; crashesInRow: number } {
  const streak = lastRunMs >= policy.stableAfterMs ? 1 : crashesInRow + 1
  const delayMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (streak - 1))
  return { delayMs, crashesInRow: streak }
}
