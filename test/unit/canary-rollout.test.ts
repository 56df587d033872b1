import { describe, expect, it } from 'vitest'
import { analyse } from '../../src/main/canary/analysis'
import { planProblems, reduceRollout, startRollout, type RolloutSpec, type RolloutState } from '../../src/main/canary/rollout-machine'

const spec: RolloutSpec = {
  id: 'r1',
  host: 'reviews.demo.svc',
  stable: 'v1',
  canary: 'v3',
  others: ['v2'],
  target: { namespace: 'demo', name: 'reviews', route: { index: 0 } },
  plan: { steps: [10, 50, 100], intervalSeconds: 30, analysis: { maxErrorRate: 0.05, maxP99Ms: 500, minRequests: 20 } },
}
const healthy = { requests: 200, errorRate: 0.01, p99Ms: 80 }

function run(state: RolloutState, ...events: Parameters<typeof reduceRollout>[1][]): RolloutState {
  return events.reduce((s, e) => reduceRollout(s, e).state, state)
}

describe('progressive rollout', () => {
  it('starts by writing the first step and waiting for every client to ACK', () => {
    const { state, actions } = startRollout(spec, 0)
    expect(state.phase).toBe('applying')
    expect(actions).toContainEqual({ type: 'applyWeights', weights: { v2: 0, v1: 90, v3: 10 } })
    expect(actions).toContainEqual({ type: 'awaitAck' })
  })

  it('analyses only after the ACK, then moves to the next step', () => {
    const started = startRollout(spec, 0).state
    const acked = reduceRollout(started, { type: 'acked', at: 1 })
    expect(acked.actions).toEqual([{ type: 'analyse', windowSeconds: 30 }])
    const next = reduceRollout(acked.state, { type: 'analysed', at: 31, metrics: healthy })
    expect(next.state.stepIndex).toBe(1)
    expect(next.actions).toContainEqual({ type: 'applyWeights', weights: { v2: 0, v1: 50, v3: 50 } })
  })

  it('a healthy canary is promoted to 100 %', () => {
    let state = startRollout(spec, 0).state
    for (let i = 0; i < 3; i++) state = run(state, { type: 'acked', at: i * 10 + 1 }, { type: 'analysed', at: i * 10 + 5, metrics: healthy })
    expect(state.phase).toBe('promoted')
    expect(state.timeline.at(-1)).toMatchObject({ what: 'promoted', canaryPercent: 100 })
  })

  it('a failing check rolls back to 100 % stable at once and names the metric and value', () => {
    const state = run(startRollout(spec, 0).state, { type: 'acked', at: 1 })
    const { state: after, actions } = reduceRollout(state, { type: 'analysed', at: 31, metrics: { requests: 300, errorRate: 0.3, p99Ms: 90 } })
    expect(after.phase).toBe('rolledBack')
    expect(after.failure).toMatchObject({ metric: 'errorRate', value: 0.3, threshold: 0.05 })
    expect(after.failure?.message).toBe('Error rate 30.0% is above the 5.0% limit.')
    expect(actions).toContainEqual({ type: 'applyWeights', weights: { v2: 0, v1: 100, v3: 0 } })
  })

  it('no traffic is never healthy', () => {
    expect(analyse({ requests: 3, errorRate: 0, p99Ms: null }, spec.plan.analysis)).toMatchObject({ ok: false, metric: 'requests' })
  })

  it('pause stops the clock; resume re-applies the current step', () => {
    const paused = run(startRollout(spec, 0).state, { type: 'acked', at: 1 }, { type: 'pause', at: 2 })
    expect(paused.phase).toBe('paused')
    expect(reduceRollout(paused, { type: 'analysed', at: 3, metrics: healthy }).state.phase).toBe('paused')
    const resumed = reduceRollout(paused, { type: 'resume', at: 4 })
    expect(resumed.state.phase).toBe('applying')
    expect(resumed.actions).toContainEqual({ type: 'applyWeights', weights: { v2: 0, v1: 90, v3: 10 } })
  })

  it('after a restart it writes the current step again rather than trusting what was in flight', () => {
    const mid = run(startRollout(spec, 0).state, { type: 'acked', at: 1 }, { type: 'analysed', at: 31, metrics: healthy }, { type: 'acked', at: 32 })
    const { state, actions } = reduceRollout(JSON.parse(JSON.stringify(mid)) as RolloutState, { type: 'restarted', at: 100 })
    expect(state.phase).toBe('applying')
    expect(state.stepIndex).toBe(1)
    expect(actions).toContainEqual({ type: 'applyWeights', weights: { v2: 0, v1: 50, v3: 50 } })
  })

  it('abort puts everything back on stable; promote-now sends everything to the canary', () => {
    const running = startRollout(spec, 0).state
    expect(reduceRollout(running, { type: 'abort', at: 1 }).actions).toContainEqual({ type: 'applyWeights', weights: { v2: 0, v1: 100, v3: 0 } })
    expect(reduceRollout(running, { type: 'promoteNow', at: 1 }).actions).toContainEqual({ type: 'applyWeights', weights: { v2: 0, v1: 0, v3: 100 } })
  })

  it('rejects plans that cannot work, in words', () => {
    expect(planProblems({ ...spec.plan, steps: [10, 5, 101] })).toEqual([
      'Step 2 (5%) does not go above the step before it.',
      'Step 3 is 101; steps are whole percentages from 1 to 100.',
    ])
  })
})

describe('when the mesh does not answer', () => {
  it('holds the current weights and pauses with the reason instead of guessing', () => {
    const state = run(startRollout(spec, 0).state, { type: 'acked', at: 1 })
    const { state: after, actions } = reduceRollout(state, { type: 'operationFailed', at: 5, message: 'telemetry unavailable' })
    expect(after.phase).toBe('paused')
    expect(after.timeline.at(-1)?.detail).toBe('Paused: telemetry unavailable')
    expect(actions).toEqual([{ type: 'cancelPending' }])
  })
})
