import type { RolloutStateDto } from '@shared/contract/canary'

/** One finished rollout as the history list shows it. */
export interface HistoryRow {
  id: string
  route: string
  subsets: string
  outcome: 'promoted' | 'rolledBack' | 'aborted'
  /** The outcome in words; a rollback names the metric and the value that failed. */
  outcomeText: string
  startedAt: number | null
  endedAt: number | null
  /** e.g. "2 of 3 (60 %)". */
  reached: string
  plan: string
}

const percent = (fraction: number): string => `${(fraction * 100).toFixed(1)} %`

function outcomeText(state: RolloutStateDto): string {
  if (state.phase === 'promoted') return state.timeline.at(-1)?.detail === 'Promoted by the user.' ? 'Promoted by the user' : 'Promoted'
  if (state.phase === 'aborted') return 'Aborted'
  const failure = state.failure
  if (!failure) return 'Rolled back'
  switch (failure.metric) {
    case 'errorRate':
      return `Rolled back: error rate ${percent(failure.value)} (limit ${percent(failure.threshold)})`
    case 'p99Ms':
      return `Rolled back: p99 ${Math.round(failure.value)} ms (limit ${failure.threshold} ms)`
    case 'requests':
      return `Rolled back: ${failure.value} requests (at least ${failure.threshold} needed)`
    case 'progressDeadline':
      return `Rolled back: no ACK within ${failure.threshold} s`
    case 'check':
      return `Rolled back: ${failure.message}`
  }
}

function routeLabel(state: RolloutStateDto): string {
  const t = state.spec.target
  const route = 'name' in t.route ? t.route.name : `route ${t.route.index + 1}`
  return `${t.context ? `${t.context}: ` : ''}${t.namespace}/${t.name} › ${route}`
}

/** Finished rollouts, newest first (by start), in the words the Canary page uses. */
export function historyRows(rollouts: readonly RolloutStateDto[]): HistoryRow[] {
  return rollouts
    .filter((r): r is RolloutStateDto & { phase: HistoryRow['outcome'] } => r.phase === 'promoted' || r.phase === 'rolledBack' || r.phase === 'aborted')
    .map((r) => {
      const steps = r.spec.plan.steps
      const reachedPercent = steps[r.stepIndex] ?? steps.at(-1) ?? 0
      const a = r.spec.plan.analysis
      return {
        id: r.spec.id,
        route: routeLabel(r),
        subsets: `${r.spec.stable} → ${r.spec.canary}`,
        outcome: r.phase,
        outcomeText: outcomeText(r),
        startedAt: r.timeline[0]?.at ?? null,
        endedAt: r.timeline.at(-1)?.at ?? null,
        reached: `${Math.min(r.stepIndex + 1, steps.length)} of ${steps.length} (${reachedPercent} %)`,
        plan: `${steps.join(', ')} % every ${r.spec.plan.intervalSeconds} s; errors ≤ ${percent(a.maxErrorRate)}, p99 ≤ ${a.maxP99Ms} ms, ≥ ${a.minRequests} requests${(a.checks ?? []).map((c) => `; ${c.name}`).join('')}`,
      }
    })
    .sort((x, y) => (y.startedAt ?? 0) - (x.startedAt ?? 0))
}
