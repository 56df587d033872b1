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

describe('a step that is never ACKed', () => {
  it('pauses at the progress deadline naming the clients, or rolls back when the plan says so', () => {
    const applying = startRollout(spec, 0).state
    const paused = reduceRollout(applying, { type: 'progressDeadline', at: 60_000, pending: ['node-a', 'node-b'] })
    expect(paused.state.phase).toBe('paused')
    expect(paused.state.timeline.at(-1)?.detail).toBe('Paused: No ACK within the 60 s progress deadline from node-a, node-b.')
    expect(paused.actions).toEqual([{ type: 'cancelPending' }])

    const strict = startRollout({ ...spec, plan: { ...spec.plan, progressDeadlineSeconds: 5, onProgressDeadline: 'rollback' } }, 0).state
    const rolledBack = reduceRollout(strict, { type: 'progressDeadline', at: 5_000, pending: Array.from({ length: 12 }, (_, i) => `n${i}`) })
    expect(rolledBack.state.phase).toBe('rolledBack')
    expect(rolledBack.state.failure).toMatchObject({ metric: 'progressDeadline', threshold: 5, message: 'No ACK within the 5 s progress deadline from n0, n1, n2, n3, n4, n5, n6, n7, n8, n9 and 2 more.' })
    expect(rolledBack.actions).toContainEqual({ type: 'applyWeights', weights: { v2: 0, v1: 100, v3: 0 } })
  })

  it('a deadline that arrives after the ACK changes nothing', () => {
    const analysing = run(startRollout(spec, 0).state, { type: 'acked', at: 1 })
    expect(reduceRollout(analysing, { type: 'progressDeadline', at: 60_000, pending: [] }).state).toBe(analysing)
  })
})

describe('sources that disagree', () => {
  const both = (spans: { requests: number; errorRate: number }, loadReports: { requests: number; errorRate: number }) => ({
    requests: loadReports.requests,
    errorRate: loadReports.errorRate,
    p99Ms: 40,
    sources: { requests: 'loadReports' as const, errorRate: 'loadReports' as const, p99Ms: 'spans' as const },
    readings: { spans: { ...spans, p99Ms: 40 }, loadReports: { ...loadReports, p99Ms: null } },
  })

  it('pause the rollout with both readings instead of deciding on either', () => {
    const analysing = run(startRollout(spec, 0).state, { type: 'acked', at: 1 })
    const forged = both({ requests: 3060, errorRate: 0.012 }, { requests: 60, errorRate: 0.6 })
    const { state, actions } = reduceRollout(analysing, { type: 'analysed', at: 31, metrics: forged })
    expect(state.phase).toBe('paused')
    expect(state.failure).toBeUndefined()
    expect(state.timeline.at(-1)).toMatchObject({
      what: 'paused',
      detail: 'Paused: The sources disagree: spans count 3060 requests to the canary, load reports 60. Check what sends spans to the collector, then resume.',
      metrics: forged,
    })
    expect(actions).toEqual([{ type: 'cancelPending' }])
    const errors = reduceRollout(analysing, { type: 'analysed', at: 31, metrics: both({ requests: 100, errorRate: 0.01 }, { requests: 110, errorRate: 0.4 }) })
    expect(errors.state.timeline.at(-1)?.detail).toBe('Paused: The sources disagree: spans show 1.0% errors, load reports 40.0%. Check what sends spans to the collector, then resume.')
  })

  it('do not conflict when spans are sampled: fewer spans than load-reported calls is judged as usual', () => {
    const analysing = run(startRollout(spec, 0).state, { type: 'acked', at: 1 })
    // A mesh tracing 10 % of calls: 30 spans against 300 load-reported requests, same error rate.
    const sampled = both({ requests: 30, errorRate: 0.3 }, { requests: 300, errorRate: 0.31 })
    const { state } = reduceRollout(analysing, { type: 'analysed', at: 31, metrics: sampled })
    expect(state.phase).toBe('rolledBack')
    expect(state.failure).toMatchObject({ metric: 'errorRate', value: 0.31 })
  })

  it('with error rates that differ by chance in small windows are judged as usual', () => {
    const analysing = run(startRollout(spec, 0).state, { type: 'acked', at: 1 })
    // Both see a failing canary over a few calls: 42 % of 24 and 65 % of 26 are the same 60 % fault.
    const small = both({ requests: 24, errorRate: 0.42 }, { requests: 26, errorRate: 0.65 })
    const judgedSmall = reduceRollout(analysing, { type: 'analysed', at: 31, metrics: small }).state
    expect(judgedSmall.phase).toBe('rolledBack')
    expect(judgedSmall.failure).toMatchObject({ metric: 'errorRate', value: 0.65 })
    // A healthy canary seen at 0 % and 4 % passes the 5 % limit on both: nothing to contradict.
    const passing = both({ requests: 20, errorRate: 0 }, { requests: 200, errorRate: 0.04 })
    expect(reduceRollout(analysing, { type: 'analysed', at: 31, metrics: passing }).state.phase).not.toBe('paused')
    // But 0 % of 24 spans against 60 % of 25 load-reported calls is no accident.
    const contradicting = both({ requests: 24, errorRate: 0 }, { requests: 25, errorRate: 0.6 })
    expect(reduceRollout(analysing, { type: 'analysed', at: 31, metrics: contradicting }).state.phase).toBe('paused')
  })

  it('that agree within the margin are judged as usual', () => {
    const analysing = run(startRollout(spec, 0).state, { type: 'acked', at: 1 })
    // Spans lag their exporters' batching a little: 70 against 100 is agreement.
    const agreeing = both({ requests: 70, errorRate: 0.3 }, { requests: 100, errorRate: 0.32 })
    const { state } = reduceRollout(analysing, { type: 'analysed', at: 31, metrics: agreeing })
    expect(state.phase).toBe('rolledBack')
    expect(state.failure).toMatchObject({ metric: 'errorRate', value: 0.32 })
  })
})
