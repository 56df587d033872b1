import { sameHost } from './route-of-call'

/**
 * The rollout step in force on a host at a moment: which rollout, which step, the weights it had
 * written. A step counts from its `applied` entry; a finished rollout stops counting at its end.
 * Pure.
 */
/**
 * What a rollout's record says, as far as traces read it: the canary's RolloutTimeline fits it (traces
 * sits below canary in the layers, so the composition root passes rollouts in).
 */
export interface RolloutTimeline {
  spec: { id: string; host: string; stable: string; canary: string; others: string[]; plan: { steps: number[] } }
  timeline: { at: number; step: number; canaryPercent: number; what: string; detail?: string }[]
}

export interface RolloutAt {
  id: string
  host: string
  stable: string
  canary: string
  /** 1-based step number, and how many the plan has. */
  step: number
  steps: number
  canaryPercent: number
  weights: Record<string, number>
  /** What the rollout was doing then, e.g. "analysing step 2 (10%)". */
  phase: string
  sinceMs: number
}

export interface RolloutMarker {
  atMs: number
  rolloutId: string
  host: string
  label: string
}

export function rolloutAt(rollouts: readonly RolloutTimeline[], host: string, atMs: number): RolloutAt | null {
  for (const rollout of rollouts) {
    if (!sameHost(rollout.spec.host, host)) continue
    const timeline = rollout.timeline
    if (timeline.length === 0 || timeline[0]!.at > atMs) continue
    const last = timeline[timeline.length - 1]!
    const finished = ['promoted', 'rolledBack', 'aborted'].includes(last.what)
    if (finished && last.at < atMs) continue
    let current = timeline[0]!
    for (const entry of timeline) if (entry.at <= atMs) current = entry
    const percent = current.what === 'rolledBack' || current.what === 'aborted' ? 0 : current.what === 'promoted' ? 100 : current.canaryPercent
    const weights: Record<string, number> = {}
    for (const other of rollout.spec.others) weights[other] = 0
    weights[rollout.spec.stable] = 100 - percent
    weights[rollout.spec.canary] = percent
    return {
      id: rollout.spec.id,
      host: rollout.spec.host,
      stable: rollout.spec.stable,
      canary: rollout.spec.canary,
      step: current.step + 1,
      steps: rollout.spec.plan.steps.length,
      canaryPercent: percent,
      weights,
      phase: `${current.what} step ${current.step + 1} (${percent}% to ${rollout.spec.canary})${current.detail ? `: ${current.detail}` : ''}`,
      sinceMs: current.at,
    }
  }
  return null
}

/** Steps applied, promotions and rollbacks within a window: markers for a trace's timeline. */
export function rolloutMarkers(rollouts: readonly RolloutTimeline[], sinceMs: number, untilMs: number): RolloutMarker[] {
  const out: RolloutMarker[] = []
  for (const rollout of rollouts) {
    for (const entry of rollout.timeline) {
      if (entry.at < sinceMs || entry.at > untilMs) continue
      if (!['applied', 'promoted', 'rolledBack', 'aborted', 'paused', 'failed'].includes(entry.what)) continue
      const label =
        entry.what === 'applied'
          ? `${rollout.spec.host}: step ${entry.step + 1} → ${entry.canaryPercent}% ${rollout.spec.canary}`
          : `${rollout.spec.host}: rollout ${entry.what}${entry.detail ? ` (${entry.detail})` : ''}`
      out.push({ atMs: entry.at, rolloutId: rollout.spec.id, host: rollout.spec.host, label })
    }
  }
  return out.sort((a, b) => a.atMs - b.atMs)
}
