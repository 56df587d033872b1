import type { TopologyGraph, TrafficStats } from '@shared/contract'
import type { CanaryTarget, RolloutStateDto } from '@shared/contract/canary'

/** The parts of a plan the estimate needs. */
export interface PlanShape {
  steps: number[]
  intervalSeconds: number
  minRequests: number
}

export interface StepEstimate {
  percent: number
  /** Requests the canary is expected to get in one analysis window at this step. */
  requests: number
}

/** A change to the plan that lets every step reach its minimum, in words and as values. */
export interface PlanSuggestion {
  label: string
  patch: Partial<Pick<PlanShape, 'intervalSeconds' | 'minRequests'>>
}

export interface PlanAdvice {
  estimates: StepEstimate[]
  /** Set when a step cannot reach the minimum at the live rate. */
  warning: string | null
  suggestions: PlanSuggestion[]
}

/** Requests per step at `rps` (the route's live rate): the canary's share of it, for one interval. */
export function stepEstimates(rps: number, plan: Pick<PlanShape, 'steps' | 'intervalSeconds'>): StepEstimate[] {
  return plan.steps.map((percent) => ({ percent, requests: (rps * percent * plan.intervalSeconds) / 100 }))
}

/**
 * How sure a step must be to reach the minimum. Which requests go to the canary is a coin toss per
 * request, so a step's count scatters around its mean by about its square root: a plan is sound
 * when the mean minus three of those is still at the minimum (a step then falls short about once
 * in a thousand).
 */
const sureness = 3
/** Longer than this, a step interval is a plan nobody waits for; lower the minimum instead. */
const longestSuggestedInterval = 600

const surelyReaches = (mean: number, minimum: number): boolean => mean - sureness * Math.sqrt(mean) >= minimum
/** The smallest mean count that surely reaches `minimum`: solves m − z·√m = minimum for m. */
const meanNeeded = (minimum: number): number => ((sureness + Math.sqrt(sureness * sureness + 4 * minimum)) / 2) ** 2

/**
 * Whether each step can reach the minimum request count at the live rate, and if not, a plan that
 * can: a longer interval (so the smallest step surely sees enough requests), or a lower minimum
 * (what the smallest step surely sees now). With no live rate there is nothing to estimate from.
 */
export function planAdvice(rps: number | null, plan: PlanShape): PlanAdvice {
  if (rps === null || plan.steps.length === 0 || !(plan.intervalSeconds > 0)) return { estimates: [], warning: null, suggestions: [] }
  const estimates = stepEstimates(rps, plan)
  const first = estimates.reduce((low, e) => (e.requests < low.requests ? e : low), estimates[0]!)
  if (surelyReaches(first.requests, plan.minRequests)) return { estimates, warning: null, suggestions: [] }
  const shown = first.requests < 10 ? first.requests.toFixed(1) : String(Math.round(first.requests))
  const why =
    first.requests < plan.minRequests
      ? `below the minimum of ${plan.minRequests}, so the rollout would roll back for too few requests.`
      : `too close to the minimum of ${plan.minRequests}: a quiet window would roll the rollout back for too few requests.`
  const warning =
    rps === 0
      ? `The route has no traffic now, so no step can reach ${plan.minRequests} requests and the rollout would roll back at its first step.`
      : `At the live rate (${formatRate(rps)} to this route), the ${first.percent} % step gets about ${shown} requests in ${plan.intervalSeconds} s — ${why}`
  const suggestions: PlanSuggestion[] = []
  if (rps > 0) {
    const interval = Math.ceil((meanNeeded(plan.minRequests) * 100) / (rps * first.percent))
    if (interval <= longestSuggestedInterval) suggestions.push({ label: `Step every ${interval} s`, patch: { intervalSeconds: interval } })
    const minimum = Math.floor(first.requests - sureness * Math.sqrt(first.requests))
    if (minimum >= 5) suggestions.push({ label: `Lower the minimum to ${minimum} requests`, patch: { minRequests: minimum } })
  }
  return { estimates, warning, suggestions }
}

export const formatRate = (rps: number): string => `${rps < 10 ? rps.toFixed(1) : Math.round(rps)} rps`

/** Subsets other than stable and canary that carry traffic now: the rollout sets them to 0 while it runs. */
export function displacedSubsets(target: Pick<CanaryTarget, 'destinations'>, stable: string, canary: string): { key: string; weight: number }[] {
  return target.destinations.filter((d) => d.key !== stable && d.key !== canary && d.weight > 0).map((d) => ({ key: d.key, weight: d.weight }))
}

/**
 * A rollout's state as people say it: "Analysing step 2 of 5 — 12 s left", "Rolled back".
 * `now` drives the countdown of the step being analysed.
 */
export function phaseLabel(state: Pick<RolloutStateDto, 'phase' | 'stepIndex' | 'timeline' | 'spec'>, now: number): string {
  const total = state.spec.plan.steps.length
  const step = `step ${Math.min(state.stepIndex + 1, total)} of ${total}`
  switch (state.phase) {
    case 'applying':
      return `Applying ${step} — waiting for the mesh to take it`
    case 'analysing': {
      const since = [...state.timeline].reverse().find((t) => t.what === 'acked')?.at
      if (since === undefined) return `Analysing ${step}`
      const left = Math.max(0, Math.ceil(state.spec.plan.intervalSeconds - (now - since) / 1000))
      return `Analysing ${step} — ${left} s left`
    }
    case 'paused':
      return `Paused at ${step}`
    case 'promoted':
      return 'Promoted'
    case 'rolledBack':
      return 'Rolled back'
    case 'aborted':
      return 'Aborted'
  }
}

/** The service node of a mesh host in the topology (its id is `svc:` and the host). */
const serviceNodeId = (host: string): string => `svc:${host}`

/** Requests per second the topology sees to the route's host now; null when the graph does not show the host. */
export function liveRouteRate(graph: Pick<TopologyGraph, 'nodes'>, host: string): number | null {
  const node = graph.nodes.find((n) => n.id === serviceNodeId(host))
  return node?.stats ? node.stats.rps : null
}

/** What the topology measures now on the host's traffic to one subset (its route edge). */
export function liveSubsetStats(graph: Pick<TopologyGraph, 'nodes' | 'edges'>, host: string, subset: string): TrafficStats | null {
  const source = serviceNodeId(host)
  const versions = new Map(graph.nodes.filter((n) => n.kind === 'version').map((n) => [n.id, n.version]))
  return graph.edges.find((e) => e.kind === 'route' && e.source === source && versions.get(e.target) === subset)?.stats ?? null
}

/** The weights a running rollout has written for its current step (other subsets at 0). */
export function rolloutWeights(state: Pick<RolloutStateDto, 'phase' | 'stepIndex' | 'spec'>): Record<string, number> {
  const percent = state.phase === 'promoted' ? 100 : state.phase === 'rolledBack' || state.phase === 'aborted' ? 0 : (state.spec.plan.steps[state.stepIndex] ?? 0)
  const weights: Record<string, number> = {}
  for (const other of state.spec.others) weights[other] = 0
  weights[state.spec.stable] = 100 - percent
  weights[state.spec.canary] = percent
  return weights
}
