import { describe, expect, it } from 'vitest'
import type { RolloutStateDto } from '@shared/contract/canary'
import { displacedSubsets, liveRouteRate, phaseLabel, planAdvice, rolloutWeights, stepEstimates } from '../../src/renderer/src/lib/canary/rollout-plan'

const spec: RolloutStateDto['spec'] = {
  id: 'r1',
  host: 'reviews.demo.svc.cluster.local',
  stable: 'v1',
  canary: 'v3',
  others: ['v2'],
  plan: { steps: [5, 10, 25, 50, 100], intervalSeconds: 30, analysis: { maxErrorRate: 0.05, maxP99Ms: 500, minRequests: 20 } },
  target: { namespace: 'demo', name: 'reviews', route: { name: 'reviews-canary' } },
}

describe('a rollout plan that can succeed', () => {
  it('estimates the requests each step gets at the live rate', () => {
    expect(stepEstimates(5, { steps: [5, 50], intervalSeconds: 30 })).toEqual([
      { percent: 5, requests: 7.5 },
      { percent: 50, requests: 75 },
    ])
  })

  it('warns that the default plan at the demo’s 5 rps cannot reach 20 requests, and suggests a plan that can', () => {
    const advice = planAdvice(5, { steps: [5, 10, 25, 50, 100], intervalSeconds: 30, minRequests: 20 })
    expect(advice.warning).toBe(
      'At the live rate (5.0 rps to this route), the 5 % step gets about 7.5 requests in 30 s — below the minimum of 20, so the rollout would roll back for too few requests.',
    )
    // 7.5 requests surely reach no minimum worth judging on: only a longer interval is offered.
    expect(advice.suggestions).toEqual([{ label: 'Step every 155 s', patch: { intervalSeconds: 155 } }])
    expect(planAdvice(5, { steps: [5, 10, 25, 50, 100], intervalSeconds: 155, minRequests: 20 }).warning).toBeNull()
  })

  it('warns when a step’s mean only just reaches the minimum (a quiet window would fall short), with both remedies', () => {
    const plan = { steps: [5, 10, 25, 50, 100], intervalSeconds: 30, minRequests: 20 }
    const advice = planAdvice(20, plan)
    expect(advice.warning).toBe(
      'At the live rate (20 rps to this route), the 5 % step gets about 30 requests in 30 s — too close to the minimum of 20: a quiet window would roll the rollout back for too few requests.',
    )
    expect(advice.suggestions).toEqual([
      { label: 'Step every 39 s', patch: { intervalSeconds: 39 } },
      { label: 'Lower the minimum to 13 requests', patch: { minRequests: 13 } },
    ])
    // Each suggestion, applied, is a plan the estimate accepts.
    for (const s of advice.suggestions) expect(planAdvice(20, { ...plan, ...s.patch }).warning).toBeNull()
  })

  it('says nothing when every step reaches the minimum, and cannot estimate without a live rate', () => {
    expect(planAdvice(50, { steps: [5, 10], intervalSeconds: 30, minRequests: 20 }).warning).toBeNull()
    expect(planAdvice(null, { steps: [5, 10], intervalSeconds: 30, minRequests: 20 })).toEqual({ estimates: [], warning: null, suggestions: [] })
    expect(planAdvice(0, { steps: [5], intervalSeconds: 30, minRequests: 20 }).warning).toMatch(/no traffic now/)
  })

  it('names the subsets a rollout sets to 0', () => {
    const target = { destinations: [{ key: 'v1', host: 'h', subset: 'v1', weight: 80 }, { key: 'v2', host: 'h', subset: 'v2', weight: 10 }, { key: 'v3', host: 'h', subset: 'v3', weight: 10 }] }
    expect(displacedSubsets(target, 'v1', 'v3')).toEqual([{ key: 'v2', weight: 10 }])
    expect(displacedSubsets(target, 'v1', 'v2')).toEqual([{ key: 'v3', weight: 10 }])
  })

  it('reads the route’s live rate from the service node of the topology', () => {
    const stats = { rps: 4.8, errorPct: 0, p50Ms: 1, p99Ms: 2, inFlight: 0 }
    const node = { id: 'svc:reviews.demo.svc.cluster.local', kind: 'service' as const, label: 'reviews', parent: null, namespace: 'demo', app: 'reviews', version: null, health: 'healthy' as const, stats, missing: false, refs: [] }
    expect(liveRouteRate({ nodes: [node] }, 'reviews.demo.svc.cluster.local')).toBe(4.8)
    expect(liveRouteRate({ nodes: [node] }, 'ratings.demo.svc.cluster.local')).toBeNull()
  })
})

describe('rollout states in words', () => {
  const at = 1_000_000
  it.each([
    ['applying', 0, [], 'Applying step 1 of 5 — waiting for the mesh to take it'],
    ['analysing', 1, [{ at, step: 1, canaryPercent: 10, what: 'acked' as const }], 'Analysing step 2 of 5 — 12 s left'],
    ['paused', 2, [], 'Paused at step 3 of 5'],
    ['rolledBack', 0, [], 'Rolled back'],
    ['promoted', 4, [], 'Promoted'],
    ['aborted', 0, [], 'Aborted'],
  ] as const)('%s at step index %d reads "%s"', (phase, stepIndex, timeline, text) => {
    expect(phaseLabel({ phase, stepIndex, timeline: [...timeline], spec }, at + 18_000)).toBe(text)
  })

  it('gives the weights a running rollout has written, other subsets at 0', () => {
    expect(rolloutWeights({ phase: 'analysing', stepIndex: 1, spec })).toEqual({ v1: 90, v2: 0, v3: 10 })
    expect(rolloutWeights({ phase: 'rolledBack', stepIndex: 1, spec })).toEqual({ v1: 100, v2: 0, v3: 0 })
  })
})
